# The two commands of the quick start:
#   make run    the demo site with its data on embedded defaults (SQLite, embedded Redis)
#   make test   the whole suite on PostgreSQL and Redis, provisioning what it needs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast bench lint messages makemessages clean

# The suite always runs on PostgreSQL and Redis (tests/conftest.py refuses anything else).
test test-fast bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry
test test-fast bench: export REDIS_URL ?= redis://127.0.0.1:6379/9

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

# Compiled with Babel (a Python package), so no system gettext is needed.
messages: $(VENV)/.installed-run
	$(BIN)/pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true

run: $(VENV)/.installed-run messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py rundemo

test: $(VENV)/.installed-test messages
	bash tests/provision.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy registry recruitment
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite without the browser tests, for a quick loop while working.
test-fast: $(VENV)/.installed-test messages
	bash tests/provision.sh --no-browser
	$(BIN)/pytest -m "not e2e and not bench" $(PYTEST_ARGS)

bench: $(VENV)/.installed-test messages
	bash tests/provision.sh --no-browser --bench
	$(BIN)/pytest tests/bench -m bench -s -q $(PYTEST_ARGS)

# Needs GNU gettext (xgettext); only for developers adding strings.
makemessages: $(VENV)/.installed-run
	$(BIN)/python manage.py makemessages --locale ru --locale en --no-obsolete --add-location file --ignore ".venv/*" --ignore "tests/*"

clean:
	rm -rf $(VENV) .demo db.sqlite3 staticfiles locale/*/LC_MESSAGES/*.mo
