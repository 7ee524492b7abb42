#!/usr/bin/env bash
# Render the main screens into docs/screenshots/ on a virtual X display.
#   scripts/screenshots.sh            (needs Xvfb and fonts-noto-cjk: scripts/setup.sh)
# Makes a fresh demo data directory, so it never touches real data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DISPLAY_NO=${SCREENSHOT_DISPLAY:-:99}
WORK=$(mktemp -d)
PASSWORD="admin-pass-1"
Xvfb "$DISPLAY_NO" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
trap 'kill $XVFB_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DISPLAY=$DISPLAY_NO QT_QPA_PLATFORM=xcb WORKSTATION_LANG=zh_CN
# A throw-away keyring (device token, store key) beside the throw-away demo store.
export PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring XDG_DATA_HOME="$WORK/xdg"
sleep 1
echo "$PASSWORD" | .venv/bin/workstation --data-dir "$WORK/demo" init \
  --office-code 340822104201 --office-name "桃花村便民服务站" --admin admin --demo >/dev/null
"$PY" scripts/screenshots.py "$WORK/demo" "$PASSWORD" docs/screenshots
