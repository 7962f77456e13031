#!/usr/bin/env bash
# Runs inside `xvfb-run … dbus-run-session`: unlocks a throwaway GNOME Keyring, runs the tests that
# need the real Secret Service, then drives the real app binary through tauri-driver + WebKitWebDriver.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

session_dir="$(mktemp -d)"
trap 'kill ${driver_pid:-} 2>/dev/null || true; rm -rf "$session_dir"' EXIT
# Data (the jobs database, WebKit's storage), config (saved portfolios) and cache start empty in
# every test session, so the end-to-end suite's leak scan searches exactly what this run wrote.
export XDG_DATA_HOME="$session_dir/data" XDG_CONFIG_HOME="$session_dir/config"
export XDG_CACHE_HOME="$session_dir/cache" XDG_RUNTIME_DIR="$session_dir/run"
# Exports (the audit log's) go to the session's data folder, which the leak scan searches.
export GATEHOUSE_EXPORT_DIR="$XDG_DATA_HOME/exports"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# An empty password plus newline creates and unlocks the login collection (printf '' would not).
echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null

step "Keyring: the tests that need the real Secret Service (secrets store, CLI profiles)"
# The same selection and features as the main test step, so nothing is rebuilt; only the
# #[ignore]d tests run, and every one of them needs this session's keyring.
# (Not the child halves of re-exec tests: their parent tests run them in the right environment.)
cargo nextest run --workspace "${CARGO_FEATURES[@]}" --locked --run-ignored only --no-fail-fast \
  -E 'not test(/_child$/)'

step "End to end: the real app under WebDriver"
# Portfolios connected in the app talk to an emulator the tests start on this port, not to Meta.
GATEHOUSE_E2E_GRAPH_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export GATEHOUSE_E2E_GRAPH_PORT GATEHOUSE_GRAPH_URL="http://127.0.0.1:$GATEHOUSE_E2E_GRAPH_PORT"
# Without a GPU the app picks WebKit's older renderer (src-tauri/src/lib.rs), with which
# WebKitWebDriver's screenshots never return (WebKitGTK 2.4x under Xvfb, seen here): the suite's own
# value wins over the app's choice, so it runs on the GPU path and takes its screenshots. The
# package test opens the installed app with the app's own choice and screenshots it through X.
export WEBKIT_DISABLE_DMABUF_RENDERER=0
tauri-driver --port 4444 >"$ROOT/artifacts/e2e/tauri-driver.log" 2>&1 &
driver_pid=$!
ready=0
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null; then ready=1; break; fi
  sleep 0.2
done
[ $ready = 1 ] || die "tauri-driver did not start: see artifacts/e2e/tauri-driver.log"
GATEHOUSE_EMULATOR_CALL_LOG="$CALL_LOG" GATEHOUSE_APP_BIN="$APP_BIN" \
  "$VENV/bin/pytest" -v -p no:cacheprovider tests/e2e
