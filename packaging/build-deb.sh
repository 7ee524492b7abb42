#!/usr/bin/env bash
# Wrap a built bundle into a .deb for Debian-based systems (Kylin, UOS, Debian, Ubuntu).
#
#   packaging/build-deb.sh BUNDLE_DIR VERSION OUT_DIR
#
# Installs the bundle to /opt/township-workstation, a `workstation` command in
# /usr/bin, a start-menu entry and the icon. Libraries the bundle leaves to the
# system (SANE, which must match the scanner drivers; CUPS; GLib, D-Bus,
# fontconfig and FreeType, Xlib and xkbcommon: see build.spec) are
# dependencies, and so is the C library the bundled files were built against.
# Data directories live in each user's home and are never touched by
# installing, upgrading or removing the package.
set -euo pipefail

BUNDLE=${1:?bundle directory, e.g. dist/workstation}
VERSION=${2:?version, e.g. 0.1.0}
OUT=${3:?output directory}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PKG=township-workstation
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt/$PKG" "$STAGE/usr/bin" "$STAGE/usr/share/applications"
cp -a "$BUNDLE/." "$STAGE/opt/$PKG/"
ln -s "/opt/$PKG/workstation" "$STAGE/usr/bin/workstation"
install -m 644 "$HERE/township-workstation.desktop" "$STAGE/usr/share/applications/$PKG.desktop"
for size in 16 24 32 48 64 128 256; do
  dir="$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  install -m 644 "$ROOT/resources/icons/app-$size.png" "$dir/$PKG.png"
done

INSTALLED_KB=$(du -sk "$STAGE" | cut -f1)
# The newest glibc symbol version any bundled file asks for (Python and the
# libraries come from the build machine).
GLIBC=2.28
if command -v objdump >/dev/null; then
  GLIBC=$(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null \
    | grep -o 'GLIBC_2\.[0-9]*' | sed 's/GLIBC_//' | sort -t. -k2 -n -u | tail -1 || true)
  GLIBC=${GLIBC:-2.28}
fi
cat > "$STAGE/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: Township Workstation Project <it@example.gov.cn>
Installed-Size: $INSTALLED_KB
Section: misc
Priority: optional
Depends: libc6 (>= $GLIBC), libstdc++6, libgcc-s1, libsane1, libcups2 | libcups2t64, libglib2.0-0 | libglib2.0-0t64, libfontconfig1, libfreetype6, libdbus-1-3, libegl1, libgl1, libx11-6, libx11-xcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei
Recommends: sane-utils, gnome-keyring
Description: Township government-service workstation (乡镇便民服务工作站)
 Offline-first desktop workstation for township and village service offices:
 capture and scan citizens' applications, keep them safe locally, and send
 them to the county platform when the line is up.
EOF

mkdir -p "$OUT"
DEB="$OUT/${PKG}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
