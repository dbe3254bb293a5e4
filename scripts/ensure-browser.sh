#!/usr/bin/env bash
# Installs Debian's Chromium and chromedriver for the browser tests when they are missing.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
  echo "chromium and chromium-driver are missing; install them: apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO=sudo
echo "Installing chromium and chromium-driver for the browser tests..."
for attempt in 1 2; do
  # Another apt may hold the lock for a moment: retry once.
  if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver; then
    exit 0
  fi
  echo "apt-get failed (attempt $attempt); retrying in 10 s" >&2
  # An install stopped half-way (a killed run) leaves dpkg needing this before apt works again.
  DEBIAN_FRONTEND=noninteractive $SUDO dpkg --configure -a || true
  sleep 10
done
exit 1
