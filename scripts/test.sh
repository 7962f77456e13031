#!/usr/bin/env bash
# Command 2: install whatever is missing and run every test: Rust (fmt, clippy, unit and integration
# tests, bindings freshness, the real OS keyring), UI (type-check, lint, unit tests with an
# accessibility scan), the emulator against Meta's official SDK, and the real app end to end.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

check_toolchains
install_debian_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
install_ui_dependencies
install_nextest
install_tauri_driver
install_python_env
# The app crate embeds ui/dist at compile time, so the UI is built before any cargo step.
build_ui

step "Rust: format"
cargo fmt --all --check

step "Rust: clippy (warnings are errors)"
cargo clippy --workspace --all-targets "${CARGO_FEATURES[@]}" --locked -- -D warnings

# The emulator records the shape of every call it handles during the CLI's tests and the
# end-to-end tests (names only); the conformance step checks them against Meta's SDK.
CALL_LOG="$ROOT/artifacts/conformance/calls.jsonl"
rm -rf "$ROOT/artifacts/conformance" && mkdir -p "$ROOT/artifacts/conformance"
export CALL_LOG

step "Rust: tests"
cargo nextest run --workspace --exclude gatehouse-cli "${CARGO_FEATURES[@]}" --locked --no-fail-fast
GATEHOUSE_EMULATOR_CALL_LOG="$CALL_LOG" \
  cargo nextest run -p gatehouse-cli "${CARGO_FEATURES[@]}" --locked --no-fail-fast

step "Bindings and the endpoint table are up to date"
if ! git diff --exit-code -- ui/src/bindings.ts; then
  die "ui/src/bindings.ts was stale: tests/bindings.rs regenerated it. Commit the new file."
fi
if ! git diff --exit-code -- tests/conformance/endpoints.json; then
  die "tests/conformance/endpoints.json was stale: the endpoint table test regenerated it. Commit it."
fi

step "UI: type-check, lint, unit tests"
(cd ui && npx tsc --noEmit -p . && npx eslint --max-warnings 0 . && npx vitest run)

build_app
cargo build --locked -p gatehouse-emulator --bin gatehouse-emulator

step "Emulator: Meta's official Business SDK against it"
GATEHOUSE_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/gatehouse-emulator" \
  "$VENV/bin/pytest" -q -p no:cacheprovider crates/gatehouse-emulator/tests/sdk

step "Real keyring and end-to-end tests (Xvfb, D-Bus, GNOME Keyring, WebDriver)"
rm -rf "$ROOT/artifacts/e2e"
mkdir -p "$ROOT/artifacts/e2e"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp -noreset" dbus-run-session -- "$ROOT/scripts/lib/in-session.sh"

step "Conformance: every call of the client, and every call the CLI and end-to-end walks made, against Meta's official SDK"
GATEHOUSE_CONFORMANCE_CALLS="$CALL_LOG" "$VENV/bin/pytest" -q -p no:cacheprovider tests/conformance
