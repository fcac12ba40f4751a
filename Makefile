# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages bench install clean

# Install (once, and again when the dependencies change), migrate, seed the demo agency, serve.
run: $(STAMP)
	$(BIN)/agencyaccess migrate --noinput -v0
	$(BIN)/agencyaccess seed_demo
	$(BIN)/agencyaccess serve

# The whole test suite, on SQLite; set DATABASE_URL for PostgreSQL.
test: $(STAMP)
	$(BIN)/pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy agencyaccess

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Update the Spanish and Dutch catalogues from the code and templates (then translate what is
# new in agencyaccess/locale/*/LC_MESSAGES/django.po) and compile them. The compiled .mo files are
# committed, so installing needs no gettext; `make test` fails when they are out of date.
messages: $(STAMP)
	cd agencyaccess && ../$(BIN)/agencyaccess makemessages -l es -l nl --add-location=file --no-obsolete --no-wrap
	cd agencyaccess && ../$(BIN)/agencyaccess compilemessages

bench: $(STAMP)
	$(BIN)/python bench/api.py

install: $(STAMP)

# constraints.txt pins every package, direct or not, to what the tests ran with.
$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) var
