#!/usr/bin/env bash
# The whole UI in your browser against the real engine (demo mode), for UI work: builds and starts
# the dev/test host (127.0.0.1, a new secret each run), then Vite's dev server with hot reload.
# Open the address it prints, /preview.html (?theme=dark). Ctrl+C stops both.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

check_toolchains
install_ui_dependencies
step "Building the dev host"
cargo build --locked "${CARGO_FEATURES[@]}" --workspace --bin gatehouse-devhost

ready="$(mktemp)"
trap 'kill "$host" 2>/dev/null; rm -f "$ready"' EXIT
"$CARGO_TARGET_DIR/debug/gatehouse-devhost" --ignore-stdin >"$ready" &
host=$!
for _ in $(seq 1 100); do [ -s "$ready" ] && break; sleep 0.1; done
[ -s "$ready" ] || die "The dev host did not start."
line="$(head -n1 "$ready")"
VITE_GATEHOUSE_DEVHOST_URL="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$line")"
VITE_GATEHOUSE_DEVHOST_SECRET="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$line")"
export VITE_GATEHOUSE_DEVHOST_URL VITE_GATEHOUSE_DEVHOST_SECRET

step "Preview: http://127.0.0.1:1420/preview.html"
cd ui && npx vite
