# The two commands: `make run` and `make test`. Both build .venv first (fast when nothing changed).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROJECT ?= projects/demo

.PHONY: run test venv demo lint lint-imports bench clean screenshots

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

clean:
	rm -rf $(VENV) build *.egg-info test-output
