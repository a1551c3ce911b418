#!/usr/bin/env bash
# Renders assets/icon.svg into the PNG sizes of the freedesktop hicolor
# theme, the window icon, a Windows .ico and a macOS .icns.
# Needs: rsvg-convert (librsvg2-bin), convert (imagemagick), png2icns (icnsutils).
set -euo pipefail
cd "$(dirname "$0")/.."
svg=assets/icon.svg
for n in 16 32 48 64 128 256 512; do
    dir=assets/icons/hicolor/${n}x${n}/apps
    mkdir -p "$dir"
    rsvg-convert -w "$n" -h "$n" "$svg" -o "$dir/trailview.png"
done
mkdir -p assets/icons/hicolor/scalable/apps
cp "$svg" assets/icons/hicolor/scalable/apps/trailview.svg
cp assets/icons/hicolor/256x256/apps/trailview.png assets/icon-256.png
h=assets/icons/hicolor
convert "$h/16x16/apps/trailview.png" "$h/32x32/apps/trailview.png" "$h/48x48/apps/trailview.png" \
    "$h/64x64/apps/trailview.png" "$h/128x128/apps/trailview.png" "$h/256x256/apps/trailview.png" \
    assets/trailview.ico
png2icns assets/trailview.icns "$h/16x16/apps/trailview.png" "$h/32x32/apps/trailview.png" \
    "$h/128x128/apps/trailview.png" "$h/256x256/apps/trailview.png" "$h/512x512/apps/trailview.png" >/dev/null
echo "icons rendered from $svg"
