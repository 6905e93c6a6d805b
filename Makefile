# The README's two commands are `make example` and `make test`; everything they need is set up here.
SHELL := /bin/bash
.DEFAULT_GOAL := help
EXAMPLE ?= examples/moltbook/SKILL.md
EXAMPLE_POLICY ?= moltbook

.PHONY: help deps build example test test-unit setup-docker setup-chromium setup-openclaw bench eval clean

help:
	@echo "make example   install, build and scan $(EXAMPLE) with --policy $(EXAMPLE_POLICY) (no Docker)"
	@echo "make test      install everything (npm packages, Docker engine, images, Chromium, OpenClaw) and run every test"

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

# The pinned OpenClaw + Node 24 for the OpenClaw end-to-end test, cached outside the repository
# (SKILLWALL_OPENCLAW_HOME, default /var/cache/skillwall/openclaw-2026.9.6).
setup-openclaw:
	bash scripts/setup-openclaw.sh

test: deps setup-chromium setup-docker setup-openclaw
	npm test

test-unit: deps
	npx vitest run test/unit test/attacks

bench: build
	npm run bench

eval: build
	npm run eval -- ../shared/corpus

clean:
	rm -rf dist coverage node_modules/.installed
