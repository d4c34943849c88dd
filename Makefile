# Every target sets up its own virtual environment first, so a fresh clone
# needs nothing but Python 3.10+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: serve explore test lint typecheck unit docs browser bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

serve: venv
	$(BIN)/lora-lab serve

explore: venv
	$(BIN)/lora-lab explore

# The browser tests drive Debian's Chromium; Playwright never downloads one.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "The browser tests need Chromium at $(CHROMIUM)"; exit 1; \
		fi; \
		echo "Installing Chromium for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends chromium; \
	fi

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy lora_lab

unit: venv browser
	$(BIN)/pytest

# The site, from scratch (-E), with every notebook executed; a warning fails
# the build, and --keep-going reports all of them at once.
docs: venv
	$(BIN)/sphinx-build -W --keep-going -E -q -b html docs docs/_build/html

test: browser lint typecheck unit docs

# Benchmarks are not tests: they take minutes and report ratios, never fail on
# speed. BENCH_ARGS passes options on, e.g. make bench BENCH_ARGS=--quick.
$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(BIN)/.bench-installed
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq wrk >/dev/null) \
		|| echo "Could not install wrk: the HTTP benchmarks will be skipped."
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts docs/_build \
		docs/notebooks
