#!/usr/bin/env bash
# bench/app_vs_cli.sh: the app's load against the CLI's, in the same run
# (issue 13). Alternates `trailview stats PATH` and the app opened on PATH
# (under a virtual X display), RUNS times each, and prints per run:
#   - the load time both log with TRAILVIEW_LOG=info ("load took N ms"),
#   - the wall time from launch to that line (app) or to exit (CLI),
#   - the CLI's peak RSS, the app's RSS once loaded and settled, and the
#     app's RSS on its start screen (the window's own baseline).
# Then the medians and the app/CLI ratios.
#
#   bench/app_vs_cli.sh PATH [RUNS]      (default 5 runs)
# Needs: release builds (cargo build --release -p trailview -p trailview-cli),
# Xvfb (apt-get install xvfb), GNU time. Quit anything else using the cores.
set -euo pipefail
DATA=${1:?usage: bench/app_vs_cli.sh PATH [RUNS]}
RUNS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
APP=$BIN/trailview
[ -x "$APP" ] || { echo "build first: cargo build --release -p trailview -p trailview-cli" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'kill $XVFB 2>/dev/null || true; rm -rf "$TMP"' EXIT
DISP=:$((90 + RANDOM % 9))
Xvfb "$DISP" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
sleep 1
export DISPLAY=$DISP XDG_RUNTIME_DIR=$TMP GSETTINGS_BACKEND=memory TRAILVIEW_LOG=info
# The app keeps its settings and autosaves away from the user's.
export XDG_CONFIG_HOME=$TMP/config XDG_DATA_HOME=$TMP/data

now_ms() { date +%s%3N; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Waits for the app's "load took" line; prints "load_ms wall_ms rss_kb".
app_run() {
  local log=$TMP/app.log start pid load
  : >"$log"
  start=$(now_ms)
  "$APP" "$@" 2>"$log" >/dev/null &
  pid=$!
  for _ in $(seq 1200); do
    grep -q "load took" "$log" && break
    sleep 0.05
  done
  local wall=$(( $(now_ms) - start ))
  load=$(grep -o "load took [0-9.]*" "$log" | head -1 | awk '{print $3}')
  sleep 4   # facets, summary, credential graph settle
  local rss
  rss=$(rss_kb "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "${load:-NA} $wall $rss"
}

# The start screen's RSS (no data): the window's own baseline.
baseline() {
  "$APP" 2>/dev/null >/dev/null &
  local pid=$!
  sleep 4
  rss_kb "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$TMP/cli" ; : >"$TMP/app"
BASE=$(baseline)
echo "app start screen RSS: $BASE KB"
printf '%-4s %12s %12s %12s | %12s %12s %12s\n' run cli_load_ms cli_wall_ms cli_peak_kb app_load_ms app_wall_ms app_rss_kb
for r in $(seq "$RUNS"); do
  start=$(now_ms)
  /usr/bin/time -f "%M" -o "$TMP/peak" "$APP" stats "$DATA" >/dev/null 2>"$TMP/cli.log"
  cwall=$(( $(now_ms) - start ))
  cload=$(grep -o "load took [0-9.]*" "$TMP/cli.log" | head -1 | awk '{print $3}')
  cpeak=$(tail -1 "$TMP/peak")
  echo "$cload $cwall $cpeak" >>"$TMP/cli"
  read -r aload awall arss < <(app_run "$DATA")
  echo "$aload $awall $arss" >>"$TMP/app"
  printf '%-4s %12s %12s %12s | %12s %12s %12s\n' "$r" "$cload" "$cwall" "$cpeak" "$aload" "$awall" "$arss"
done
for i in 1 2 3; do
  c=$(awk -v i=$i '{print $i}' "$TMP/cli" | median)
  a=$(awk -v i=$i '{print $i}' "$TMP/app" | median)
  case $i in 1) n="load (logged)";; 2) n="wall to loaded";; 3) n="memory";; esac
  if [ $i = 3 ]; then
    echo "median $n: cli peak $c KB, app $a KB, app start screen $BASE KB; app / (cli + start screen) = $(awk -v a="$a" -v c="$c" -v b="$BASE" 'BEGIN {printf "%.2f", a/(c+b)}')"
  else
    echo "median $n: cli $c ms, app $a ms, app/cli = $(awk -v a="$a" -v c="$c" 'BEGIN {printf "%.2f", a/c}')"
  fi
done
