#!/usr/bin/env bash
# Install Lectern's menu entry and icons for this user (~/.local/share).
# Usage: packaging/install-desktop.sh [COMMAND]   (default: the bundle, dist/lectern/lectern)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
command=${1:-$here/dist/lectern/lectern}
mkdir -p "$data/applications"
sed "s|^Exec=lectern|Exec=$command|" "$here/packaging/lectern.desktop" > "$data/applications/lectern.desktop"
for size in 16 32 48 64 128 256; do
  install -Dm644 "$here/resources/icons/lectern-$size.png" "$data/icons/hicolor/${size}x${size}/apps/lectern.png"
done
install -Dm644 "$here/resources/icons/lectern.svg" "$data/icons/hicolor/scalable/apps/lectern.svg"
update-desktop-database "$data/applications" >/dev/null 2>&1 || true
echo "Installed $data/applications/lectern.desktop (runs: $command)"
