#!/usr/bin/env bash
# Build the Linux bundle with PyInstaller, then a tarball and a .deb; print the sizes.
#
#   scripts/build-bundle.sh              one-folder bundle in dist/workstation/
#   WS_ONEFILE=1 scripts/build-bundle.sh also a single-file dist/workstation-onefile
#
# Fails (exit 3) when the unpacked bundle is over the size target (120 MiB,
# WS_SIZE_TARGET_MB); WS_ENFORCE_SIZE=0 only warns. build.spec prints the
# largest files and writes all of them to dist/workstation-size.txt.
#
# Afterwards: scripts/smoke-frozen.sh runs the built program on a fresh data
# directory. The Windows installer is built on Windows (see docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_TARGET_MB=${WS_SIZE_TARGET_MB:-120}
if [ ! -x .venv/bin/pyinstaller ]; then
  echo "PyInstaller is missing: run  .venv/bin/pip install -e '.[build]'" >&2
  exit 1
fi
VERSION=$(.venv/bin/python -c 'from workstation.ops_version import app_version; print(app_version())')
ARCH=$(uname -m)
[ -f resources/icons/app.png ] || .venv/bin/python packaging/make_icons.py

echo "== building the one-folder bundle (version $VERSION)"
WS_ONEFILE=0 .venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
BUNDLE=dist/workstation

if [ "${WS_ONEFILE:-0}" = "1" ]; then
  echo "== building the one-file variant"
  WS_ONEFILE=1 .venv/bin/pyinstaller --noconfirm --log-level WARN \
    --distpath dist/onefile --workpath build/onefile build.spec
  mv -f dist/onefile/workstation dist/workstation-onefile
  mv -f dist/onefile/workstation-size.txt dist/workstation-onefile-size.txt 2>/dev/null || true
  rmdir dist/onefile 2>/dev/null || true
fi

echo "== tarball"
TARBALL=dist/township-workstation-$VERSION-linux-$ARCH.tar.xz
tar -C dist -cJf "$TARBALL" --transform "s,^workstation,township-workstation-$VERSION," workstation

echo "== .deb"
DEB=$(packaging/build-deb.sh "$BUNDLE" "$VERSION" dist)

mb() { echo $(( ($1 + 1048575) / 1048576 )); }
UNPACKED=$(du -sb "$BUNDLE" | cut -f1)
echo
echo "bundle    $BUNDLE: $(mb "$UNPACKED") MB unpacked (target: under $SIZE_TARGET_MB MB)"
echo "tarball   $TARBALL: $(mb "$(stat -c %s "$TARBALL")") MB"
echo "deb       $DEB: $(mb "$(stat -c %s "$DEB")") MB"
[ -f dist/workstation-onefile ] && echo "one file  dist/workstation-onefile: $(mb "$(stat -c %s dist/workstation-onefile)") MB"
echo "largest parts:"
du -sb "$BUNDLE"/_internal/* | sort -rn | head -8 | while read -r bytes path; do
  printf '  %5s MB  %s\n' "$(mb "$bytes")" "${path#"$BUNDLE"/_internal/}"
done
echo "(every file: dist/workstation-size.txt)"
if [ "$(mb "$UNPACKED")" -gt "$SIZE_TARGET_MB" ]; then
  echo "error: the bundle is over the $SIZE_TARGET_MB MB target (see docs/operations.md, 'Bundle size')." >&2
  [ "${WS_ENFORCE_SIZE:-1}" = "1" ] && exit 3
fi
echo "next: scripts/smoke-frozen.sh $BUNDLE/workstation"
