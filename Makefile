# The README's two commands are `make example` and `make test`; everything they need is set up here.
SHELL := /bin/bash
.DEFAULT_GOAL := help
EXAMPLE ?= examples/moltbook/SKILL.md
EXAMPLE_POLICY ?= moltbook

.PHONY: help deps build example test test-unit fuzz setup-docker setup-chromium setup-tools setup-openclaw bench eval clean

help:
	@echo "make example   install, build and scan $(EXAMPLE) with --policy $(EXAMPLE_POLICY) (no Docker)"
	@echo "make test      install everything (npm packages, Docker engine, images, Chromium, OpenClaw) and run every test"
	@echo "make fuzz      differential fuzzing against bash, and orders planted in markdown constructs, with a random seed (SHELL_FUZZ_SEED, SHELL_FUZZ_CASES)"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.installed

build: deps
	npm run build

example: build
	node bin/skillwall.js scan $(EXAMPLE) --policy $(EXAMPLE_POLICY) || [ $$? -eq 1 ]

setup-docker: build
	bash scripts/setup-docker.sh

setup-chromium:
	bash scripts/setup-chromium.sh

setup-tools:
	bash scripts/setup-tools.sh

# The pinned OpenClaw + Node 24 for the OpenClaw end-to-end test, cached outside the repository
# (SKILLWALL_OPENCLAW_HOME, default /var/cache/skillwall/openclaw-2026.9.6).
setup-openclaw:
	bash scripts/setup-openclaw.sh

test: deps setup-chromium setup-tools setup-docker setup-openclaw
	npm test

test-unit: deps
	npx vitest run test/unit test/attacks

# make test uses fixed seeds only; here the seed is random unless SHELL_FUZZ_SEED is given, and
# SHELL_FUZZ_CASES sets the volume of each differential test's extra run.
FUZZ_TESTS := test/attacks/shell-differential.test.ts test/attacks/shell-lists-differential.test.ts \
	test/attacks/shell-syntax-differential.test.ts test/attacks/shell-quoting-differential.test.ts \
	test/attacks/shell-split-differential.test.ts test/attacks/markdown-constructs-fuzz.test.ts
fuzz: deps
	@seed=$${SHELL_FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	cases=$${SHELL_FUZZ_CASES:-2000}; \
	echo "fuzz: SHELL_FUZZ_SEED=$$seed SHELL_FUZZ_CASES=$$cases"; \
	SHELL_FUZZ_SEED=$$seed SHELL_FUZZ_CASES=$$cases npx vitest run --testTimeout=0 $(FUZZ_TESTS)

bench: build
	npm run bench

eval: build
	npm run eval -- ../shared/corpus

clean:
	rm -rf dist coverage node_modules/.installed
