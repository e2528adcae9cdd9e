# guichet: `make run` starts the local stack with a demo; `make test` runs every test tier.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := infra/local/node_modules/.installed

.PHONY: run test lint test-fast test-integration test-e2e test-infra deploy package clean bench

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(NODE_INSTALLED): infra/local/package.json infra/local/package-lock.json
	cd infra/local && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(INSTALLED) $(NODE_INSTALLED)
	$(PY) -m infra.local

lint: $(INSTALLED)
	$(PY) -m ruff check .

# Unit, service, api and workflow tiers: moto in-process, in parallel.
test-fast: $(INSTALLED)
	$(PY) -m pytest -n 2 tests/unit tests/service tests/api tests/workflows

test-integration: $(INSTALLED) $(NODE_INSTALLED)
	$(PY) -m pytest tests/integration

test-infra: $(INSTALLED)
	$(PY) -m pytest tests/infra

test-e2e: $(INSTALLED) $(NODE_INSTALLED)
	bash infra/local/ensure-chromium.sh
	$(PY) -m pytest tests/e2e

test: lint test-fast test-integration test-infra test-e2e

bench: $(INSTALLED)
	for script in bench/*.py; do $(PY) $$script || exit 1; done

package: $(INSTALLED)
	$(PY) -m infra.aws package

deploy: $(INSTALLED)
	$(PY) -m infra.aws deploy $(if $(STACK),--stack $(STACK)) $(if $(BUCKET),--bucket $(BUCKET)) $(if $(REGION),--region $(REGION)) $(foreach p,$(PARAMS),--parameter $(p))

clean:
	rm -rf $(VENV) infra/local/node_modules infra/aws/build .guichet
