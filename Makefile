VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint screenshots

# The venv is (re)built when missing or when pyproject.toml changed.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/runbook demo --dir demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/mypy src
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/pytest

# Every archived HTML of the demo rendered in headless Chromium (Debian's chromium package):
# PNGs in demo/screenshots (outside git); fails on a JavaScript error, a blank chart, a table
# that never loaded or a request to the network.
screenshots: $(STAMP)
	command -v chromium >/dev/null || apt-get install -y -qq --no-install-recommends chromium
	$(PY) -m pip install -q -e ".[dev,shots]"
	test -d demo/workspace/archive || $(MAKE) demo
	$(PY) tools/screenshots.py demo/workspace/archive --out demo/screenshots
