# The two commands: `make run` and `make test`. Both build .venv first (fast when nothing changed).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROJECT ?= projects/demo

.PHONY: run test venv demo lint lint-imports bench clean screenshots bundle

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@test -f $(PROJECT)/project.sqlite || $(BIN)/workbench demo $(PROJECT)

run: demo
	$(BIN)/workbench open $(PROJECT)

lint-imports: $(STAMP)
	$(BIN)/lint-imports

# the checks `make test` runs first: import contracts (layers), lint, formatting, types
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# the screenshot gallery: researcher, rater and lead journeys at 1280×800 -> test-output/screens/
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/ui/test_gallery.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/store.py

# `make bundle`: the one-folder application in dist/workbench/ (PyInstaller, packaging/workbench.spec).
# Built from its own NON-editable environment (an editable install hides the packages from
# PyInstaller); .venv is not touched, and `make run`/`make test` never need PyInstaller.
BUNDLE_VENV := build/bundle-venv
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed

$(BUNDLE_STAMP): pyproject.toml
	@test -x $(BUNDLE_VENV)/bin/python || $(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BUNDLE_VENV)/bin/python -m pip install --quiet '.[bundle]'
	@touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .  # this tree's code
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --log-level WARN \
	    --distpath dist --workpath build/pyinstaller packaging/workbench.spec
	@du -sh dist/workbench

clean:
	rm -rf $(VENV) build dist *.egg-info test-output
