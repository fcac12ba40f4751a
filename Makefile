# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ZAPIER := integrations/zapier
NODE_STAMP := $(ZAPIER)/node_modules/.installed
AXE := agencyaccess/tests/axe
AXE_STAMP := $(AXE)/node_modules/.installed

.PHONY: run test lint format messages bench install clean

# Install (once, and again when the dependencies change), migrate, seed the demo agency, serve.
run: $(STAMP)
	$(BIN)/agencyaccess migrate --noinput -v0
	$(BIN)/agencyaccess seed_demo
	$(BIN)/agencyaccess serve

# The whole test suite, on SQLite; set DATABASE_URL for PostgreSQL. Then the Zapier app's own
# (Node) tests, which use no database: they run once, on the SQLite run, not again with
# DATABASE_URL. Its packages are installed first either way, for the Python test that runs the
# app against a live server. The browser tests inject axe-core from $(AXE), installed the same way.
test: $(STAMP) $(NODE_STAMP) $(AXE_STAMP)
	@[ -z "$$DATABASE_URL" ] || echo "DATABASE_URL is set: the Zapier app's Node tests (no database) are left to plain 'make test'."
	$(BIN)/pytest -n auto
	@[ -n "$$DATABASE_URL" ] || (cd $(ZAPIER) && npm test --silent)

# hadolint: the Dockerfile (no Docker engine is needed to lint it, nor here to build it).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy agencyaccess
	$(BIN)/hadolint Dockerfile
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The client languages with a catalogue: every one of settings.LANGUAGES but English.
MESSAGE_LANGUAGES := es nl de fr pt it pl

# Update the client languages' catalogues from the code and templates (then translate what is
# new in agencyaccess/locale/*/LC_MESSAGES/django.po) and compile them. The compiled .mo files are
# committed, so installing needs no gettext; `make test` fails when they are out of date.
messages: $(STAMP)
	cd agencyaccess && ../$(BIN)/agencyaccess makemessages $(MESSAGE_LANGUAGES:%=-l %) --add-location=file --no-obsolete --no-wrap
	cd agencyaccess && ../$(BIN)/agencyaccess compilemessages

bench: $(STAMP)
	$(BIN)/python bench/api.py

install: $(STAMP)

# constraints.txt pins every package, direct or not, to what the tests ran with.
$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The Zapier app's packages (Node 20 and npm), exactly as its package-lock.json pins them.
$(NODE_STAMP): $(ZAPIER)/package.json $(ZAPIER)/package-lock.json
	cd $(ZAPIER) && npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# axe-core for the browser tests' accessibility checks, as its package-lock.json pins it.
$(AXE_STAMP): $(AXE)/package.json $(AXE)/package-lock.json
	cd $(AXE) && npm ci --no-audit --no-fund
	touch $(AXE_STAMP)

clean:
	rm -rf $(VENV) var $(ZAPIER)/node_modules $(AXE)/node_modules
