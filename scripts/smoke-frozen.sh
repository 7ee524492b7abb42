#!/usr/bin/env bash
# Smoke-test a frozen build: CLI commands on a fresh data directory, then the GUI.
#
#   scripts/smoke-frozen.sh [path/to/workstation]     (default: dist/workstation/workstation)
#
# Runs headless (Qt's offscreen platform; also X11 through xvfb-run when it is
# installed). The GUI quits by itself after showing its window (WORKSTATION_SMOKE=1,
# honoured by ui/app.py). The doctor also lists scanners, which starts a
# scanner worker process: that proves multiprocessing works inside the bundle.
# Needs python3 on the machine only to read the JSON answers.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(realpath "${1:-dist/workstation/workstation}")
[ -x "$BIN" ] || { echo "no executable at $BIN: run scripts/build-bundle.sh first" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen
export WORKSTATION_DATA_DIR="$WORK/data"
# A build machine has no unlocked desktop keyring; the encrypted store needs one.
export WORKSTATION_ENCRYPT=${WORKSTATION_ENCRYPT:-0}
PY=${PYTHON:-python3}
step() { echo "== $*"; }
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); $1" "$2"; }

step "help and version"
"$BIN" --help >/dev/null

step "init (password on stdin)"
echo "smoke-pass-123" | "$BIN" init --office-code 340822104201 --office-name "冒烟测试站" --admin admin

step "services"
"$BIN" services --json > "$WORK/services.json"
SERVICE=$(json "print(d[0]['code'])" "$WORK/services.json")
echo "first service: $SERVICE"

step "case import"
cat > "$WORK/cases.json" <<EOF
[{"service_code": "$SERVICE",
  "applicant": {"name": "冒烟测试人", "id_number": "11010519491231002X", "phone": "13800138000",
                "address": "测试村一组1号", "division_code": "340822104201"},
  "fields": {}}]
EOF
"$BIN" case import "$WORK/cases.json" --user admin --json > "$WORK/import.json"
json "assert len(d['case_ids']) == 1 and not d['problems'], d" "$WORK/import.json"

step "case list"
"$BIN" case list --json > "$WORK/list.json"
json "assert len(d) == 1, d; print(len(d), 'case')" "$WORK/list.json"

step "doctor (scanners included)"
set +e
"$BIN" doctor --json --timeout 3 > "$WORK/doctor.json"
DOCTOR_RC=$?
set -e
json "
s = {c['name']: c['status'] for c in d['checks']}
print(s)
assert all(s[n] == 'ok' for n in ('data_dir', 'database', 'schema', 'blobs', 'audit')), s
assert s['scanners'] in ('ok', 'warning', 'skipped'), s
" "$WORK/doctor.json"
echo "doctor exit status $DOCTOR_RC (keyring or scanners may warn on a build machine)"

step "backup and restore"
"$BIN" backup "$WORK/usb" --json > "$WORK/backup.json"
BACKUP=$(json "assert d['complete']; print(d['path'])" "$WORK/backup.json")
"$BIN" --data-dir "$WORK/restored" restore "$BACKUP"
"$BIN" --data-dir "$WORK/restored" case list --json > "$WORK/restored.json"
json "assert len(d) == 1, d" "$WORK/restored.json"

step "support bundle"
"$BIN" support-bundle "$WORK/support.zip" --skip scanners
"$PY" - "$WORK/support.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zf:
    text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
for value in ("冒烟测试人", "11010519491231002X", "13800138000", "smoke-pass-123"):
    assert value not in text, value
print(len(text), "characters, no citizen data")
EOF

step "GUI (offscreen)"
WORKSTATION_SMOKE=1 timeout 120 "$BIN"
if command -v xvfb-run >/dev/null; then
  step "GUI (X11 under xvfb-run)"
  WORKSTATION_SMOKE=1 QT_QPA_PLATFORM=xcb timeout 120 xvfb-run -a "$BIN"
fi

echo "smoke test passed: $BIN"
