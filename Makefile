# KIM Portal: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test screenshots test-fast lint messages clean bench cluster-check backup restore vnu check-html maps check-dcat check-datapackage

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

# Virtualenv, dependencies, settings, database, the regions of PORTAL_REGION (default Kotim's)
# and the demo data. PORTAL_REGION=62 make run: a portal for Kalimantan Tengah.
setup: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py load_demo

# uv installs the requirements into the virtualenv with pip's meaning but fetches them side by side:
# 49 s against pip's 2 min 12 s for a fresh .venv on this machine (the registry answers slowly,
# one package at a time for pip). uv itself comes from PyPI through pip.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt
	touch $@

# A development .env: DEBUG on, a fresh random secret key, and example contact details for
# /membentuk-kim/ (marked "contoh": replace them with the office's real ones, see README).
.env:
	$(PYTHON) -c "import secrets; print('DEBUG=1'); print('SECRET_KEY=dev-' + secrets.token_urlsafe(40))" > $@
	printf '%s\n' 'DISKOMINFO_ADDRESS=Jl. Contoh No. 1, Sampit (contoh)' 'DISKOMINFO_PHONE=0531 000000 (contoh)' \
		'DISKOMINFO_EMAIL=diskominfo@contoh.invalid' >> $@

# The whole test suite. DATABASE_URL picks the database (default SQLite). TEST_WORKERS: how many
# pytest-xdist processes share the tests (default: one per core; worksteal: an idle one takes tests queued
# for the other, as a browser walk takes 20 s and most tests 0.1 s); TEST_WORKERS=0 runs them in this one.
TEST_WORKERS ?= auto
test: $(VENV)/.installed
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-not-for-production} DEBUG=0 ENV_FILE=/dev/null \
		$(PY) manage.py collectstatic --noinput -v0
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-not-for-production} DEBUG=0 ENV_FILE=/dev/null \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The browser tests, taking their screenshots into test-artifacts/ for a person to look at (a plain
# `make test` takes only those a test reads: capturing the rest was a quarter of the layout tests' CPU).
screenshots: $(VENV)/.installed
	KIM_SCREENSHOTS=1 $(MAKE) test PYTEST_ARGS="-q -m browser $(PYTEST_ARGS)"

# The W3C Nu HTML checker (vnu.jar, about 32 MB) from npm into the gitignored node_modules/;
# it runs with Java (apt-get install default-jre-headless). Its npm install script, which would
# download a Java runtime, is skipped.
VNU_VERSION := 26.9.27
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR)
$(VNU_JAR):
	npm install --prefix "$(CURDIR)" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund vnu-jar@$(VNU_VERSION)

# Render every public and field page and check it with vnu.jar (also part of `make test`).
check-html: $(VNU_JAR)
	@command -v java >/dev/null || { echo "java is missing: apt-get install default-jre-headless"; exit 2; }
	$(MAKE) test TEST_WORKERS=0 PYTEST_ARGS="-q tests/test_html.py"

# CKAN with ckanext-dcat (what Satu Data Indonesia harvests with) in a virtualenv of its own:
# CKAN pins about a hundred packages (Flask, SQLAlchemy, ...) that must not meet the portal's.
# tests/opendata/test_ckan_harvest.py parses the catalogue with its RDF parser.
CKAN_VENV := .venv-ckan
CKAN_VERSION := 2.12.0
CKANEXT_DCAT_VERSION := 2.4.4
$(CKAN_VENV)/.installed: $(VENV)/.installed
	test -x $(CKAN_VENV)/bin/python || $(PYTHON) -m venv $(CKAN_VENV)
	$(VENV)/bin/uv pip install --quiet --python $(CKAN_VENV)/bin/python \
		"ckan[requirements]==$(CKAN_VERSION)" ckanext-dcat==$(CKANEXT_DCAT_VERSION)
	touch $@

# Check a running portal's open data with the tools its users have, e.g.
# make check-dcat PORTAL=http://127.0.0.1:8000
PORTAL ?= http://127.0.0.1:8000
check-dcat: $(VENV)/.installed $(CKAN_VENV)/.installed
	curl -fsS $(PORTAL)/data/catalog.ttl | $(VENV)/bin/pyshacl -s opendata/shapes/dcat-ap_3_shacl_shapes.ttl -df turtle /dev/stdin
	curl -fsS $(PORTAL)/data/catalog.jsonld | $(VENV)/bin/pyshacl -s opendata/shapes/dcat-ap_3_shacl_shapes.ttl -df json-ld /dev/stdin
	curl -fsS $(PORTAL)/data/catalog.ttl | $(CKAN_VENV)/bin/python tests/opendata/ckan_parse.py turtle
check-datapackage: $(VENV)/.installed
	$(VENV)/bin/frictionless validate $(PORTAL)/data/datapackage.json

# Rebuild the committed kabupaten/province outlines of the roll-up maps from the kecamatan polygons.
maps: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py build_region_maps

# Refresh the English catalogue after changing interface strings, then translate
# the new entries in locale/en/LC_MESSAGES/django.po and compile them.
messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=test-artifacts
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# National-scale benchmark on PostgreSQL (127.0.0.1:5432) with gunicorn and wrk on
# loopback; not part of `make test`. BENCH_ARGS e.g. --load-urls / /kim/ --reload.
bench: $(VENV)/.installed
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) bench/bench.py all --json bench/results.json $(BENCH_ARGS)

# Two app servers behind nginx with its microcache (docs/deployment.md, section 8), on loopback:
# sessions, writes, ETags and photos shared, a server killed under load, what the microcache
# keeps and skips, and `microcache ratio X.XX` as its last line. Needs PostgreSQL and Redis on
# 127.0.0.1 (CLUSTER_CACHE_URL, default redis://127.0.0.1:6379/5: that database is emptied).
cluster-check: $(VENV)/.installed
	{ { command -v nginx || test -x /usr/sbin/nginx; } && command -v wrk; } >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx wrk; }
	$(PY) bench/cluster_check.py

# Backups of whatever DATABASE_URL names: PostgreSQL with pg_dump/pg_restore,
# SQLite as JSON. `make backup` writes backups/kimportal-<time>.{dump,json};
# `make restore FILE=backups/...` replaces the database's contents with it.
backup: $(VENV)/.installed
	$(PY) manage.py backup backups/

restore: $(VENV)/.installed
	test -n "$(FILE)" || (echo "usage: make restore FILE=backups/kimportal-....dump" && exit 2)
	$(PY) manage.py restore $(FILE)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(CKAN_VENV) staticfiles db.sqlite3
