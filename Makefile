# Two commands do all the set-up: `make run` (default scenario + figure) and `make test`.
# Python 3.12 comes from pyenv via .python-version; the virtualenv is built on first use.
PYTHON_BOOT ?= $(shell command -v pyenv >/dev/null 2>&1 && echo "pyenv exec python" || echo python3.12)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -c "from reve_sim.jit_cache import main; main()"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/reve-sim

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
