"""``reve-sim-app``: start the workshop page on this computer and print its address.

Runs ``solara run reve_sim.app.page --host 127.0.0.1 --port <p> --production``. Every
asset is served locally (the ``solara-assets`` package; no CDN, no telemetry), so the
page works without internet. The model's kernels are compiled (or loaded from Numba's
cache) before the server starts, so the first click is not slow. Stop with Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys

from ..jit_cache import warm_up


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_port(host: str, wanted: int, tries: int = 20) -> int:
    for port in range(wanted, wanted + tries):
        if port_free(host, port):
            return port
    raise SystemExit(f"error: ports {wanted}-{wanted + tries - 1} on {host} are all busy; "
                     "choose one with --port.")


def command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", "reve_sim.app.page", "--host", host,
            "--port", str(port), "--production", "--no-open"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="reve-sim-app", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--results", default=None,
                        help="folder of saved runs for the replay tab (default ./results)")
    parser.add_argument("--no-warm-up", action="store_true", help="skip compiling first")
    args = parser.parse_args(argv)
    port = pick_port(args.host, args.port)
    if port != args.port:
        print(f"port {args.port} is busy; using {port}")
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ.setdefault("MPLBACKEND", "Agg")
    if args.results:
        os.environ["REVE_SIM_RESULTS"] = os.path.abspath(args.results)
    if not args.no_warm_up:
        print("preparing the model (the very first start compiles it, about a minute and a "
              "half)...", flush=True)
        print(f"ready in {warm_up():.1f} s", flush=True)
    print(f"reve-sim workshop app: http://{args.host}:{port}/   (Ctrl+C to stop)", flush=True)
    cmd = command(args.host, port)
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
