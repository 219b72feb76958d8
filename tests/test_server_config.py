"""Less work per view (issue 23): the server settings that cut a first view's server time, as Streamlit itself
reads them from the repository's .streamlit/config.toml (a misspelt option would be ignored with a warning)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "app.py", *sorted(REPO.glob("screens/*.py"))]

READ_OPTIONS = """
import json
from streamlit import config
print(json.dumps({name: config.get_option(name) for name in
                  ("server.fileWatcherType", "runner.postScriptGC", "runner.magicEnabled")}))
"""


def test_streamlit_reads_no_file_watching_no_forced_gc_no_magic() -> None:
    """What `streamlit run app.py` gets from the repository's config: no module watcher (it walked every
    imported module after each run), no gc.collect(2) after each run, no magic (each measured, README)."""
    done = subprocess.run([sys.executable, "-c", READ_OPTIONS], cwd=REPO, capture_output=True, text=True,
                          timeout=60, check=True)
    options = json.loads(done.stdout.strip().splitlines()[-1])
    assert options == {"server.fileWatcherType": "none", "runner.postScriptGC": False,
                       "runner.magicEnabled": False}, options


def _bare_expressions(source: str) -> list[tuple[int, str]]:
    """Statements that magic would have written to the page: expressions that are not calls, awaits or
    docstrings (the first string of a module, class or function)."""
    tree = ast.parse(source)
    docstrings = {id(body[0]) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr)
                  and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)}
    return [(node.lineno, ast.unparse(node)) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and id(node) not in docstrings
            and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))]


def test_no_page_relies_on_magic() -> None:
    """With magic off a bare expression shows nothing: no page may have one (it would have been st.write,
    which renders text as Markdown)."""
    assert _bare_expressions('"""doc"""\nimport streamlit as st\nst.title("x")\ndef f():\n    """doc"""\n') == []
    assert _bare_expressions('x = 1\nx\n"a string"\n') == [(2, "x"), (3, "'a string'")]
    found = {str(page.relative_to(REPO)): bare for page in PAGES
             if (bare := _bare_expressions(page.read_text(encoding="utf-8")))}
    assert found == {}, found
