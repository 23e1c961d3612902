# tank.monitoring — `make audit` audits this machine, `make test` runs every test.
# Everything lands inside the checkout: .venv/ (Python 3.12 + pinned deps), .build/ (the collection
# made resolvable by its FQCN, offline caches, system test tools), reports/ (audit output).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON_VERSION := 3.12
# python3.12 from PATH, else the newest pyenv 3.12 (ansible-core 2.21 needs >= 3.12 on the controller).
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || ls -d $(HOME)/.pyenv/versions/$(PYTHON_VERSION).*/bin/python$(PYTHON_VERSION) 2>/dev/null | sort -V | tail -n1)
VENV := .venv
BIN := $(VENV)/bin
BUILD := .build
COLLECTIONS := $(CURDIR)/$(BUILD)/collections
LINK := $(BUILD)/collections/ansible_collections/tank/monitoring
DOCSITE := $(BUILD)/docsite
REPORT_DIR ?= $(CURDIR)/reports
INVENTORY ?= inventories/local
PYTEST_ARGS ?=
# Test workers of make test / make functional (pytest-xdist), each in its own mount and PID
# namespaces (tests/tools/isolated-python); TEST_WORKERS=0 runs the tests one by one in this process.
TEST_WORKERS ?= 3
PYTEST_PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,--tx '$(TEST_WORKERS)*popen//python=$(CURDIR)/tests/tools/isolated-python' --dist loadgroup)
PYTEST_REPORT := --durations=25 --durations-min=5
# Extra ansible-playbook arguments of `make audit`, e.g. AUDIT_ARGS='-e audit_report_lang=ko' (Korean report).
AUDIT_ARGS ?=

export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/$(BUILD)/node/node_modules/.bin:$(PATH)

.PHONY: static demo demo-faults demo-remediate demo-down thresholds-doc help audit test prepare prepare-test system-deps unit functional sanity lint changelog-lint docs-rst docs-lint docs build bench clean

help:
	@echo "make audit   - audit this machine (inventories/local); report in reports/"
	@echo "               AUDIT_ARGS='-e audit_report_lang=ko' for the report in Korean"
	@echo "make test    - unit, sanity, lint, changelog, docs lint and functional tests (real components)"
	@echo "make build   - build the collection tarball"
	@echo "make demo    - stand up a simulated Tank site here (root) and audit it; FAULT=<name> breaks it"
	@echo "make demo-faults / make demo-down - list the faults / remove everything the demo started"
	@echo "make demo-remediate [CONFIRM=true] - the guide's fixes for the demo site: the plan, or carry it out"
	@echo "make docs    - build the docsite (antsibull-docs + Sphinx) in $(DOCSITE)/build/html"

$(BIN)/.runtime: requirements/runtime.txt
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it (e.g. pyenv install 3.12) or pass PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements/runtime.txt
	touch $@

$(BIN)/.test: $(BIN)/.runtime requirements/test.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements/test.txt
	touch $@

$(LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

prepare: $(BIN)/.runtime $(LINK)

prepare-test: prepare $(BIN)/.test system-deps

system-deps:
	tests/tools/install-system-deps.sh

audit: prepare
	$(BIN)/ansible-playbook -i $(INVENTORY) playbooks/audit.yml -e audit_report_dir=$(REPORT_DIR) $(AUDIT_ARGS)

# The static checks (sanity, lint, changelog, docs) run beside the tests, their output kept in
# $(STATIC_LOG) and shown when they are done; make test fails when either fails.
STATIC_LOG := $(BUILD)/static-checks.log

test: prepare-test
	@echo "static checks (sanity, lint, changelog-lint, docs-lint) running beside the tests: $(STATIC_LOG)"
	@$(MAKE) --no-print-directory sanity lint changelog-lint docs-lint > $(STATIC_LOG) 2>&1 & static=$$!; \
	rc=0; TANK_TEST_PYTHON=$(CURDIR)/$(BIN)/python $(BIN)/python -m pytest tests/unit tests/functional \
	    $(PYTEST_PARALLEL) $(PYTEST_REPORT) $(PYTEST_ARGS) || rc=$$?; \
	if wait $$static; then tail -n 25 $(STATIC_LOG); echo "static checks: passed (full log: $(STATIC_LOG))"; \
	else cat $(STATIC_LOG); echo "static checks: FAILED (log above: $(STATIC_LOG))"; rc=1; fi; \
	exit $$rc

static: prepare-test
	$(MAKE) --no-print-directory sanity lint changelog-lint docs-lint

unit: prepare-test
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

functional: prepare-test
	TANK_TEST_PYTHON=$(CURDIR)/$(BIN)/python $(BIN)/python -m pytest tests/functional $(PYTEST_PARALLEL) $(PYTEST_REPORT) $(PYTEST_ARGS)

sanity: prepare-test
	tests/tools/sanity.sh $(CURDIR)/$(BIN)/python

lint: prepare-test
	$(BIN)/ansible-lint --offline

changelog-lint: prepare-test
	$(BIN)/antsibull-changelog lint

# The demo site is built from the functional tests' support code (PM2, nginx, NestJS, moto): it needs
# the test dependencies. State in .build/demo/, report in reports/demo/.
DEMO := $(BIN)/python tests/functional/demo_site.py
FAULT ?=
CONFIRM ?=

demo: prepare-test
	$(DEMO) $(if $(FAULT),fault $(FAULT),up)

demo-faults: prepare-test
	@$(DEMO) faults

# The plan of playbooks/remediate.yml for the demo site (dry run); CONFIRM=true carries it out.
demo-remediate: prepare-test
	$(DEMO) remediate $(if $(filter true yes 1,$(CONFIRM)),--confirm)

demo-down: prepare-test
	$(DEMO) down

# Extra docs of the docsite: docs/docsite/rst/*.rst generated from docs/*.md (not committed).
docs-rst: $(BIN)/.test $(LINK)
	$(BIN)/python tests/tools/docs_md2rst.py $(CURDIR)

# The ecosystem's docs linter on the collection as Ansible resolves it: every plugin's
# DOCUMENTATION/EXAMPLES/RETURN, the extra docs (rstcheck, labels, toctrees) and links.yml.
# It prints one "path:line:col: message" per problem and exits non-zero.
docs-lint: docs-rst
	cd $(LINK) && $(CURDIR)/$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

# The docsite with --fail-on-error and Sphinx -W (every warning an error); offline: the Ansible
# docs' labels come from a local intersphinx inventory (tests/tools/docs_offline_conf.py).
docs: docs-rst
	rm -rf $(DOCSITE)
	mkdir -m 755 $(DOCSITE)
	$(BIN)/antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir $(DOCSITE) \
		--project tank.monitoring --copyright 'tank.monitoring contributors' --title tank.monitoring tank.monitoring
	$(BIN)/python tests/tools/docs_offline_conf.py $(DOCSITE)
	$(DOCSITE)/build.sh
	@echo "docsite: $(CURDIR)/$(DOCSITE)/build/html/index.html"

thresholds-doc: prepare
	$(BIN)/python tests/tools/thresholds_doc.py

build: prepare docs-rst
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist

bench: prepare-test
	$(BIN)/python benchmarks/bench.py

clean:
	@if [ -f $(BUILD)/demo/state.json ] && [ -x $(BIN)/python ]; then $(DEMO) down; fi
	rm -rf $(VENV) $(BUILD) reports tests/output
