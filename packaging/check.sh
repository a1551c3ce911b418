#!/usr/bin/env bash
# Packaging checks, run by .ci/run: validates the desktop entry and the
# AppStream metainfo, builds the .deb with cargo-deb and checks that it
# installs the binary, desktop entry, metainfo and icons where a desktop
# finds them. Installs its tools when missing (apt-get as root, cargo install),
# so it works on a fresh Debian machine with Rust.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
command -v appstreamcli >/dev/null || missing+=(appstream)
command -v dpkg-deb >/dev/null || missing+=(dpkg)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "packaging/check.sh: please install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "== desktop-file-validate packaging/linux/trailview.desktop"
desktop-file-validate packaging/linux/trailview.desktop

echo "== appstreamcli validate packaging/linux/io.github.trailview.Trailview.metainfo.xml"
appstreamcli validate --no-net packaging/linux/io.github.trailview.Trailview.metainfo.xml

if ! cargo deb --version >/dev/null 2>&1; then
    echo "== cargo install cargo-deb"
    cargo install cargo-deb --locked --quiet
fi

echo "== cargo deb"
deb=$(cargo deb --quiet | tail -n 1)
if [ ! -f "$deb" ]; then
    echo "packaging/check.sh: cargo deb did not report a .deb ($deb)" >&2
    exit 1
fi
echo "built $deb"

echo "== .deb contents"
contents=$(dpkg-deb --contents "$deb")
status=0
for path in \
    ./usr/bin/trailview \
    ./usr/share/applications/trailview.desktop \
    ./usr/share/metainfo/io.github.trailview.Trailview.metainfo.xml \
    ./usr/share/icons/hicolor/16x16/apps/trailview.png \
    ./usr/share/icons/hicolor/32x32/apps/trailview.png \
    ./usr/share/icons/hicolor/48x48/apps/trailview.png \
    ./usr/share/icons/hicolor/64x64/apps/trailview.png \
    ./usr/share/icons/hicolor/128x128/apps/trailview.png \
    ./usr/share/icons/hicolor/256x256/apps/trailview.png \
    ./usr/share/icons/hicolor/512x512/apps/trailview.png \
    ./usr/share/icons/hicolor/scalable/apps/trailview.svg \
    ./usr/share/trailview/sample/README.md; do
    if grep -q " $path\$" <<<"$contents"; then
        echo "ok   $path"
    else
        echo "MISSING $path" >&2
        status=1
    fi
done
samples=$(grep -c '/usr/share/trailview/sample/AWSLogs/.*\.json\.gz$' <<<"$contents" || true)
echo "ok   $samples sample trail files"
[ "$samples" -gt 0 ] || status=1
dpkg-deb --field "$deb" Package Version Depends
exit $status
