# Trust Fabric: one entry point for set-up, the main job, tests, lint and snapshots.
PYTHON ?= python3
VENV := .venv
VENV_CHECKOV := .venv-checkov
BIN := $(VENV)/bin
STACKS := $(patsubst Pulumi.%.yaml,%,$(wildcard Pulumi.*.yaml))

# Hashed locks of both virtualenvs, from pyproject.toml and requirements-checkov.txt: `make lock` after a pin
# changes. Each lock's header records its uv command (Renovate reruns it when it moves a pin).
LOCK_DIR := requirements
UV_COMPILE := $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes

.PHONY: setup prometheus postgres browser check $(addprefix check-,$(STACKS)) evidence-prod test lint golden bench clean lock

setup: $(VENV)/.installed $(VENV_CHECKOV)/.installed prometheus postgres browser

# The page tests open the HTML the toolchain writes in Debian's headless Chromium (trustfabric.browser, through
# Playwright, which never downloads one): installed when missing and we may (root with apt-get), else one line.
browser: $(VENV)/.installed
	@$(BIN)/python -c "import sys; from trustfabric.browser import ensure_chromium; sys.exit(ensure_chromium() is None)" \
		|| echo "Chromium missing (the page tests need it): run sudo apt-get install -y chromium"

# The alerting tests validate the generated rules and routes with promtool and amtool: Debian's `prometheus` and
# `prometheus-alertmanager`, installed when missing and we may (root with apt-get), else one line saying what to run.
prometheus:
	@if ! command -v promtool >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "==> installing promtool and amtool (Debian: prometheus, prometheus-alertmanager)"; \
			export DEBIAN_FRONTEND=noninteractive; apt-get update -qq \
			&& apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null; \
		else \
			echo "promtool or amtool missing (the alerting tests need them): run sudo apt-get install -y prometheus prometheus-alertmanager"; \
		fi; \
	fi

# The database drills (and their tests) run a real PostgreSQL server: Debian's `postgresql`, installed when
# missing and we may (root with apt-get), else one line saying what to run.
postgres:
	@if [ -z "$$TRUSTFABRIC_PG_BINDIR" ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
		&& ! command -v pg_ctl >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "==> installing PostgreSQL (Debian: postgresql) for the database drills"; \
			export DEBIAN_FRONTEND=noninteractive; apt-get update -qq \
			&& apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
		else \
			echo "PostgreSQL server missing (database drills need it): run sudo apt-get install -y postgresql"; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml $(LOCK_DIR)/dev.lock
	@echo "==> creating $(VENV) (the locked dependencies, hashes checked; then the project)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK_DIR)/dev.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENV_CHECKOV)/.installed: $(LOCK_DIR)/checkov.lock
	@echo "==> creating $(VENV_CHECKOV) (checkov, isolated from pulumi's pins; hashes checked)"
	@test -x $(VENV_CHECKOV)/bin/python || $(PYTHON) -m venv $(VENV_CHECKOV)
	@$(VENV_CHECKOV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK_DIR)/checkov.lock
	@touch $@

lock: $(VENV)/.installed
	@echo "==> locking $(LOCK_DIR)/runtime.lock, dev.lock, checkov.lock (every file's hash of each pinned version)"
	@$(UV_COMPILE) pyproject.toml -o $(LOCK_DIR)/runtime.lock > /dev/null
	@$(UV_COMPILE) pyproject.toml --extra dev -o $(LOCK_DIR)/dev.lock > /dev/null
	@$(UV_COMPILE) requirements-checkov.txt -o $(LOCK_DIR)/checkov.lock > /dev/null

# The main job: each stack previewed and gated (our policies and checkov) in one program run, two stacks at a time
# (each stack's output printed whole when it ends), then the signed evidence package for prod, built from the gate
# run check-prod just made. A gate run and checkov's verdicts are reused only when every input is the same
# (trustfabric/gate/cache.py, docs/adr/0017): a warm run re-runs no program. TRUSTFABRIC_NO_CACHE=1 runs it all.
check: setup
	@$(MAKE) --no-print-directory -j2 --output-sync=target $(addprefix check-,$(STACKS)) evidence-prod

$(addprefix check-,$(STACKS)): check-%:
	@echo "==> preview, policy gate and checkov: $*"
	@$(BIN)/trustfabric check --stack $* --with-checkov --preview

evidence-prod: check-prod
	@echo "==> evidence package for prod (evidence/prod)"
	@rm -rf evidence/prod && $(BIN)/trustfabric evidence --stack prod --out evidence/prod

# The suite on one pytest-xdist worker per core (`TEST_WORKERS=0` runs it in this process); a test module's tests
# stay on one worker. tests/conftest.py says what keeps a test safe beside the others.
TEST_WORKERS ?= auto
test: setup
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --junitxml=reports/junit.xml

lint: setup
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy domain slogen components stacks policies trustfabric bench functions
	@$(BIN)/lint-imports --no-cache
	@$(BIN)/python -m trustfabric.packdata --check

golden: setup
	@$(BIN)/python -m trustfabric.golden

bench: setup
	@$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(VENV_CHECKOV) .pytest_cache .mypy_cache .ruff_cache
