# PyInstaller hook for PySide6.QtGui: PyInstaller's own, minus Qt's GTK 3 platform-theme
# plugin. That plugin (platformthemes/libqgtk3.so) needs libgtk-3 and its stack (pango,
# cairo, atk, ...), which a minimal Debian lacks; Qt falls back to its own theme without it.
# Hooks in the spec's hookspath take priority over PyInstaller's built-in ones.
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

LEFT_OUT = ("libqgtk3.so",)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if not src.endswith(LEFT_OUT)]
