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

# The tiers are pytest markers, one per test module (pyproject.toml lists them; tests/conftest.py
# refuses a test without one). Two workers share the tests; the lessons run on two workers too, each
# lesson whole on one (--dist loadfile), so that its cells run in order in one kernel.
PARALLEL ?= -n 2
# Every tier but the notebooks' and the browser's, in parallel.
PYTEST_ARGS ?= tests -m "not browser" $(PARALLEL) -p no:cacheprovider -ra --durations=10
# Then every lesson under nbval.
NOTEBOOK_ARGS ?= notebooks --nbval-lax $(PARALLEL) --dist loadfile -p no:cacheprovider -ra --durations=5
# Then the browser tier alone: it measures memory in a 2 GiB cgroup and bytes on the websocket.
BROWSER_ARGS ?= tests -m browser -p no:cacheprovider -ra
# A contributor's loop: everything but the notebooks, browser, platform and compatibility tiers.
FAST_ARGS ?= tests -m "pure or keras or widgets" $(PARALLEL) -p no:cacheprovider -q
# The pure tier alone: no TensorFlow, no ipywidgets, seconds.
PURE_ARGS ?= tests -m pure -p no:cacheprovider -q

PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
UV := $(VENV)/bin/uv
# The resolution's cutoff, recorded in the pins (binder/freeze_requirements.py writes it): whatever
# the tests install from the package index beyond the exact pins (test tools, Colab's set, the
# oldest set) is resolved from what the index held then, so a later release changes nothing.
EXCLUDE_NEWER := $(shell sed -n 's/^\# exclude-newer: *//p' binder/requirements.txt)
UV_INSTALL = $(if $(EXCLUDE_NEWER),,$(error binder/requirements.txt records no "\# exclude-newer:" cutoff))$(UV) pip install --no-config --exclude-newer $(EXCLUDE_NEWER)
# uv is pinned in pyproject.toml's test extra; pip installs that version first, then uv the rest.
UV_PIN := $(shell sed -n 's/^ *"\(uv==[0-9.]*\)".*/\1/p' pyproject.toml)
RUFF := $(VENV)/bin/ruff
RUNTIME_STAMP := $(VENV)/.stamp-runtime
TEST_STAMP := $(VENV)/.stamp-test

# The compatibility tiers: the Keras and widget tests and every lesson, run in their own virtual
# environments, one with Google Colab's versions (binder/compat/colab.txt) and one with the oldest
# versions pyproject.toml allows (binder/compat/floors.py).
COLAB_VENV ?= .venv-colab
OLDEST_VENV ?= .venv-oldest
COMPAT_TESTS ?= tests/test_compat.py tests/test_keras_crosscheck.py tests/test_widgets.py
# Serial: two workers made the Colab tier slower here (6 min 5 s against 4 min 18 s), each lesson
# and each worker loading its own TensorFlow.
COMPAT_PYTEST_ARGS ?= $(COMPAT_TESTS) -p no:cacheprovider -q
COLAB_STAMP := $(COLAB_VENV)/.stamp-compat
OLDEST_STAMP := $(OLDEST_VENV)/.stamp-compat

# TensorFlow reads these at import: together they silence its start-up chatter.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help lab test test-pure test-fast test-main test-tests test-lessons test-browser test-compat test-colab test-oldest lint benchmarks requirements env test-env compat-env check-python clean distclean

help: ## list the targets
	@echo "make lab         start JupyterLab on lesson 00 (PORT=$(PORT), extra options in LAB_ARGS)"
	@echo "make test        ruff, then every test tier: pure, keras, widgets, notebooks (nbval), browser,"
	@echo "                 platforms, then the compatibility tiers (Colab's versions, the oldest allowed)"
	@echo "make test-pure   the pure tier: shape maths, data, lesson map (no TensorFlow, seconds)"
	@echo "make test-fast   every tier but notebooks, browser, platforms and compat (a few minutes)"
	@echo "make lint        ruff check and ruff format --check"
	@echo "make test-compat the compatibility tiers alone (test-colab, test-oldest)"
	@echo "make benchmarks  run the latency, memory and course-runtime measurements"
	@echo "make requirements  regenerate binder/requirements.txt from the tested environment"
	@echo "make clean       remove caches, screenshots and build leftovers (keeps $(VENV))"
	@echo "make distclean   clean, and remove $(VENV) too"
	@echo
	@echo "The test commands: $(PY) -m pytest $(PYTEST_ARGS)"
	@echo "                   $(PY) -m pytest $(NOTEBOOK_ARGS)"
	@echo "                   $(PY) -m pytest $(BROWSER_ARGS)"

# An unsupported Python says so in one line (course/environment.py runs on any Python 3), before
# anything is built with it.
CHECK_PYTHON = $(PYTHON) -m course.environment --python-only

check-python:
	@$(CHECK_PYTHON)

$(PY):
	@$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)

# The runtime: exactly the pins Binder installs, then the course package itself, editable.
$(RUNTIME_STAMP): binder/requirements.txt pyproject.toml course/server/settings.py | $(PY)
	$(PIP) install -r binder/requirements.txt
	$(PIP) install --no-deps -e .
	$(PY) -m course.server.settings
	@touch $@

# The test tools on top, resolved at the pins' cutoff; the pins are constraints, so no runtime
# version moves.
$(TEST_STAMP): $(RUNTIME_STAMP) binder/requirements.txt pyproject.toml
	$(PIP) install -c binder/requirements.txt '$(UV_PIN)'
	$(UV_INSTALL) --python $(PY) -c binder/requirements.txt -e '.[test]'
	@touch $@

env: $(RUNTIME_STAMP)
test-env: $(TEST_STAMP)

# Through binder/start, as on Binder: the same thread settings for every kernel (course/threads.py).
lab: $(RUNTIME_STAMP)
	@$(PY) -m course.environment
	PATH="$(abspath $(VENV))/bin:$$PATH" binder/start $(VENV)/bin/jupyter lab $(NOTEBOOK) --port=$(PORT) $(ROOT_ARGS) $(LAB_ARGS)

# Serially. Side by side (make -j2) the browser tier and the compatibility tiers took as long as
# one after the other (22 min 22 s against about 22 min 40 s): each slowed the other down.
test: lint test-tests test-lessons test-browser test-compat

test-main: test-tests test-lessons test-browser

test-tests: $(TEST_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-lessons: $(TEST_STAMP)
	$(PY) -m pytest $(NOTEBOOK_ARGS)

test-browser: $(TEST_STAMP)
	$(PY) -m pytest $(BROWSER_ARGS)

test-fast: $(TEST_STAMP)
	$(PY) -m pytest $(FAST_ARGS)

lint: $(TEST_STAMP)
	$(RUFF) check .
	$(RUFF) format --check .

# Colab's set: first the versions Colab has, then the course installed as the lessons' set-up cell
# installs it there (dependencies included, upgrading only what does not satisfy the course, which is
# pip's default; uv does the same and applies the cutoff). The freeze before and after is kept so a
# test can check that nothing Colab imports at kernel start moved; then plotly goes to the course's
# floor. Every install resolves at the pins' cutoff.
$(COLAB_STAMP): binder/compat/colab.txt binder/compat/tools.txt binder/compat/floors.py pyproject.toml | $(TEST_STAMP)
	rm -rf $(COLAB_VENV)
	$(PYTHON) -m venv $(COLAB_VENV)
	$(UV_INSTALL) --python $(COLAB_VENV)/bin/python -r binder/compat/colab.txt
	$(COLAB_VENV)/bin/python -m pip freeze --exclude-editable > $(COLAB_VENV)/before-course.txt
	$(UV_INSTALL) --python $(COLAB_VENV)/bin/python -q -e .
	$(COLAB_VENV)/bin/python -m pip freeze --exclude-editable > $(COLAB_VENV)/after-course.txt
	$(PY) binder/compat/floors.py plotly > $(COLAB_VENV)/floor.txt
	$(UV_INSTALL) --python $(COLAB_VENV)/bin/python -r $(COLAB_VENV)/floor.txt
	$(COLAB_VENV)/bin/python -m pip freeze --exclude-editable > $(COLAB_VENV)/tested.txt
	$(UV_INSTALL) --python $(COLAB_VENV)/bin/python -c $(COLAB_VENV)/tested.txt -r binder/compat/tools.txt
	@touch $@

# The oldest set: every floor of pyproject.toml (with the [cpu] extra), the course without deps;
# what the floors leave open resolves at the pins' cutoff.
$(OLDEST_STAMP): binder/compat/tools.txt binder/compat/floors.py pyproject.toml | $(TEST_STAMP)
	rm -rf $(OLDEST_VENV)
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(PY) binder/compat/floors.py --extra cpu > $(OLDEST_VENV)/tested.txt
	$(UV_INSTALL) --python $(OLDEST_VENV)/bin/python -r $(OLDEST_VENV)/tested.txt
	$(UV_INSTALL) --python $(OLDEST_VENV)/bin/python --no-deps -e .
	$(UV_INSTALL) --python $(OLDEST_VENV)/bin/python -c $(OLDEST_VENV)/tested.txt -r binder/compat/tools.txt
	@touch $@

compat-env: $(COLAB_STAMP) $(OLDEST_STAMP)

test-compat: test-colab test-oldest

test-colab: $(COLAB_STAMP)
	COURSE_COMPAT=colab $(COLAB_VENV)/bin/python -m pytest $(COMPAT_PYTEST_ARGS)

test-oldest: $(OLDEST_STAMP)
	COURSE_COMPAT=oldest $(OLDEST_VENV)/bin/python -m pytest $(COMPAT_PYTEST_ARGS)

test-pure: $(TEST_STAMP)
	$(PY) -m pytest $(PURE_ARGS)

benchmarks: $(TEST_STAMP)
	@set -e; found=; for script in benchmarks/*.py; do \
	    [ -f "$$script" ] || continue; \
	    case "$$script" in */__init__.py|*/_*) continue;; esac; \
	    found=1; echo "== $$script"; $(PY) "$$script"; \
	done; [ -n "$$found" ] || echo "no benchmark scripts in benchmarks/ yet"

# Reads the installed versions: upgrade in $(VENV), run `make test`, then this (no reinstall first).
# The cutoff stays the recorded one; after an upgrade, move it with
# `make requirements FREEZE_ARGS="--exclude-newer 2027-01-15T00:00:00Z --upgrade"`.
FREEZE_ARGS ?=
requirements: | $(TEST_STAMP)
	$(PY) binder/freeze_requirements.py $(FREEZE_ARGS) > binder/requirements.txt.new
	mv binder/requirements.txt.new binder/requirements.txt

clean:
	rm -rf screenshots build .pytest_cache .hypothesis benchmarks/results *.egg-info
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV) $(COLAB_VENV) $(OLDEST_VENV)
