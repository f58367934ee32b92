# Kefu Academy — every set-up step the project needs lives here, so a fresh machine with
# only Python 3.11 and git gets a running academy from `make run` and a green suite from
# `make test`. Targets are idempotent: stamps under .venv/ skip work already done.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: CJK fonts for PDFs and pages, HarfBuzz subsetting (WeasyPrint subsets
# fonts 100x faster with it), Pango for WeasyPrint, gettext for the translations.
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext
# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here);
# poppler-utils lets the certificate tests read the PDF's text layer (skipped without it);
# postgresql-client brings pg_dump and pg_restore for backups on PostgreSQL.
TEST_SYSTEM_PACKAGES := chromium poppler-utils postgresql-client nodejs

# The address people use to reach `make run`, printed on certificates (link and QR code) and
# in e-mails: HOST, or this machine's first IPv4 address when HOST listens on all of them.
# SITE_URL=https://academy.example.cn make run overrides it (e.g. behind a proxy).
SITE_HOST = $(if $(filter 0.0.0.0 ::,$(HOST)),$(or $(shell hostname -I 2>/dev/null | tr ' ' '\n' | grep -m1 '\.'),127.0.0.1),$(HOST))
SITE_URL ?= http://$(SITE_HOST):$(PORT)

# `make run` serves the demo with production settings over plain HTTP on this machine.
RUN_ENV := DJANGO_SETTINGS_MODULE=lms.settings.production HTTPS=0 SITE_URL="$(SITE_URL)" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost,$(HOST),$(SITE_HOST)}" \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" SERVE_MEDIA=1

# axe-core, pinned with its lock file, injected by the browser tests into every page.
# Defined before any rule names it: make expands a rule's prerequisites as it reads them.
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: help install install-dev system-deps system-deps-test run dev test bench bench-pdf lint \
	verify-credential cluster-test mutation search-eval \
	format messages certificate-font migrate seed clean profile

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

define ensure_debian_packages
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	else \
	  echo "Not a Debian system: make sure these are installed: $(1)"; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them with:  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

system-deps: ## Install the Debian packages the academy needs (CJK fonts, HarfBuzz, Pango, gettext)
	$(call ensure_debian_packages,$(SYSTEM_PACKAGES))

system-deps-test: system-deps ## Also install Chromium for the browser tests
	$(call ensure_debian_packages,$(TEST_SYSTEM_PACKAGES))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

messages: $(VENV)/.installed system-deps ## Compile the translations (.po -> .mo)
	$(MANAGE) compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v 0

# Certificates are set in a compact cut of the system's Noto Serif CJK SC (GB2312 and the
# template's characters), derived here rather than committed: WeasyPrint embeds it several
# times faster than the 26 MB original. Rebuilt when the recipe or the template changes; the
# command also rebuilds when the system font is newer than the file, and skips otherwise.
# The file name is CERTIFICATE_FONT_FILE in certification/rendering.py.
CERTIFICATE_FONT := var/fonts/kefu-certificate-serif-sc.ttf
CERTIFICATE_FONT_INPUTS := certification/management/commands/build_certificate_font.py \
	templates/certification/certificate_pdf.html

$(CERTIFICATE_FONT): $(VENV)/.installed $(CERTIFICATE_FONT_INPUTS) | system-deps
	$(MANAGE) build_certificate_font
	@touch $@

certificate-font: $(CERTIFICATE_FONT) ## Build the compact certificate font from the system one (var/fonts/)

install: system-deps $(VENV)/.installed messages $(CERTIFICATE_FONT) ## Create .venv and install the academy

install-dev: system-deps-test install $(VENV)/.installed-dev $(AXE) ## Also install test and lint tools

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	@touch $@

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

run: install var/secret_key ## Install, migrate, load the demo academy and serve it on http://$(HOST):$(PORT) (supervised)
	@mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(RUN_ENV) $(MANAGE) createcachetable
	$(RUN_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(RUN_ENV) $(MANAGE) credentials_key create --if-missing
	$(RUN_ENV) $(MANAGE) seed_demo
	$(RUN_ENV) $(MANAGE) setup_schedules
	$(RUN_ENV) $(MANAGE) serve --host $(HOST) --port $(PORT)

dev: install ## Auto-reloading development server (DEBUG on) with demo data
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) createcachetable
	$(MANAGE) credentials_key create --if-missing
	$(MANAGE) seed_demo
	$(MANAGE) setup_schedules
	$(MANAGE) runserver $(HOST):$(PORT)

# One test process per core (pytest-xdist, each with its own test database); TEST_WORKERS=0
# runs the suite in this one process.
TEST_WORKERS ?= logical

test: install-dev ## Install everything and run the whole suite (unit, integration, browser)
	$(BIN)/pytest -n $(TEST_WORKERS)

verify-credential: install ## Verify a credential as an outsider would: make verify-credential URL=https://…/badge.json
	@test -n "$(URL)" || { echo "usage: make verify-credential URL=https://academy.example.cn/verify/<code>/badge.json"; exit 2; }
	$(MANAGE) verify_credential "$(URL)"

bench-pdf: install-dev ## Time certificate PDFs against a one-line document (var/bench/)
	$(BIN)/python -m tests.bench.certificate_pdf

# `make bench` loads pages with wrk (Debian) against PostgreSQL on 127.0.0.1:5432
# (BENCH_POSTGRES_URL to change); it builds kefu_bench_s, _m and _l there (L: about 5 minutes once).
BENCH_SYSTEM_PACKAGES := wrk

bench: install-dev ## Benchmarks: query counts S, M, L; pages against the floor; latency at L; spike; a cycle's close
	$(call ensure_debian_packages,$(BENCH_SYSTEM_PACKAGES))
	$(BIN)/python -m tests.bench.run

# `make profile PAGE=search [SIZE=M]`: where one page's time goes, in-process under cProfile
# on the bench database of SIZE (built once, as `make bench` builds it); tests/bench/profile.py.
PAGE ?= dashboard
SIZE ?= M

profile: install-dev ## Profile one page: make profile PAGE=search|dashboard|…|signed_in|/path [SIZE=M]
	$(BIN)/python -m tests.bench.profile "$(PAGE)" --size $(SIZE)

# `make mutation` (README, "Mutation testing"): mutmut changes the quiz, go-live and
# certificate rules ([tool.mutmut] in pyproject.toml) one small edit at a time and runs the
# tests that reach each edit, on SQLite, in one worker at low priority (the machine is
# shared). It starts from a fresh mutants/ every time: mutmut keeps old verdicts otherwise,
# and the figure must come from today's tests. `.venv/bin/mutmut browse` shows the survivors.
mutation: install-dev ## Mutation-test the quiz, go-live and certificate rules (>= 85 % killed)
	rm -rf mutants
	env -u DATABASE_URL nice -n 10 $(BIN)/mutmut run --max-children 1
	$(BIN)/mutmut export-cicd-stats
	@$(BIN)/mutmut results
	$(BIN)/python -m tests.mutation_score
# `make cluster-test`: two app servers and two queue clusters behind HAProxy (Debian) on the
# local PostgreSQL (CLUSTER_POSTGRES_URL) and Redis (CLUSTER_REDIS_URL); see tests/cluster/run.py.
CLUSTER_SYSTEM_PACKAGES := haproxy

cluster-test: install-dev ## Several app servers, one truth: kill one mid-spike, check nothing is lost
	$(call ensure_debian_packages,$(CLUSTER_SYSTEM_PACKAGES))
	$(BIN)/python -m tests.cluster.run

# The case search against its evaluation set (cases/search/eval.yaml) on a scratch copy of
# the demo academy: SQLite by default, or SEARCH_EVAL_DATABASE_URL=postgres://... (emptied).
SEARCH_EVAL_DATABASE_URL ?= sqlite:///$(CURDIR)/var/search-eval.sqlite3
SEARCH_EVAL_ENGINE ?= library

search-eval: install ## Case search on its evaluation set: recall@5, MRR, zero results, misses
	@mkdir -p var
	LOG_LEVEL=WARNING DATABASE_URL="$(SEARCH_EVAL_DATABASE_URL)" $(MANAGE) search_eval_prepare
	DATABASE_URL="$(SEARCH_EVAL_DATABASE_URL)" $(MANAGE) search_eval --engine $(SEARCH_EVAL_ENGINE)

lint: install-dev ## Check style with ruff, and the layers with import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
