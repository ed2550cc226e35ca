# Two entry points for a fresh machine with only Python 3.11+, git and make:
#   make serve   build the site and serve it on http://127.0.0.1:8000
#   make test    run every test (unit, data, site build)
# Both bootstrap a pinned uv into .tools/ and the locked environment into .venv/.
# The site engine is ProperDocs, the maintained MkDocs 1.x fork (CONTRIBUTING.md, "Engine").

PYTHON ?= python3
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

.PHONY: serve build test lint lint-repo bench clean publish

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	$(UV) run --no-sync python -m analysis runtime >/dev/null  # self-hosted Vega runtime, once per env
	touch $@

serve: .venv/.synced
	$(UV) run --no-sync properdocs serve -f mkdocs.yml --dev-addr 127.0.0.1:8000

build: .venv/.synced
	$(UV) run --no-sync properdocs build -f mkdocs.yml --strict

test: .venv/.synced
	$(UV) run --no-sync pytest

lint: .venv/.synced
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .

# Workflows (security audit and schema), Dependabot, issue forms and CITATION.cff, offline.
lint-repo: .venv/.synced
	$(UV) run --no-sync zizmor --offline --quiet .github/workflows/
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.github-issue-forms .github/ISSUE_TEMPLATE/[!c]*.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.github-issue-config .github/ISSUE_TEMPLATE/config.yml
	$(UV) run --no-sync check-jsonschema --builtin-schema vendor.citation-file-format CITATION.cff

bench: .venv/.synced
	$(UV) run --no-sync python benchmarks/build_time.py

# Publish an edition to gh-pages (the same command CI runs), e.g.
#   make publish VERSION=2026.2 ALIAS=latest     a numbered edition, shown by default
#   make publish VERSION=dev                     the development edition from main
publish: .venv/.synced
	$(UV) run --no-sync python -m analysis publish "$(VERSION)" $(if $(ALIAS),--alias "$(ALIAS)") $(if $(REMOTE),--remote "$(REMOTE)")

clean:
	rm -rf site .cache
