#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs them all:
# ruff, unit tests, Streamlit AppTests, store tests on SQLite and a real PostgreSQL
# server, and real-browser tests in headless Chromium. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the browser tests, PostgreSQL for the store tests, nginx for
# the two-server test.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)  # tests/deploy
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)  # embedded in the PDF report
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python environment (reused when it is already complete).
[ -x .venv/bin/python ] || python3 -m venv .venv
# --no-compile: pip byte-compiles every installed file one after the other (about 45 of its
# 80 CPU s on a fresh venv); compileall below does the same on both cores, beside the kernels.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-compile -r requirements-dev.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --no-compile --no-deps -e .
# The .pyc files pip would have written (every worker and server imports from them; a no-op
# when they exist). A file that does not compile is skipped, as pip skips it.
.venv/bin/python -m compileall -q -j 2 .venv/lib/python3*/site-packages >/dev/null 2>&1 &
compiling=$!
trap 'kill "$compiling" 2>/dev/null || true' EXIT  # a failed step below stops it too
# Compile the numba kernels (routes, betweenness) once into their cache now, not on the first
# page or test that needs them (about 15 CPU s after an install; under 2 s when cached).
.venv/bin/python -c "from mapping.analysis import kernels; kernels.warm()"

.venv/bin/ruff check .
wait "$compiling" || true
trap - EXIT
# Two workers, one test file each at a time (module fixtures such as servers stay per file):
# 11 minutes instead of 16 on the 2-CPU machine. PYTEST_WORKERS=0 runs serially.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
