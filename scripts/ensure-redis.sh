#!/usr/bin/env bash
# Makes sure redis-server and redis-cli are on PATH: installs Debian's packages when run as
# root, otherwise says what to install and fails.
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "redis-server and redis-cli are needed. Install them, for example:" >&2
  echo "  sudo apt-get install -y redis-server redis-tools" >&2
  exit 1
fi
echo "installing redis-server and redis-tools with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq redis-server redis-tools >/dev/null
# Debian's package starts a system service; the tests start their own servers and do not need it.
if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
  systemctl stop redis-server || true
fi
command -v redis-server >/dev/null || { echo "redis-server still missing after apt-get" >&2; exit 1; }
