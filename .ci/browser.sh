#!/bin/sh
# Debian's chromium for the Playwright browser tests (tests/service/ui, marker `browser`).
# Playwright is never allowed to download a browser; the tests launch /usr/bin/chromium.
set -eu
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
