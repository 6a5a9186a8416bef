# Quick start:  make demo   (installs, renders the bundled sample to demo.mp4)
#               make test   (installs the test extras, runs the test suite)

# MediaPipe 0.10.14 has wheels for Python 3.11 and 3.12 only: take the first
# interpreter on the path that runs and is one of them.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "talkface needs Python 3.11 or 3.12 (MediaPipe 0.10.14)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/talkface demo -o demo.mp4

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) demo.mp4 src/*.egg-info
