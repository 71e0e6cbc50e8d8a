# The two commands: `make run` opens the window, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# gdviz's own bytecode is compiled once here: an editable install has none, and where
# Python may not write it (PYTHONDONTWRITEBYTECODE) every start would compile ~100 modules
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q gdviz
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q gdviz
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/gdviz gui

lint: $(VENV)/.installed-test
	$(BIN)/ruff check gdviz tests bench
	$(BIN)/mypy --strict gdviz/core gdviz/scenario.py gdviz/scenario_check.py gdviz/scenario_values.py gdviz/export
	$(BIN)/mypy gdviz
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	@for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
