# The two commands of the README: `make demo` and `make test`.
LOANS ?= 20000
MONTHS ?= 13
DEMO_DIR ?= data/demo

.PHONY: setup demo test bench

setup:
	@./scripts/setup.sh

demo: setup
	.venv/bin/recovery generate --loans $(LOANS) --months $(MONTHS) --out $(DEMO_DIR)
	.venv/bin/recovery load $(DEMO_DIR)
	.venv/bin/recovery serve

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python bench/load_bench.py
