# Two commands: `make run` sets up .venv and launches Lectern on the default
# library; `make test` sets up .venv, lints (ruff) and runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench bundle clean

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian, run 'apt-get install python3-venv' first."; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/lectern $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check core desktop tests bench packaging
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bundle: $(STAMP)
	packaging/build.sh

bench: $(STAMP)
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) build dist *.egg-info
