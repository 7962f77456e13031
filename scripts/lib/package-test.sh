#!/usr/bin/env bash
# Runs inside `xvfb-run … dbus-run-session`: the .deb ($DEB) is what it says (name, version,
# dependencies, desktop entry, icons, binary), installs on this machine, the installed app opens
# its window on the demo, and it uninstalls cleanly. The release build has no web inspector.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
[ -f "${DEB:-}" ] || die "no package to test (DEB=${DEB:-})"
out="$ROOT/artifacts/package"
rm -rf "$out" && mkdir -p "$out"

step "Package: its control fields and files"
field() { dpkg-deb -f "$DEB" "$1"; }
name="$(field Package)"
version="$(field Version)"
depends="$(field Depends)"
want_version="$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')"
echo "package $name $version ($(du -h "$DEB" | cut -f1)), depends: $depends"
[ "$name" = "gatehouse" ] || die "package name is $name"
[ "$version" = "$want_version" ] || die "package version $version is not tauri.conf.json's $want_version"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  case "$depends" in *"$dep"*) ;; *) die "the package does not depend on $dep" ;; esac
done
dpkg-deb -c "$DEB" > "$out/contents.txt"
for path in usr/bin/gatehouse-desktop usr/share/applications/Gatehouse.desktop \
  usr/share/icons/hicolor/32x32/apps/gatehouse-desktop.png \
  usr/share/icons/hicolor/128x128/apps/gatehouse-desktop.png; do
  grep -q " $path\$" "$out/contents.txt" || die "the package has no $path"
done
dpkg-deb --fsys-tarfile "$DEB" | tar -xO usr/share/applications/Gatehouse.desktop > "$out/Gatehouse.desktop"
grep -qx 'Name=Gatehouse' "$out/Gatehouse.desktop" || die "the desktop entry is not named Gatehouse"
grep -qx 'Exec=gatehouse-desktop' "$out/Gatehouse.desktop" || die "the desktop entry does not start gatehouse-desktop"
grep -qx 'Icon=gatehouse-desktop' "$out/Gatehouse.desktop" || die "the desktop entry has no icon"
grep -qx 'Categories=Office;' "$out/Gatehouse.desktop" || die "the desktop entry is not in Office (tauri.conf.json: Business)"
[ "$(field Maintainer)" = "The Gatehouse developers" ] || die "the package has no maintainer"

step "Package: no web inspector in the release build"
# Tauri turns the inspector on in debug builds or with its `devtools` feature; release builds
# have neither.
features="$(cargo tree --locked "${CARGO_FEATURES[@]}" -e features -i tauri)"
grep -q 'tauri feature "default"' <<<"$features" || die "cargo tree did not list tauri's features"
if grep -q 'tauri feature "devtools"' <<<"$features"; then
  die "tauri's devtools feature is on: release builds would have the web inspector"
fi

step "Package: install it, open the installed app, uninstall it"
as_root dpkg -i "$DEB"
trap 'as_root dpkg -r "$name" >/dev/null 2>&1 || true' EXIT
installed="$(command -v gatehouse-desktop)"
[ "$installed" = /usr/bin/gatehouse-desktop ] || die "gatehouse-desktop is at $installed, not /usr/bin"
home="$(mktemp -d)"
mkdir -p "$home/run" && chmod 700 "$home/run"
XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
  XDG_RUNTIME_DIR="$home/run" /usr/bin/gatehouse-desktop > "$out/app.log" 2>&1 &
app=$!
window=""
for _ in $(seq 1 60); do
  sleep 1
  window="$(xdotool search --name '^Gatehouse$' 2>/dev/null | head -1 || true)"
  [ -n "$window" ] && break
  kill -0 "$app" 2>/dev/null || { cat "$out/app.log"; die "the installed app exited"; }
done
[ -n "$window" ] || { cat "$out/app.log"; die "the installed app's window did not appear within 60 s"; }
# The window's process is the installed binary.
pid="$(xdotool getwindowpid "$window")"
[ "$(readlink "/proc/$pid/exe")" = /usr/bin/gatehouse-desktop ] || die "the window is not the installed app's"
sleep 3
import -window root "$out/installed-app.png"
echo "the installed app's window is open: $out/installed-app.png"
kill "$app"
wait "$app" 2>/dev/null || true
rm -rf "$home"
as_root dpkg -r "$name"
trap - EXIT
[ ! -e /usr/bin/gatehouse-desktop ] || die "uninstalling left /usr/bin/gatehouse-desktop"
echo "installed, opened and removed: $DEB"
