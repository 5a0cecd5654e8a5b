#!/usr/bin/env bash
# Creates the Python environment (first run only) and starts the dashboard on the
# demo district. Extra arguments go to the app: bash tools/start.sh --data PATH
#
# The server listens on this computer only (127.0.0.1): the app is then open
# without signing in. For a workshop where phones join over the network, give
# an address, and the app asks for the facilitator password on every page but
# the join page:
#   WIJKNETWERK_PASSWORD='...' bash tools/start.sh --server.address 0.0.0.0
# (without WIJKNETWERK_PASSWORD a one-time password is printed here).
# Streamlit options (--server.*, --browser.*, --theme.*, ...) go to Streamlit,
# everything else to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
# Compile the numba kernels (routes, betweenness) once into their cache now, not on the first
# page or test that needs them (about 15 CPU s after an install; under 2 s when cached).
.venv/bin/python -c "from mapping.analysis import kernels; kernels.warm()"
streamlit_args=()
app_args=()
address_given=${STREAMLIT_SERVER_ADDRESS:+yes}
while [ $# -gt 0 ]; do
  case "$1" in
    --server.*|--browser.*|--theme.*|--client.*|--logger.*|--global.*|--runner.*)
      case "$1" in --server.address|--server.address=*) address_given=yes ;; esac
      if [[ "$1" == *=* ]]; then
        streamlit_args+=("$1")
      else
        streamlit_args+=("$1" "${2:?"$1 needs a value"}")
        shift
      fi
      ;;
    *) app_args+=("$1") ;;
  esac
  shift
done
[ -n "${address_given:-}" ] || streamlit_args+=(--server.address 127.0.0.1)
[ ${#app_args[@]} -gt 0 ] && app_args=(-- "${app_args[@]}")
exec .venv/bin/streamlit run app.py "${streamlit_args[@]}" "${app_args[@]}"
