# The two commands: `make run` (the whole system locally) and `make test` (every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
PORT ?= 8000
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup site run demo test lint typecheck unit openapi lock synth deploy bench load clean browser extension
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $@

setup: $(BIN)/.installed

# The website (web/): its npm packages and the bundle the stack serves at /.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: web/node_modules/.installed
	cd web && npm run --silent build

# The browser extension (extension/) for the service at SITE: the Chromium zip, the Firefox
# build, and web-ext lint on it.
SITE ?= https://flattr.example.org
extension/node_modules/.installed: extension/package.json extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund --loglevel=error
	touch $@

extension: setup site extension/node_modules/.installed
	cd extension && SITE=$(SITE) npm run --silent build && npm run --silent lint >/dev/null
	$(BIN)/python -c "import shutil; shutil.make_archive('extension/dist/flattr-chromium', 'zip', 'extension/dist/chromium')"
	$(OFFER_EXTENSION)
	@echo "extension/dist/flattr-chromium.zip, extension/dist/firefox/ (for $(SITE))"

# The extension built for a site, offered by that site at /flattr-extension.zip.
OFFER_EXTENSION = $(BIN)/python -c "import shutil; shutil.make_archive('web/dist/flattr-extension', 'zip', 'extension/dist/chromium')"

run: setup site
	cd extension && SITE=http://127.0.0.1:$(PORT) node build.mjs  # load extension/dist/chromium
	$(OFFER_EXTENSION)
	PORT=$(PORT) $(BIN)/python -m local.stack

# make run, with a few believable months already in it (local/demo.py).
demo: setup site
	cd extension && SITE=http://127.0.0.1:$(PORT) node build.mjs
	$(OFFER_EXTENSION)
	DEMO=1 PORT=$(PORT) $(BIN)/python -m local.stack

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy functions infra local bench

# Debian's Chromium for the browser journey (tests/e2e/test_claim_journey.py).
browser:
	test -x $(CHROMIUM) || $(SUDO) apt-get install -y -q chromium >/dev/null \
		|| ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null)

test: lint typecheck browser site extension
	cd web && npm test --silent
	cd extension && npm test --silent
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n 2 --dist loadgroup

openapi: setup
	$(BIN)/python -m functions.openapi > openapi.json

lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.14 \
		--python-platform x86_64-manylinux_2_28 -q -o infra/lambda-requirements.txt

synth: setup site
	$(BIN)/python infra/app.py

# Deploys to the account and region of your AWS credentials (CDK CLI v2 from npm).
deploy: setup site
	cd extension && SITE=https://$(or $(SITE_DOMAIN),flattr.example.org) node build.mjs
	$(OFFER_EXTENSION)
	npx -y aws-cdk@2 deploy --app "$(BIN)/python infra/app.py" --require-approval broadening \
		$(if $(STAGE),-c stage=$(STAGE)) $(if $(MAIL_DOMAIN),-c mail_domain=$(MAIL_DOMAIN)) \
		$(if $(SITE_DOMAIN),-c site_domain=$(SITE_DOMAIN)) \
		$(if $(CERTIFICATE_ARN),-c certificate_arn=$(CERTIFICATE_ARN))

# Simulated extensions against a local stack of its own (or URL=... of a running make run);
# bounded in time and requests, it stops by itself. Not part of make test.
load: setup
	$(BIN)/python -m bench.load $(if $(URL),--url $(URL))

bench: setup site
	$(BIN)/python -m bench.cold
	$(BIN)/python -m bench.track
	$(BIN)/python -m bench.poll
	$(BIN)/python -m bench.split
	$(BIN)/python -m bench.claim
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m bench.site

clean:
	rm -rf $(VENV) cdk.out .mypy_cache .ruff_cache .pytest_cache .hypothesis test-artifacts
