# competency-core: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml testing/pyproject.toml examples/plugin/pyproject.toml | cksum | cut -d' ' -f1)
CODE_DIRS := $(wildcard src testing tests examples benchmarks)

.PHONY: demo test lint typecheck pytest clean

# The venv: the project with its dev extra, the test support (competency-core-testing, a
# distribution of its own in testing/) beside it, and the example plugin.
$(STAMP): pyproject.toml testing/pyproject.toml examples/plugin/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet -e ./testing
	$(BIN)/python -m pip install --quiet --no-deps -e examples/plugin
	$(BIN)/python -m competency_core.scoring.compiled --warm  # numba's cache: readiness_matrix's auto kernel
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

## The main job: the end-to-end demo on the embedded default (no server to start).
demo: $(STAMP)
	$(BIN)/competency demo --out demo-output

## The whole test suite: linters, the type checker, then pytest.
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check $(CODE_DIRS)
	$(BIN)/ruff format --check $(CODE_DIRS)

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-render-tools.sh
	bash scripts/ensure-axe.sh
	bash scripts/ensure-php.sh
	bash scripts/ensure-ralph.sh
	bash scripts/ensure-java.sh
	PYTHON=$(BIN)/python bash scripts/run-tests.sh

clean:
	rm -rf $(VENV) demo-output .mypy_cache .ruff_cache .pytest_cache
