"""The benchmarks in bench/ (a tool over the app, outside geo/): each uses a database of its own (built once,
then reused, never the app's) and ends with its agreed last line. Timings are printed, not asserted."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.__main__ import main as bench_main
from bench.database import database_path
from geo.cli import main
from geo.db import make_engine
from geo.models import DatasetState, FlowMonthly, FlowMonthRoute

LAST_LINE = re.compile(r"BENCH rows=3000 worst_page_p50_ms=\d+\.\d")
TIMING = re.compile(r"p50 +\d+\.\d ms +p90 +\d+\.\d ms")


def test_server_bench_uses_a_database_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("CA4_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", app_url)

    assert main(["bench", "--flows-rows", "3000", "--seed", "5", "--repeat", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert any(line.startswith("building ") for line in lines)
    for page in ("screens/flows.py", "screens/flows.py comparing", "screens/map.py"):
        timed = [line for line in lines if re.match(rf"page +{re.escape(page)} +p50", line)]
        assert len(timed) == 1 and TIMING.search(timed[0]), timed
    assert sum(1 for line in lines if line.startswith("query ") and TIMING.search(line)) >= 8

    path = database_path(3000, 5)  # named by rows, seed and the generator's version
    assert path.parent == tmp_path / "var" / "bench" and path.name.startswith("flows-3000-seed5-v")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(select(func.sum(FlowMonthly.rows))).scalar_one() == 3000
        assert conn.execute(select(DatasetState.seed).where(DatasetState.kind == "flows")).scalar_one() == 5
        assert conn.execute(select(func.sum(FlowMonthRoute.count))).scalar_one() == conn.execute(
            select(func.sum(FlowMonthly.count))).scalar_one()
    engine.dispose()
    assert not (tmp_path / "app.sqlite").exists()  # the app's database was never opened
    assert os.environ["DATABASE_URL"] == app_url

    # `python -m bench server` is the same benchmark; the database is reused.
    assert bench_main(["server", "--flows-rows", "3000", "--seed", "5", "--repeat", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == f"reusing {path}"
    assert LAST_LINE.fullmatch(lines[-1])


def test_bench_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CA4_VAR_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as missing:
        main(["bench"])
    assert missing.value.code == 2
    assert main(["bench", "--flows-rows", "0"]) == 2
    assert main(["bench", "--flows-rows", "10", "--repeat", "0"]) == 2
    with pytest.raises(SystemExit) as negative:
        main(["bench", "--flows-rows", "-5"])
    assert negative.value.code == 2
    for argv in (["e2e"], ["e2e", "--flows-rows", "0"], ["e2e", "--flows-rows", "10", "--pages", "nowhere"],
                 ["e2e", "--flows-rows", "10", "--changes", "0"], ["server", "--flows-rows", "10", "--repeat", "0"]):
        with pytest.raises(SystemExit) as refused:
            bench_main(argv)
        assert refused.value.code == 2, argv
    assert not (tmp_path / "bench").exists()


def test_the_benchmark_leaves_the_domain_layer_and_patches_nothing() -> None:
    root = Path(__file__).resolve().parent.parent
    assert not (root / "geo" / "bench.py").exists()
    for source in (root / "bench").glob("*.py"):
        text = source.read_text()
        assert "local_script_runner" not in text and "._script_cache" not in text, source


@pytest.mark.browser
def test_e2e_benchmark_at_a_tiny_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: object,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """One user action on two pages (a filter pick on the flows page, a button on the slides), timed until
    drawn in Chromium; the output has the agreed shape. Every page's action list is checked against the pages'
    widgets below without a browser (a full run of every page is `python -m bench e2e`)."""
    from bench.e2e import run_e2e, summary_line

    monkeypatch.setenv("CA4_VAR_DIR", str(tmp_path / "var"))
    results, cold_ms = run_e2e(300, 3, changes=1, pages=("flows", "present"), browser=browser)
    assert [r.name for r in results] == ["flows", "present"] and cold_ms > 0
    for result in results:
        assert len(result.changes) == 1 and result.first_load_ms > 0
        # every change made the server send something (the rerun's deltas) and was drawn after the action
        assert all(s.drawn_ms > 0 and s.bytes_received > 0 for s in result.changes), result
        lines = result.lines()
        assert re.match(rf"page {result.name} +change drawn p50 +\d+ ms +p90 +\d+ ms", lines[0]), lines[0]
        assert re.search(r"received per change p50 +\d+\.\d KB", lines[1]), lines[1]
        assert re.search(r"first load drawn +\d+\.\d\d s", lines[2]), lines[2]
    out = capsys.readouterr().out
    assert re.search(r"flows change 1 \(pick filter\.country GTM\): drawn \d+ ms", out), out
    assert re.search(r"present change 1 \(button present_next\): drawn \d+ ms", out), out
    assert re.fullmatch(r"E2E rows=300 worst_change_drawn_p50_ms=\d+ first_load_drawn_s=\d+\.\d\d",
                        summary_line(300, results))


@pytest.mark.parametrize("name", ["flows", "map", "infrastructure", "workshops", "present"])
def test_every_e2e_action_names_a_widget_its_page_has(app_env: str, name: str) -> None:
    """The e2e benchmark finds its widgets by label (or key): each action of each page's list names a widget
    the page draws, so a renamed label breaks this test, not a benchmark run later."""
    from streamlit.testing.v1 import AppTest

    from bench.e2e import ACTIONS, PAGES
    from geo.i18n import t

    assert name in PAGES
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens" / f"{name}.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    picks = {w.label for w in at.multiselect}
    toggles = {w.label for w in [*at.toggle, *at.checkbox]}
    buttons = {w.key for w in at.button}
    for kind, key, _option in ACTIONS[name]:
        if kind == "pick":
            assert t(key, "en") in picks, (name, key, picks)
        elif kind == "toggle":
            prefix = t(key, "en").split("{")[0].strip()
            assert any(label.startswith(prefix) for label in toggles), (name, key, toggles)
        else:
            assert key in buttons, (name, key, buttons)
