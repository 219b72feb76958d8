"""The house rules a newcomer relies on (README, "Map of the code"), checked instead of trusted:

- no module over 500 lines in the app (geo/, screens/, views/, bench/, ui.py, app.py): a module that
  grows past it holds two things;
- no import circles among geo's modules (module-level imports: an import inside a function is a deliberate
  late binding and is left out);
- the domain layer (geo/) never imports Streamlit: it runs and is tested without it;
- pages (screens/, views/) hold no SQL and no SQLAlchemy: they ask geo/.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = [*(REPO / "geo").rglob("*.py"), *(REPO / "screens").rglob("*.py"), *(REPO / "views").rglob("*.py"),
       *(REPO / "bench").rglob("*.py"), REPO / "ui.py", REPO / "app.py"]
MAX_LINES = 500


def _name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """The modules a file imports at module level (not inside a function or a TYPE_CHECKING block)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ([node] if not isinstance(node, ast.If | ast.Try) else ast.walk(node)):
            if isinstance(child, ast.Import):
                found |= {alias.name for alias in child.names}
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.add(child.module)
                found |= {f"{child.module}.{alias.name}" for alias in child.names}
    return found


def test_no_module_over_500_lines() -> None:
    long = {path.relative_to(REPO).as_posix(): n for path in APP
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these (a module past {MAX_LINES} lines holds two things): {long}"


def test_no_import_circles_in_the_domain_layer() -> None:
    modules = {_name(path): path for path in (REPO / "geo").rglob("*.py")}
    graph = {name: {m for m in _top_level_imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == [], cycles[:5]


def test_the_domain_layer_does_not_import_streamlit() -> None:
    importing = sorted(_name(path) for path in (REPO / "geo").rglob("*.py")
                       if any(m == "streamlit" or m.startswith("streamlit.") for m in _top_level_imports(path)))
    assert importing == []


def test_pages_hold_no_sql() -> None:
    pages = [*(REPO / "screens").rglob("*.py"), *(REPO / "views").rglob("*.py")]
    offending = sorted(path.relative_to(REPO).as_posix() for path in pages
                       if any(m.startswith("sqlalchemy") for m in _top_level_imports(path))
                       or "SELECT " in path.read_text(encoding="utf-8"))
    assert offending == []


def test_the_checks_above_can_fail(tmp_path: Path) -> None:
    """Each check finds what it looks for in a crafted file (so a pass means something)."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("import streamlit as st\nfrom sqlalchemy import text\nfrom geo import periods\n" + "x = 1\n" * 600)
    b.write_text("def f():\n    import streamlit\n")
    assert {"streamlit", "sqlalchemy", "sqlalchemy.text", "geo.periods"} <= _top_level_imports(a)
    assert _top_level_imports(b) == set()
    assert len(a.read_text().splitlines()) > MAX_LINES
