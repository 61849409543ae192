# The two commands README.md gives:  `make build` (main job)  and  `make test`.
# Each sets up everything it needs first, so both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(BIN)/kg build seeds --out exports

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) exports/graph.* .pytest_cache
