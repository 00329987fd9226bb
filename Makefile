# The two commands of the README: `make demo` and `make test`.
# Both are idempotent: each step checks before it acts and says what it does.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# pip warns about index folders of this machine's pip.conf that do not exist; hide that noise.
PIP_FILTER := 2>&1 | sed -u '/is ignored: it is neither a file nor a directory/d' 
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAGUNA := $(BIN)/laguna

# Debian/Ubuntu packages: the database server, GDAL's command-line tools (a reference
# peer for tests and benchmarks), Chromium (browser tests), poppler (PDF checks) and
# the libraries WeasyPrint needs.
SYSTEM_PACKAGES := postgresql-15 postgresql-15-postgis-3 gdal-bin chromium poppler-utils \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

.PHONY: demo test setup system venv lint serve clean-store

demo: setup
	$(LAGUNA) db start
	$(LAGUNA) db migrate
	$(LAGUNA) sample load
	$(LAGUNA) jobs run --all
	$(LAGUNA) tiles prepare --all
	$(LAGUNA) report build --period latest
	@echo "Opening the map viewer on http://127.0.0.1:5000 (Ctrl-C to stop; 'make demo' again resumes)."
	$(LAGUNA) serve --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest

setup: system venv

system:
	@missing=""; \
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "This system has no apt-get: install by hand PostgreSQL 15 with PostGIS 3, GDAL's command-line tools, Chromium, poppler-utils and Pango, then run make again."; \
	  exit 1; \
	fi; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  echo "Installing system packages:$$missing"; \
	  $$sudo apt-get install -y --no-install-recommends $$missing \
	    || { $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing; } \
	    || { echo "Could not install$$missing with apt-get: install them by hand, then run make again."; exit 1; }; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "laguna needs Python 3.11 or newer; '$(PYTHON)' is older: run make PYTHON=python3.11 (or newer)."; exit 1; }
	@[ -x $(BIN)/python ] || { echo "Creating the virtualenv in $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing laguna and its Python dependencies into $(VENV) (pip install -e .[dev])"
	$(BIN)/python -m pip install --quiet --upgrade pip $(PIP_FILTER)
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(PIP_FILTER)
	@touch $@

lint: venv
	$(BIN)/ruff check .

serve: venv
	$(LAGUNA) serve
