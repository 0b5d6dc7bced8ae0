#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain how to get one and fail.
# Order: $PYTHON310 (override), a working `python3.10` on PATH, pyenv's installed 3.10.x, common locations.
set -u
works() { [ -n "$1" ] && [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "3.10" ]; }

if [ -n "${PYTHON310:-}" ]; then
  if works "$PYTHON310"; then echo "$PYTHON310"; exit 0; fi
  echo "PYTHON310=$PYTHON310 is not a working Python 3.10." >&2; exit 1
fi
if command -v python3.10 >/dev/null 2>&1 && works "$(command -v python3.10)"; then
  command -v python3.10; exit 0
fi
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for candidate in $(ls -d "$root"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V -r) \
                 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  if works "$candidate"; then echo "$candidate"; exit 0; fi
done
cat >&2 <<'MSG'
Python 3.10 was not found, and Rasa 3.6 needs it (it does not support 3.11+).
Install one, then run make again:
  - with pyenv:   pyenv install 3.10.13
  - on Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv   (deadsnakes PPA on Ubuntu)
  - or point make at one:  make run PYTHON310=/path/to/python3.10
MSG
exit 1
