# Two entry points for a fresh machine: `make demo` and `make test` (see README.md).
# Installs resolve through constraints.txt, so every machine gets the same versions.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= outputs
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt

.PHONY: demo test repro bench constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

## demo: install the offline default (no torch) and summarise the five shipped articles into outputs/
demo: $(BIN)/python
	$(PIP) -e .
	$(BIN)/talkhis summarize data/articles --out $(OUT)

## test: install everything (torch CPU build, notebooks, test tools) and run pytest and the notebooks
test: $(BIN)/python
	$(PIP) -e ".[models,eval,e5,dask,notebooks,dev]"
	$(BIN)/python -m pytest --nbval --nbval-current-env

## repro: byte-identical outputs across BLAS kernels, threads and cache states; notebooks under an older kernel
repro: $(BIN)/python
	$(BIN)/python -m pytest -m repro
	OPENBLAS_CORETYPE=Prescott $(BIN)/python -m pytest --nbval --nbval-current-env notebooks

## bench: print speed, memory and quality figures (not part of the tests)
bench: $(BIN)/python
	$(PIP) -e ".[models,eval,e5,dask,dev]"
	$(BIN)/python benchmarks/bench_embed.py
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_stories.py --quality

## constraints: pin every installed package (run after changing dependencies in a full `make test` venv)
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | sed -E 's/^(torch==[0-9.]+)\+cpu$$/\1/' > constraints.txt

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
