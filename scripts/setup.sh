#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: the system packages
# (Chromium for charts and browser tests, CJK fonts, poppler for PDF checks, Java for
# Spark) and a virtual environment with the Python packages. Safe to run again: it skips
# what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(chromium fonts-noto-cjk poppler-utils time openjdk-17-jre-headless)
missing=()
for package in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip uv
    .venv/bin/uv pip install --quiet --python .venv/bin/python -e ".[test,spark]"
    # Compiled once here: phonenumbers' geocoding data takes seconds to compile per run.
    .venv/bin/python -m compileall -q .venv/lib/python3*/site-packages/phonenumbers
    touch "$stamp"
fi
