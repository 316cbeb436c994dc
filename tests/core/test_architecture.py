"""The layers are a rule the suite checks, read from the source (every import
statement, including those inside functions and under `if TYPE_CHECKING:`):
core/ never imports Qt or desktop/; inside core/ a module imports only from its
own layer or the layers below it; and no import cycle exists in core/ or desktop/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_PACKAGES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")
PACKAGE = "lectern"  # core/ and desktop/ are installed as lectern.core and lectern.desktop

# Lowest first. A module may import from its own layer and any layer before it.
# text is pure string work with no project imports, and the domain rules (citation
# keys, "same paper") are defined over rendered text, so text sits under domain.
CORE_LAYERS: list[set[str]] = [
    {"text"},
    {"domain"},
    {"store"},
    {"search"},
    {"library"},
    {"formats", "transfer", "identify", "fulltext"},
    {"sync"},
    {"cli"},
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def _imports(path: Path) -> set[str]:
    """Every module this file imports, absolute; `from pkg import name` also
    counts `pkg.name` (it may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _graph(top: str) -> dict[str, set[str]]:
    """Module -> the project modules it imports, for every module under `top`."""
    files = {_module_name(p): p for p in sorted((ROOT / top).rglob("*.py"))}
    assert files, f"{top}/ has no modules"
    return {name: {m for m in _imports(path) if m in files and m != name} for name, path in files.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")[1:]  # without the `lectern.` prefix
    if len(parts) < 2:
        return None  # the `core` package itself (its version) is below every layer
    for index, layer in enumerate(CORE_LAYERS):
        if parts[1] in layer:
            return index
    raise AssertionError(f"{module} is in no layer of CORE_LAYERS: add its package there")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of two or more modules (Tarjan), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_under_core_imports_qt_or_desktop() -> None:
    offenders = []
    files = sorted((ROOT / "core").rglob("*.py"))
    assert files, "core/ has no modules"
    for path in files:
        for name in _imports(path):
            if name.split(".")[0] in QT_PACKAGES or name.startswith(f"{PACKAGE}.desktop"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_core_modules_import_only_their_own_layer_or_lower() -> None:
    upward = []
    for module, imported in sorted(_graph("core").items()):
        mine = _layer(module)
        for other in sorted(imported):
            theirs = _layer(other)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{module} imports {other} (a higher layer)")
            if mine is None and theirs is not None:
                upward.append(f"{module} imports {other} (the core package must import no layer)")
    assert upward == []


def test_the_project_is_imported_by_its_installed_name_only() -> None:
    """`core` and `desktop` are folders, not import names: importing them bare would
    load a second copy of each module (or another distribution's `core`)."""
    bare = []
    for top in ("core", "desktop", "tests", "bench", "packaging"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for name in _imports(path):
                if name.split(".")[0] in ("core", "desktop", "resources"):
                    bare.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bare == []


def test_the_graph_sees_the_project_imports() -> None:
    """The checks above would pass on an empty graph: make sure they see the imports."""
    assert sum(len(imported) for imported in _graph("core").values()) > 50
    assert sum(len(imported) for imported in _graph("desktop").values()) > 20


def test_every_core_package_is_placed_in_a_layer() -> None:
    packages = {p.name for p in (ROOT / "core").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__"}
    assert packages | modules == set().union(*CORE_LAYERS)


def test_no_import_cycle_in_core_or_desktop() -> None:
    for top in ("core", "desktop"):
        assert _cycles(_graph(top)) == [], f"import cycle in {top}/"


def test_no_module_in_core_or_desktop_is_over_500_lines() -> None:
    files = [p for top in ("core", "desktop") for p in sorted((ROOT / top).rglob("*.py"))]
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in files
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500]
    assert long == []


def test_pyproject_installs_every_package_folder() -> None:
    """pyproject lists the installed packages by hand (package-dir mapping): a new
    folder left out would be missing from a wheel while every test still passed."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {
        ".".join([PACKAGE, *d.relative_to(ROOT).parts])
        for top in ("core", "desktop", "resources")
        for d in [ROOT / top, *(ROOT / top).rglob("*")]
        if d.is_dir() and (d / "__init__.py").exists()
    }
    assert listed == folders
