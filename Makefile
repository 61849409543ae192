# The two commands README.md gives:  `make build` (main job)  and  `make test`.
# Each sets up everything it needs first, so both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build test browser neo4j-jars gephi-jars js-tools pdftoppm bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(BIN)/kg build seeds --out exports

# The page's browser tests drive Debian's Chromium (Playwright) and Firefox ESR (WebDriver BiDi
# through puppeteer-core in tools/js; Playwright's own browser downloads fail here); install
# them when missing and we are root, else those tests skip (fail under CI).
CHROMIUM := /usr/bin/chromium
FIREFOX := /usr/bin/firefox-esr

browser: js-tools
	@test -x $(CHROMIUM) || test "$$(id -u)" != 0 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@test -x $(FIREFOX) || test "$$(id -u)" != 0 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null)

# The Neo4j tests run against a real server: with no NEO4J_URI and no Docker they start the
# local one (kg/neo4j/server.py), whose jars come from Maven Central once into ~/.cache/kg/neo4j/lib.
neo4j-jars: setup
	$(BIN)/python -m kg.neo4j.server fetch

# The consumer tests open the exports in the real tools: the Gephi Toolkit (one jar from Maven
# Central into .gephi/, tools/gephi_toolkit.py) and Cytoscape.js/graphology (npm ci into
# tools/js/node_modules, tools/consumers.py). Each fetches once; a second run does nothing.
gephi-jars: setup
	$(BIN)/python tools/gephi_toolkit.py fetch

js-tools: setup
	$(BIN)/python tools/consumers.py fetch

# Gephi's PDF export becomes a PNG through Debian's pdftoppm (poppler-utils).
pdftoppm:
	@test -x /usr/bin/pdftoppm || test "$$(id -u)" != 0 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)

test: setup browser neo4j-jars gephi-jars js-tools pdftoppm
	$(BIN)/python -m pytest

# Time to interactive of a page of 5,000 corpus abstracts in headless Chromium (needs ../shared/corpus).
bench: setup browser
	$(BIN)/python benchmarks/html_interactive.py

clean:
	rm -rf $(VENV) exports/graph.* .pytest_cache
