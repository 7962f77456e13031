#!/usr/bin/env bash
# Command 1: install whatever is missing, build, and open Gatehouse.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

check_toolchains
install_debian_packages "${BUILD_PACKAGES[@]}"
install_ui_dependencies
build_ui
build_release_app
APP_BIN="$RELEASE_BIN"

step "Opening Gatehouse"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # No screen (a server or CI): run on a virtual display and save what it shows.
  mkdir -p "$ROOT/artifacts"
  shot="$ROOT/artifacts/start.png"
  echo "No display found: running on a virtual 1280x800 display; a screenshot goes to $shot"
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp -noreset" dbus-run-session -- bash -c '
    "$1" & app=$!
    shown=0
    for _ in $(seq 1 60); do
      sleep 1
      if xdotool search --name "^Gatehouse$" >/dev/null 2>&1; then
        sleep 2; import -window root "$2"; echo "Window open: $2"; shown=1; break
      fi
    done
    [ $shown = 1 ] || echo "The Gatehouse window did not appear within 60 s." >&2
    wait $app' _ "$APP_BIN" "$shot"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$APP_BIN"
fi
exec "$APP_BIN"
