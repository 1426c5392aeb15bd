#!/usr/bin/env bash
# a3m for the archive tests: its own venv on Python 3.12 (a3m needs >= 3.12, docpipe runs on
# 3.11) and the Debian tools a3m's jobs call. Idempotent: does nothing when all is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

A3M_VERSION="${A3M_VERSION:-0.8.1}"
VENV="${A3M_VENV:-.venv-a3m}"

missing=()
for pair in 7z:p7zip-full atool:atool unar:unar tree:tree; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup_a3m: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ -f "$VENV/.installed-$A3M_VERSION" && -x "$VENV/bin/a3md" ]]; then
  exit 0
fi

python312=""
pyenv_root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
for candidate in "$pyenv_root"/versions/3.12*/bin/python3.12 "$(command -v python3.12 || true)"; do
  # a pyenv shim on PATH may exist without 3.12 being selected: run it to be sure
  if [[ -n "$candidate" && -x "$candidate" ]] &&
    "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
    python312="$candidate"
    break
  fi
done
if [[ -z "$python312" ]]; then
  echo "setup_a3m: no Python 3.12 found (python3.12 on PATH or a pyenv 3.12.x)" >&2
  exit 1
fi

echo "setup_a3m: a3m $A3M_VERSION into $VENV ($python312)" >&2
rm -rf "$VENV"
"$python312" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip 2>/dev/null
"$VENV/bin/pip" install --quiet "a3m==$A3M_VERSION" 2>&1 | grep -v "^WARNING: Location" >&2 || true
"$VENV/bin/python" -c "import a3m"
touch "$VENV/.installed-$A3M_VERSION"
