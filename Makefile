# Zhangjiang Match: `make run` serves the product, `make test` runs the suite.
# Both create .venv when missing and install the project into it; nothing else is installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app marketplace
CATALOGS := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test install install-test translations messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# The message catalogs are compiled by the build, never committed.
translations: $(CATALOGS:.po=.mo)
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	-$(FLASK) recs train --if-missing
	@echo "Serving on http://127.0.0.1:5000"
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs on two pytest-xdist workers (this machine has two cores); an idle worker steals
# tests from the other (29 Nov, this machine: 682 to 761 s for the whole suite with PostgreSQL, Redis
# and chromium, 924 s in a slower hour, when benchmarks took up to 1.8 times as long; 982 s before the longest
# tests ran on one database only, see tests/conftest.py);
# `make test PYTEST_XDIST=` runs it in a single process.
PYTEST_XDIST ?= -n 2 --dist worksteal
test: install-test
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# After changing user-facing strings: extract them and update the catalogs.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k N_ --no-location --sort-output \
		--project zhangjiang-match -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance test-output
