#!/usr/bin/env bash
# The benchmarks (not timed tests; not part of scripts/test.sh): every figure beside its baseline
# in one run, release builds, under Xvfb. Prints a table and writes artifacts/bench/results.json
# and results.md. About 25 minutes warm; `RUNS=N` sets the start-up runs (default 5).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

check_toolchains
# chromium-driver: the browser baseline is driven through Debian's ChromeDriver; at-spi2-core: the
# accessibility bus a desktop session runs (scripts/lib/bench-session.sh).
install_debian_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" chromium-driver at-spi2-core
install_ui_dependencies
install_tauri_driver
install_python_env

# The app and its .deb (their sizes are figures), then what runs beside them, all release.
build_package
step "Building the baselines and tools (release): the hello-world Tauri window, dev host, emulator, CLI"
cargo build --release --locked "${CARGO_FEATURES[@]}" --example hello-window
cargo build --release --locked "${CARGO_FEATURES[@]}" --workspace \
  --bin gatehouse-devhost --bin gatehouse-emulator --bin gatehouse
cargo build --release --locked -p gatehouse-graph --example bench
step "Building the UI for the browser baseline (ui/dist-preview)"
(cd ui && npx vite build --config vite.preview.config.ts --logLevel warn)

rm -rf "$ROOT/artifacts/bench"
mkdir -p "$ROOT/artifacts/bench"
export RUNS="${RUNS:-5}"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp -noreset" dbus-run-session -- "$ROOT/scripts/lib/bench-session.sh"

step "Results"
"$VENV/bin/python" tests/bench/report.py artifacts/bench
