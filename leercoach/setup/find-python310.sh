#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 installs only on 3.8–3.10).
# Order: $LEERCOACH_PYTHON, python3.10 on PATH, pyenv's 3.10.x. Stops with advice otherwise.
set -u

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

if [ -n "${LEERCOACH_PYTHON:-}" ]; then
  is_310 "$LEERCOACH_PYTHON" && { echo "$LEERCOACH_PYTHON"; exit 0; }
  echo "LEERCOACH_PYTHON=$LEERCOACH_PYTHON is not a Python 3.10 interpreter." >&2; exit 1
fi

if command -v python3.10 >/dev/null 2>&1 && is_310 python3.10; then
  command -v python3.10; exit 0
fi

pyenv_root=$( (command -v pyenv >/dev/null 2>&1 && pyenv root) || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for candidate in $(ls -d "$pyenv_root"/versions/3.10.* 2>/dev/null | sort -V -r); do
  is_310 "$candidate/bin/python" && { echo "$candidate/bin/python"; exit 0; }
done

cat >&2 <<'MSG'
Leercoach needs Python 3.10 (Rasa 3.6 does not install on 3.11 or newer), and none was found.
Install it, then run `make install` again, for example:
  pyenv install 3.10.13        (with pyenv)
  sudo apt install python3.10 python3.10-venv   (Debian/Ubuntu with a 3.10 package)
or point to one: LEERCOACH_PYTHON=/path/to/python3.10 make install
MSG
exit 1
