#!/usr/bin/env bash
# Runs inside `xvfb-run … dbus-run-session` for scripts/bench.sh: a throwaway unlocked GNOME
# Keyring (the app keeps a connected portfolio's token there), the accessibility bus,
# tauri-driver, then each benchmark, each writing its JSON to artifacts/bench/.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
OUT="$ROOT/artifacts/bench"
REL="$CARGO_TARGET_DIR/release"

session_dir="$(mktemp -d)"
trap 'kill ${driver_pid:-} ${a11y_pid:-} 2>/dev/null || true; rm -rf "$session_dir"' EXIT
export XDG_DATA_HOME="$session_dir/data" XDG_RUNTIME_DIR="$session_dir/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# What a desktop session starts at login (/etc/xdg/autostart/at-spi-dbus-bus.desktop): the
# accessibility bus. Without it every GTK start has it activated on D-Bus, which cost the app
# about 200 ms of its cold start here (1.05-1.12 s against 0.83-0.88 s, medians of 4 and 6 runs).
/usr/libexec/at-spi-bus-launcher --launch-immediately &
a11y_pid=$!

tauri-driver --port 4444 >"$OUT/tauri-driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.2; done

step "Desktop: start-up, memory, big lists, bulk work through the UI (app, Chromium, hello window)"
"$VENV/bin/python" tests/bench/desktop.py --app "$REL/gatehouse-desktop" --hello "$REL/examples/hello-window" \
  --devhost "$REL/gatehouse-devhost" --emulator "$REL/gatehouse-emulator" --preview-dir ui/dist-preview \
  --runs "$RUNS" --out "$OUT/desktop.json" || echo "(a desktop step failed: see above)" >&2

step "The CLI against Meta's Python SDK, the usual and the careful way, and the floor"
"$VENV/bin/python" tests/bench/sdk_vs_cli.py --emulator "$REL/gatehouse-emulator" --cli "$REL/gatehouse" \
  --runs 3 --json "$OUT/sdk.json" >&2 || echo "(the SDK comparison failed: see above)" >&2

step "The client alone: Gatehouse's way against the naive way, and chained paging (gatehouse-graph's bench)"
"$REL/examples/bench" >"$OUT/graph.txt" || echo "(a ratio missed its target: see graph.txt)" >&2

step "Sizes"
python3 - "$OUT/sizes.json" "$REL/gatehouse-desktop" "$(ls "$REL"/bundle/deb/*.deb)" <<'PY'
import json, os, sys
out, binary, deb = sys.argv[1:]
json.dump({"binary_mib": os.path.getsize(binary) / 2**20, "deb_mib": os.path.getsize(deb) / 2**20,
           "deb_name": os.path.basename(deb)}, open(out, "w"))
PY
