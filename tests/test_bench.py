"""`python -m geo bench`: its own database (built once, then reused, never the app's), a line per page
and query, and the last line in the agreed form. Timings are printed, not asserted."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from geo.cli import main
from geo.db import make_engine
from geo.models import DatasetState, FlowMonthly, FlowMonthRoute

LAST_LINE = re.compile(r"BENCH rows=3000 worst_page_p50_ms=\d+\.\d")
TIMING = re.compile(r"p50 +\d+\.\d ms +p90 +\d+\.\d ms")


def test_bench_uses_a_database_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("CA4_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", app_url)

    assert main(["bench", "--flows-rows", "3000", "--seed", "5", "--repeat", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert any(line.startswith("building ") for line in lines)
    for page in ("pages/flows.py", "pages/flows.py comparing", "pages/map.py"):
        timed = [line for line in lines if re.match(rf"page +{re.escape(page)} +p50", line)]
        assert len(timed) == 1 and TIMING.search(timed[0]), timed
    assert sum(1 for line in lines if line.startswith("query ") and TIMING.search(line)) >= 8

    path = tmp_path / "var" / "bench" / "flows-3000-seed5.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(select(func.sum(FlowMonthly.rows))).scalar_one() == 3000
        assert conn.execute(select(DatasetState.seed).where(DatasetState.kind == "flows")).scalar_one() == 5
        assert conn.execute(select(func.sum(FlowMonthRoute.count))).scalar_one() == conn.execute(
            select(func.sum(FlowMonthly.count))).scalar_one()
    engine.dispose()
    assert not (tmp_path / "app.sqlite").exists()  # the app's database was never opened
    assert os.environ["DATABASE_URL"] == app_url

    assert main(["bench", "--flows-rows", "3000", "--seed", "5", "--repeat", "1"]) == 0
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
    assert not (tmp_path / "bench").exists()
