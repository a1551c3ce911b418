#!/usr/bin/env bash
# Shows that the installed .deb works from the desktop: installs the .deb,
# starts a virtual X display, launches Trailview *through its desktop entry*
# on a folder (gtk-launch, as a file manager's "Open With" does), and saves
# a screenshot plus the window title. Run as root on Debian after
# `cargo deb` (or packaging/check.sh). Not part of CI: it needs a display.
#
#   packaging/linux/launch-check.sh [FOLDER] [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
folder=${1:-/usr/share/trailview/sample}
shot=${2:-/tmp/trailview-launch.png}
display=:${TRAILVIEW_DISPLAY:-77}

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v gtk-launch >/dev/null || need+=(libgtk-3-bin)
command -v import >/dev/null || need+=(imagemagick)
command -v xdotool >/dev/null || need+=(xdotool)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

deb=$(ls -t "${CARGO_TARGET_DIR:-target}"/debian/trailview_*.deb | head -n 1)
echo "== installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "./${deb#./}" >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "$deb" >/dev/null
command -v trailview
grep -E '^(Exec|MimeType)=' /usr/share/applications/trailview.desktop

echo "== Xvfb $display"
Xvfb "$display" -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=$display
sleep 2

echo "== gtk-launch trailview $folder"
gtk-launch trailview "$folder"
pid=""
for _ in $(seq 1 30); do
    pid=$(pgrep -n -x trailview || true)
    [ -n "$pid" ] && break
    sleep 0.5
done
if [ -z "$pid" ]; then
    echo "trailview did not start (or exited at once)" >&2
    exit 1
fi
echo "running: $(tr '\0' ' ' </proc/"$pid"/cmdline)"
title=""
for _ in $(seq 1 40); do
    title=$(xdotool search --pid "$pid" --name . getwindowname 2>/dev/null | head -n 1 || true)
    [ -n "$title" ] && break
    sleep 0.5
done
sleep 6  # let the load finish and the window paint
title=$(xdotool search --pid "$pid" --name . getwindowname 2>/dev/null | head -n 1 || true)
echo "window title: ${title:-<no window>}"
import -window root "$shot"
echo "screenshot: $shot"
kill "$pid" 2>/dev/null || true
[ -n "$title" ]
