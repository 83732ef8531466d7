# The course in one command: `make lab` to learn, `make test` to check every lesson still works.
#
# Both targets build a virtual environment in .venv the first time (from binder/requirements.txt,
# the same pinned environment Binder uses) and reuse it afterwards: stamp files inside .venv
# record what has been installed, so a second run installs nothing.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8888
LAB_ARGS ?=
NOTEBOOK ?= notebooks/00_start_here.ipynb

# Every test tier in one pytest run, so the output ends with pytest's summary line.
PYTEST_ARGS ?= tests notebooks --nbval-lax -p no:cacheprovider -ra
# The pure tier alone: no TensorFlow, seconds.
PURE_TESTS ?= tests/test_shapes.py tests/test_data.py tests/test_no_tensorflow.py

PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.stamp-runtime
TEST_STAMP := $(VENV)/.stamp-test

# TensorFlow reads these at import: together they silence its start-up chatter.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help lab test test-pure benchmarks requirements env test-env clean distclean

help: ## list the targets
	@echo "make lab         start JupyterLab on lesson 00 (PORT=$(PORT), extra options in LAB_ARGS)"
	@echo "make test        run every test tier: pure, keras, widgets, notebooks (nbval), browser"
	@echo "make test-pure   run the pure shape maths tests only (no TensorFlow, seconds)"
	@echo "make benchmarks  run the latency, memory and course-runtime measurements"
	@echo "make requirements  regenerate binder/requirements.txt from the tested environment"
	@echo "make clean       remove caches, screenshots and build leftovers (keeps $(VENV))"
	@echo "make distclean   clean, and remove $(VENV) too"
	@echo
	@echo "The test command: $(PY) -m pytest $(PYTEST_ARGS)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# The runtime: exactly the pins Binder installs, then the course package itself, editable.
$(RUNTIME_STAMP): binder/requirements.txt pyproject.toml course/server/settings.py | $(PY)
	$(PIP) install -r binder/requirements.txt
	$(PIP) install --no-deps -e .
	$(PY) -m course.server.settings
	@touch $@

# The test tools on top; the pins are constraints, so no runtime version moves.
$(TEST_STAMP): $(RUNTIME_STAMP) binder/requirements.txt pyproject.toml
	$(PIP) install -c binder/requirements.txt -e '.[test]'
	@touch $@

env: $(RUNTIME_STAMP)
test-env: $(TEST_STAMP)

lab: $(RUNTIME_STAMP)
	$(VENV)/bin/jupyter lab $(NOTEBOOK) --port=$(PORT) $(ROOT_ARGS) $(LAB_ARGS)

test: $(TEST_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-pure: $(TEST_STAMP)
	$(PY) -m pytest $(PURE_TESTS) -p no:cacheprovider -q

benchmarks: $(TEST_STAMP)
	@set -e; found=; for script in benchmarks/*.py; do \
	    [ -f "$$script" ] || continue; \
	    case "$$script" in */__init__.py|*/_*) continue;; esac; \
	    found=1; echo "== $$script"; $(PY) "$$script"; \
	done; [ -n "$$found" ] || echo "no benchmark scripts in benchmarks/ yet"

# Reads the installed versions: upgrade in $(VENV), run `make test`, then this (no reinstall first).
requirements: | $(PY)
	$(PY) binder/freeze_requirements.py > binder/requirements.txt.new
	mv binder/requirements.txt.new binder/requirements.txt

clean:
	rm -rf screenshots build .pytest_cache .hypothesis benchmarks/results *.egg-info
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV)
