"""The workshop page in a real headless Chromium (Debian's, driven by Playwright).

Starts ``reve-sim-app`` (as ``python -m reve_sim.app.serve``) on a free loopback port,
blocks every request that is not to this machine (the page must work offline), then does
what a facilitator does: pick ``lockdown_2020``, step 12 weeks, check that the charts
changed and show the lockdown marker, compare with ``reve`` and open a saved run. The
screenshots are kept in ``results/test-artifacts/app/`` (or ``$REVE_SIM_ARTIFACTS``).

The browser comes from ``apt-get install chromium`` (``.ci/run`` installs it), never from
``playwright install``. Without it the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app_support import ROOT, artifacts_dir, saved_run

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")

pytestmark = pytest.mark.slow

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - reported below
    sync_playwright = None

if sync_playwright is not None:
    expect.set_options(timeout=60_000)  # a loaded 2-core machine can take seconds per redraw

if sync_playwright is None or not Path(CHROMIUM).exists():
    why = "needs playwright and Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        raise RuntimeError(f"the browser test {why}; .ci/run installs them")
    pytest.skip(why, allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    saved_run(results / "lockdown_2020" / "20200101-000000", weeks=20)
    port = free_port()
    log = open(tmp_path_factory.mktemp("log") / "server.log", "w+")  # noqa: SIM115
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reve_sim.app.serve", "--port", str(port), "--results",
         str(results)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            proc.kill()
            pytest.fail(f"reve-sim-app did not start:\n{log.read()}")
        time.sleep(0.5)
    yield url, results, log
    proc.send_signal(signal.SIGINT)  # solara stops cleanly on SIGINT (not always on TERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture
def page(server):
    url, _, _ = server
    blocked, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1900})
        page.set_default_timeout(60_000)

        def route(r):
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        yield page
        browser.close()
    assert blocked == [], f"the page asked for outside resources: {blocked}"
    assert errors == [], f"errors in the page: {errors}"


def test_facilitator_plays_lockdown_and_compares(page, server):
    _, _, log = server
    out = artifacts_dir()
    expect(page.get_by_text(re.compile("Pas encore commencé"))).to_be_visible()
    page.locator(".reve-scenario").click()
    page.get_by_role("option", name="Les confinements de 2020").click()
    status = page.locator(".reve-status")
    expect(status).to_contain_text("Les confinements de 2020")
    expect(status).to_contain_text("Pas encore commencé")
    curves = page.locator("img.reve-curves")
    network = page.locator("img.reve-network")
    before = curves.screenshot(), network.screenshot()
    for week in range(1, 13):
        page.locator(".reve-step").click()
        expect(status).to_contain_text(f"{week} / 156")
    expect(status).to_contain_text("Semaine 11")
    after = curves.screenshot(), network.screenshot()
    assert after[0] != before[0], "the curves did not change after 12 weeks"
    assert after[1] != before[1], "the network did not change after 12 weeks"
    expect(page.locator(".reve-markers")).to_contain_text("Confinement : écoles fermées")
    expect(page.locator(".reve-markers")).to_contain_text("semaines 28–36")
    page.screenshot(path=str(out / "live_lockdown_week12.png"))

    page.get_by_role("tab", name="Comparer deux scénarios").click()
    page.locator(".reve-compare-run").click()
    expect(page.locator("img.reve-compare-net-b")).to_be_visible(timeout=180_000)
    expect(page.locator("img.reve-compare-net-a")).to_be_visible()
    expect(page.locator("img.reve-compare-curves")).to_be_visible()
    table = page.locator(".reve-compare-table")
    expect(table).to_contain_text("A — Les confinements de 2020")
    expect(table).to_contain_text("B — Les leviers REVE avant un confinement")
    page.screenshot(path=str(out / "compare_lockdown_reve.png"))
    log.seek(0)
    assert "Could not load URL" not in log.read(), "the server tried to reach a CDN"


def test_replay_a_saved_run_and_switch_to_english(page, server):
    out = artifacts_dir()
    expect(page.get_by_text(re.compile("Pas encore commencé"))).to_be_visible()
    page.get_by_role("tab", name="Revoir une simulation").click()
    page.locator(".reve-replay-path input").fill(str(server[1] / "lockdown_2020" /
                                                     "20200101-000000"))
    page.locator(".reve-replay-open").click()
    expect(page.locator(".reve-replay-check")).to_contain_text("identiques au fichier")
    expect(page.locator("img.reve-replay-network")).to_be_visible()
    page.screenshot(path=str(out / "replay.png"))
    page.locator(".reve-lang").click()
    expect(page.get_by_role("tab", name="Replay a saved run")).to_be_visible()
    expect(page.locator(".reve-step")).to_contain_text("Next week")
