#!/usr/bin/env bash
# Build the one-folder bundle dist/lectern/ (runs on a machine without Python).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s .venv/.installed-stamp
.venv/bin/pip install -q "pyinstaller>=6.3,<7"
mkdir -p build
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/lectern.spec 2>&1 | tee build/pyinstaller.log
echo "Bundle: dist/lectern ($(du -sh dist/lectern | cut -f1)); check it with: dist/lectern/lectern --self-test"
