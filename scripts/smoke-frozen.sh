#!/usr/bin/env bash
# Smoke-test a frozen build: CLI commands on a fresh data directory, then the GUI.
#
#   scripts/smoke-frozen.sh [path/to/workstation]     (default: dist/workstation/workstation)
#
# Runs headless (Qt's offscreen platform; also X11 through xvfb-run when it is
# installed). The GUI quits by itself after showing its window (WORKSTATION_SMOKE=1,
# honoured by ui/app.py). The doctor also lists scanners, which starts a
# scanner worker process: that proves multiprocessing works inside the bundle.
# Page files (JPEG, PNG, TIFF, PDF) go through the scanning pipeline, and the
# bundle checks itself (packaging/bundle_check.py): what the build trims must
# still work: Qt's platform, image and print plugins, printing, PDF export,
# ICU's Chinese collation, every shared library loading. A second data
# directory is encrypted (SQLCipher, with the data key in a throwaway keyring).
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
CASE=$(json "print(d['case_ids'][0])" "$WORK/import.json")

step "attach JPEG, PNG, TIFF and PDF pages (Pillow, the scanning pipeline, pdfium)"
WORKSTATION_BUNDLE_CHECK=1 "$BIN" samples "$WORK/samples"
"$BIN" attach "$CASE" "$WORK/samples/photo.jpg" "$WORK/samples/scan.png" "$WORK/samples/pages.tif" \
  "$WORK/samples/letter.pdf" --kind household_register --user admin --json > "$WORK/attach.json"
json "assert len(d['pages']) == 6, d; print(len(d['pages']), 'pages:', sorted({p['content_type'] for p in d['pages']}))" \
  "$WORK/attach.json"

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

step "bundle check (offscreen)"
WORKSTATION_BUNDLE_CHECK=1 timeout 300 "$BIN" check "$CASE" admin "$WORK/check"

step "encrypted data directory (SQLCipher; the data key in a throwaway file keyring)"
# keyring loads the backend named in $XDG_CONFIG_HOME/python_keyring/keyringrc.cfg
# from the folder given there; the bundle itself holds no file-based keyring.
KEYRING_DIR="$WORK/config/python_keyring"
mkdir -p "$KEYRING_DIR"
cat > "$KEYRING_DIR/smoke_keyring.py" <<'PY'
import json
import os

from keyring.backend import KeyringBackend

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "secrets.json")


class FileKeyring(KeyringBackend):
    """Smoke test only: secrets in a JSON file next to this module."""

    priority = 1

    def _load(self):
        try:
            with open(PATH, encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def _save(self, data):
        with open(PATH, "w", encoding="utf-8") as f:
            json.dump(data, f)

    def get_password(self, service, username):
        return self._load().get(service + "/" + username)

    def set_password(self, service, username, password):
        self._save({**self._load(), service + "/" + username: password})

    def delete_password(self, service, username):
        data = self._load()
        data.pop(service + "/" + username, None)
        self._save(data)
PY
printf '[backend]\ndefault-keyring = smoke_keyring.FileKeyring\nkeyring-path = %s\n' "$KEYRING_DIR" \
  > "$KEYRING_DIR/keyringrc.cfg"
enc() { XDG_CONFIG_HOME="$WORK/config" WORKSTATION_ENCRYPT=1 "$BIN" "$@"; }
echo "smoke-pass-123" | enc --data-dir "$WORK/enc" init --office-code 340822104201 --office-name "加密测试站" --admin admin
enc --data-dir "$WORK/enc" case import "$WORK/cases.json" --user admin --json > "$WORK/enc-import.json"
ENC_CASE=$(json "print(d['case_ids'][0])" "$WORK/enc-import.json")
enc --data-dir "$WORK/enc" attach "$ENC_CASE" "$WORK/samples/photo.jpg" --kind id_card --user admin --json > /dev/null
"$PY" - "$WORK/enc/workstation.sqlite" <<'PY'
import sys
with open(sys.argv[1], "rb") as f:
    assert f.read(16) != b"SQLite format 3\x00", "the encrypted store is plain SQLite"
print("the database file is encrypted")
PY
enc --data-dir "$WORK/enc" backup "$WORK/enc-usb" --json > "$WORK/enc-backup.json"
ENC_BACKUP=$(json "assert d['complete']; print(d['path'])" "$WORK/enc-backup.json")
enc --data-dir "$WORK/enc-restored" restore "$ENC_BACKUP"
enc --data-dir "$WORK/enc-restored" case list --json > "$WORK/enc-list.json"
json "assert len(d) == 1, d; print('encrypted: imported, attached, backed up, restored, read back')" \
  "$WORK/enc-list.json"

step "GUI (offscreen)"
WORKSTATION_SMOKE=1 timeout 120 "$BIN"
if command -v xvfb-run >/dev/null; then
  step "GUI (X11 under xvfb-run)"
  WORKSTATION_SMOKE=1 QT_QPA_PLATFORM=xcb timeout 120 xvfb-run -a "$BIN"
  step "bundle check (X11 under xvfb-run)"
  WORKSTATION_BUNDLE_CHECK=1 QT_QPA_PLATFORM=xcb timeout 300 xvfb-run -a "$BIN" check "$CASE" admin "$WORK/check-x11"
  step "GUI in a Wayland session: the bundle has no Wayland plugin, Qt falls back to X11"
  env -u QT_QPA_PLATFORM XDG_SESSION_TYPE=wayland WAYLAND_DISPLAY=wayland-smoke-none WORKSTATION_SMOKE=1 \
    timeout 120 xvfb-run -a "$BIN"
fi

echo "smoke test passed: $BIN"
