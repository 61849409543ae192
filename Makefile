# The two commands README.md gives:  `make build` (main job)  and  `make test`.
# Each sets up everything it needs first, so both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build test bench clean neo4j-jars

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(BIN)/kg build seeds --out exports

# The Neo4j tests run against a real server: with no NEO4J_URI and no Docker they start the
# local one (tools/neo4j_server.py), whose jars come from Maven Central once into .neo4j/lib.
neo4j-jars: setup
	$(BIN)/python tools/neo4j_server.py fetch

test: setup neo4j-jars
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) exports/graph.* .pytest_cache
