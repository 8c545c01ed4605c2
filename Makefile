# Two commands for a fresh machine: `make demo` and `make test`. Each creates .venv and
# installs what it needs. `make test` is the fast tier (lint, unit, golden, oracle on small
# data, short property runs), in parallel; `make test-all` runs every test at full budgets,
# including PostgreSQL, Spark and Chromium (skipped where they are missing, unless
# MAATSTAF_REQUIRE_POSTGRES/SPARK/BROWSER=1, as in .ci/run). The tiers: tests/conftest.py.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_ALL := $(VENV)/.installed-all
# the project's own folders (the hidden .venv and .git are no part of the wildcard)
PROJECT_FOLDERS = $(filter-out build/,$(wildcard */))
# pytest-xdist workers: one per core; JOBS=0 runs in this process
JOBS ?= auto
PYTEST = $(BIN)/pytest -q -n $(JOBS) --dist loadgroup

.PHONY: demo test test-rest test-all lint bench clean

# The venv has no pip of its own: uv (from PyPI, into the venv) installs the packages in
# parallel, in seconds. Where uv cannot be had, or with INSTALLER=pip, pip installs them
# as before (ensurepip puts pip into the venv first). Both compile the bytecode at install
# time, so no process pays for it later (nor every process, under PYTHONDONTWRITEBYTECODE):
# after uv, compileall, in parallel, leaving out the packages' own test folders (2,174 of
# 4,886 modules, never imported here): 8.1 s instead of 14.8 s on 2 cores.
INSTALLER ?= uv
USE_UV = [ "$(INSTALLER)" = uv ] && [ -x $(BIN)/uv ]
SITE_PACKAGES = $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
define install
	@if $(USE_UV); then echo "uv pip install $(1)"; \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python $(1) && \
	  $(BIN)/python -m compileall -q -j 0 -x '/tests?/' $(SITE_PACKAGES) >/dev/null; \
	else echo "pip install $(1)"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check $(1); fi
endef

$(STAMP): pyproject.toml
	$(PYTHON) -m venv --without-pip $(VENV)
	@# uv by the pip of $(PYTHON); a Python without pip (Debian's without python3-pip, a
	@# venv's made --without-pip) has the venv's own pip fetch it: 17 s, where pip for
	@# every package took 66-73 s
	@if [ "$(INSTALLER)" = uv ] && [ ! -x $(BIN)/uv ]; then echo "pip install uv"; \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check uv \
	  || { echo "$(PYTHON) has no pip: the venv's own pip installs uv"; \
	    $(BIN)/python -m ensurepip --upgrade --default-pip >/dev/null && \
	    $(BIN)/python -m pip install --quiet --disable-pip-version-check uv; } \
	  || echo "uv cannot be had here: pip installs the packages"; fi
	@if ! { $(USE_UV); } && [ ! -x $(BIN)/pip ]; then echo "python -m ensurepip"; \
	  $(BIN)/python -m ensurepip --upgrade --default-pip >/dev/null; fi
	$(call install,-e '.[test]')
	@# an editable install compiles no module of the project itself: every process would
	@# (under PYTHONDONTWRITEBYTECODE) compile them from source again. Its folders by name
	@# (not '.', whose walk through .venv and its 5,000 modules took 8.0 s): 1.7 s
	$(BIN)/python -m compileall -q -j 0 $(PROJECT_FOLDERS)
	touch $(STAMP)

$(STAMP_ALL): $(STAMP)
	$(call install,-e '.[test-all]')
	touch $(STAMP_ALL)

demo: $(STAMP)
	$(BIN)/maatstaf demo --output maatstaf-demo

# pytest exits 5 when a tier selects no test; the tiers split one suite, so an empty tier
# hides nothing and is not a failure.
define run_tier
	$(PYTEST) --tier=$(1) || { status=$$?; [ $$status -eq 5 ] || exit $$status; \
	  echo "tier $(1): no test selected"; }
endef

test: $(STAMP) lint
	$(call run_tier,fast)

# what `make test` leaves out: the marked tests and the long property runs (.ci/run)
test-rest: $(STAMP_ALL)
	$(call run_tier,rest)

test-all: $(STAMP_ALL) lint
	$(call run_tier,all)

bench: $(STAMP)  # 10^5 and 10^6 rows; SIZES="10000000" for 10^7
	$(BIN)/python -m benchmarks --sizes $(or $(SIZES),100000 1000000)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) maatstaf-demo build *.egg-info
