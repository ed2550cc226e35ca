# Two entry points for a fresh machine with only Python 3.11+, git and make:
#   make serve   build the site and serve it on http://127.0.0.1:8000
#   make test    run every test (unit, data, site build, HTML validity)
#   make test-fast   the same without the browser, fresh-clone and other slow tests
# Both bootstrap a pinned uv into .tools/ (hash-checked: uv-requirements.txt lists the sha256 of
# each of its wheels) and the locked environment into .venv/ (uv checks the hashes in uv.lock);
# make test also installs the npm tools in package-lock.json into node_modules/ (needs npm and
# Java 17).
# The site engine is ProperDocs, the maintained MkDocs 1.x fork (CONTRIBUTING.md, "Engine").

PYTHON ?= python3
# The uv that uv-requirements.txt pins with its hashes (tests/test_bootstrap.py: they agree).
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Install packages with their bytecode compiled: every build starts several Python processes
# (site generator, analysis, notebook kernel), and where PYTHONDONTWRITEBYTECODE is set, as on
# some CI machines, each would otherwise compile pandas, altair, lifelines… from source, seconds
# each time.
export UV_COMPILE_BYTECODE := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
SERVE_ADDR ?= 127.0.0.1:8000
BENCH_ARGS ?=

.PHONY: serve build example test test-fast lint lint-repo bench clean publish

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --require-hashes --no-deps --only-binary=:all: -r uv-requirements.txt

# CITATION.cff holds the edition, which is the package's version: a new one reinstalls it.
.venv/.synced: $(UV) pyproject.toml uv.lock CITATION.cff
	$(UV) sync --locked --quiet
	$(UV) run --no-sync python -m analysis runtime >/dev/null  # self-hosted Vega runtime, once per env
	touch $@

# Node tools the tests run (the W3C Nu HTML Checker), at the versions in package-lock.json.
# --ignore-scripts: vnu-jar's install script would download a Java runtime; the machine's Java
# 17 runs the checker (CI's .ci/run installs it with apt-get where it is missing).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: make test runs the W3C HTML checker from npm; install Node.js 18+ (Debian: apt-get install npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

serve: .venv/.synced
	$(UV) run --no-sync properdocs serve -f mkdocs.yml --dev-addr $(SERVE_ADDR)

build: .venv/.synced
	$(UV) run --no-sync properdocs build -f mkdocs.yml --strict

# The second example site (examples/mll03): built from its study file and pages alone.
# EXAMPLE_SITE_DIR: where it is written (default examples/mll03/site).
EXAMPLE_SITE_DIR ?= site
example: .venv/.synced
	$(UV) run --no-sync properdocs build -f examples/mll03/mkdocs.yml --strict --site-dir $(abspath $(if $(filter site,$(EXAMPLE_SITE_DIR)),examples/mll03/site,$(EXAMPLE_SITE_DIR)))

# Two pytest workers (pytest-xdist), each test file wholly on one (--dist loadfile), so that a
# module's costly fixture (the fresh clone, the published editions) is set up once; on the
# 2-core machine this beat one process even with other work loading it. PYTEST_WORKERS=0: one.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile)

test: .venv/.synced node_modules/.installed
	$(UV) run --no-sync pytest $(PYTEST_PARALLEL)

# The edit-test loop (about a minute): every test but those that drive Chromium, use the fresh
# clone or are otherwise slow (markers in pyproject.toml). `make test`, and so CI, runs them all.
FAST := not browser and not clone and not slow
test-fast: .venv/.synced
	$(UV) run --no-sync pytest $(PYTEST_PARALLEL) -m "$(FAST)"

lint: .venv/.synced
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy

# Workflows (security audit, schema, a time limit on every job), Dependabot, issue forms and
# CITATION.cff, offline.
lint-repo: .venv/.synced
	$(UV) run --no-sync zizmor --offline --quiet .github/workflows/
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema custom.github-workflows-require-timeout .github/workflows/*.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.github-issue-forms .github/ISSUE_TEMPLATE/[!c]*.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.github-issue-config .github/ISSUE_TEMPLATE/config.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.citation-file-format CITATION.cff

bench: .venv/.synced
	$(UV) run --no-sync python benchmarks/build_time.py $(BENCH_ARGS)

# Publish an edition to gh-pages (the same command CI runs), e.g.
#   make publish VERSION=2026.2 ALIAS=latest     a numbered edition, shown by default
#   make publish VERSION=dev                     the development edition from main
# VERSION, ALIAS and REMOTE (and diff's BASE, OUT and PR) reach the commands as data, through
# the environment: make never expands them (`:= $(value …)`, so a `$(shell …)` in one stays
# text) and no recipe pastes them into its shell line; the commands check them.
override VERSION := $(value VERSION)
override ALIAS := $(value ALIAS)
override REMOTE := $(value REMOTE)
override BASE := $(value BASE)
override OUT := $(value OUT)
override PR := $(value PR)
export VERSION ALIAS REMOTE BASE OUT PR

publish: .venv/.synced
	$(UV) run --no-sync python -m analysis publish $${ALIAS:+--alias="$$ALIAS"} $${REMOTE:+--remote="$$REMOTE"} -- "$$VERSION"

clean:
	rm -rf site .cache

# Every computed number a change moves, as Markdown (the same command CI's Numbers job runs), e.g.
#   make diff BASE=main                   against the main branch
#   make diff BASE=v2026.1 OUT=diff.md    against an edition, also written to diff.md
.PHONY: diff
# The computed numbers a change moves, against BASE (e.g. make diff BASE=main). In CI, also
# appended to the job summary ($$GITHUB_STEP_SUMMARY) and, with PR=N, the pull request's number
# is written beside OUT for the comment job.
diff: .venv/.synced
	$(UV) run --no-sync python -m analysis diff --base="$$BASE" $${OUT:+--out="$$OUT"}
	if [ -n "$$OUT" ] && [ -n "$${GITHUB_STEP_SUMMARY:-}" ]; then cat -- "$$OUT" >> "$$GITHUB_STEP_SUMMARY"; fi
	if [ -n "$$OUT" ] && [ -n "$$PR" ]; then printf '%s\n' "$$PR" > "$$(dirname -- "$$OUT")/pr-number"; fi
