#!/usr/bin/env bash
# Debian's zip/unzip (the archive tests build real zip files and extract them), git and python3
# (the gate tests clone real repositories; some fixtures are written with python3's zipfile).
set -euo pipefail
missing=""
command -v zip >/dev/null 2>&1 || missing="$missing zip"
command -v unzip >/dev/null 2>&1 || missing="$missing unzip"
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -z "$missing" ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing:$missing — install Debian's packages (sudo apt-get install -y$missing)" >&2
  exit 1
fi
echo "setup-tools: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
