# Shared by scripts/start.sh and scripts/test.sh: paths and an idempotent installer.
# Everything comes from the package registries (Debian, npm, crates.io, PyPI); nothing else is fetched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# One target dir outside the clone, so a fresh clone on the same machine reuses the build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
# CI builds once per run: incremental caches only grow the shared target dir (it filled a disk).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# One feature set for clippy, tests and the app binary: tauri is compiled once, not per step.
CARGO_FEATURES=(--features custom-protocol)
APP_BIN="$CARGO_TARGET_DIR/debug/gatehouse-desktop"
VENV="$HOME/.cache/gatehouse/venv"
export PATH="$HOME/.cargo/bin:$PATH"

BUILD_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev
  libxdo-dev libssl-dev pkg-config build-essential file dbus-x11 gnome-keyring xvfb xauth imagemagick xdotool)
# chromium: the UI's tests run in it (Vitest browser mode; Playwright drives Debian's build).
TEST_PACKAGES=(webkit2gtk-driver libsecret-tools keyutils x11-utils xclip python3-venv chromium)

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mError:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

check_toolchains() {
  command -v cargo >/dev/null || die "Rust (cargo) is missing. Install it with rustup (https://rustup.rs), then run this again."
  command -v node >/dev/null || die "Node.js 20.19 or newer is missing. Install it, then run this again."
  local major minor
  IFS=. read -r major minor _ <<<"$(node --version | tr -d v)"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    die "Node.js $(node --version) is too old: Vite needs 20.19 or newer."
  fi
}

# npm ci only when package-lock.json changed since the last install.
install_ui_dependencies() {
  local stamp="$ROOT/ui/node_modules/.gatehouse-lock.sha256"
  local want
  want="$(sha256sum "$ROOT/ui/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  step "Installing UI dependencies (npm ci)"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

install_nextest() {
  cargo nextest --version >/dev/null 2>&1 && return 0
  step "Installing cargo-nextest from crates.io"
  cargo install cargo-nextest --locked --quiet
}

install_cargo_machete() {
  command -v cargo-machete >/dev/null && return 0
  step "Installing cargo-machete from crates.io"
  cargo install cargo-machete --locked --quiet
}

install_cargo_deny() {
  command -v cargo-deny >/dev/null && return 0
  step "Installing cargo-deny from crates.io (~2.5 min once)"
  cargo install cargo-deny --version '^0.20' --locked --quiet
}

install_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  step "Installing tauri-driver from crates.io"
  cargo install tauri-driver --version '^2' --locked --quiet
}

# A virtualenv keyed by the requirement files' hash, reused across clones on this machine.
install_python_env() {
  local reqs=("$ROOT"/tests/*/requirements.txt "$ROOT"/crates/*/tests/*/requirements.txt)
  local want
  want="$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)"
  if [ -f "$VENV/.gatehouse-reqs.sha256" ] && [ "$(cat "$VENV/.gatehouse-reqs.sha256")" = "$want" ]; then
    return 0
  fi
  step "Creating the Python test environment"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  local args=()
  for r in "${reqs[@]}"; do args+=(-r "$r"); done
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${args[@]}"
  echo "$want" >"$VENV/.gatehouse-reqs.sha256"
}

build_ui() {
  step "Building the UI"
  (cd "$ROOT/ui" && npx vite build --logLevel warn)
}

build_app() {
  step "Building the app (first build takes several minutes)"
  (cd "$ROOT" && cargo build --locked "${CARGO_FEATURES[@]}" --bin gatehouse-desktop)
}

# What a person runs: optimised, stripped, no web inspector (the UI must be built first).
build_release_app() {
  step "Building the release app (a first release build takes about 10 minutes)"
  (cd "$ROOT" && cargo build --release --locked "${CARGO_FEATURES[@]}" --bin gatehouse-desktop)
}

# The release build and its Debian package, made by the Tauri CLI (from npm) with the UI built
# fresh. The AppImage is not built: Tauri's AppImage bundler downloads linuxdeploy from GitHub,
# which these machines cannot reach (only the package registries).
DEB_DIR="$CARGO_TARGET_DIR/release/bundle/deb"
RELEASE_BIN="$CARGO_TARGET_DIR/release/gatehouse-desktop"
build_package() {
  step "Building the release app and its .deb (a first release build takes about 10 minutes)"
  rm -rf "$DEB_DIR"
  (cd "$ROOT" && "$ROOT/ui/node_modules/.bin/tauri" build --ci --bundles deb -- --locked)
  DEB="$(ls "$DEB_DIR"/*.deb)"
  export DEB
}
