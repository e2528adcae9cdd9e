# guichet: `make run` starts the local stack with a demo; `make test` runs every test tier.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := infra/local/node_modules/.installed
# checkov pins boto3 and more against requirements-dev.txt: it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_INSTALLED := $(CHECKOV_VENV)/.installed

.PHONY: run test lint test-fast test-integration test-e2e test-infra deploy package clean bench

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(CHECKOV_INSTALLED): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

$(NODE_INSTALLED): infra/local/package.json infra/local/package-lock.json
	cd infra/local && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(INSTALLED) $(NODE_INSTALLED)
	$(PY) -m infra.local

lint: $(INSTALLED) $(NODE_INSTALLED)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	infra/local/node_modules/.bin/eslint --config infra/local/eslint.config.mjs chalicelib/admin

# Unit, service, api and workflow tiers: moto in-process, in parallel.
test-fast: $(INSTALLED)
	$(PY) -m pytest -n 2 tests/unit tests/service tests/api tests/workflows

test-integration: $(INSTALLED) $(NODE_INSTALLED)
	$(PY) -m pytest tests/integration

test-infra: $(INSTALLED) $(CHECKOV_INSTALLED)
	$(PY) -m pytest tests/infra

test-e2e: $(INSTALLED) $(NODE_INSTALLED)
	bash infra/local/ensure-chromium.sh
	$(PY) -m pytest tests/e2e

test: lint test-fast test-integration test-infra test-e2e

bench: $(INSTALLED) $(NODE_INSTALLED)
	for script in bench/*.py; do $(PY) $$script || exit 1; done

package: $(INSTALLED)
	$(PY) -m infra.aws package

deploy: $(INSTALLED)
	$(PY) -m infra.aws deploy $(if $(STACK),--stack $(STACK)) $(if $(BUCKET),--bucket $(BUCKET)) $(if $(REGION),--region $(REGION)) $(foreach p,$(PARAMS),--parameter $(p)) $(if $(TEST_STACK),--test-stack)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) infra/local/node_modules infra/aws/build .guichet
