"""`python -m geo`: init, seed, check and their exit codes (a public interface: admins script it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from geo.cli import main
from geo.db import make_engine

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    from geo.db import get_engine

    get_engine.cache_clear()
    return url


def test_init_then_check_finds_only_the_planted_mirror_gap(db_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--flows-rows", "5000"]) == 0
    assert "filled with sample data" in capsys.readouterr().out
    assert main(["init"]) == 0  # idempotent
    assert "already filled" in capsys.readouterr().out
    # The sample's one planted mirror gap (Las Manos, 2023-2024: geo/flows/generate.py) is all `check` finds.
    assert main(["check"]) == 1
    problems = [line for line in capsys.readouterr().out.splitlines() if line.startswith("PROBLEM ")]
    planted = re.compile(r"PROBLEM crossing HND-NIC-03 \(Las Manos\): mirror gap Nicaragua → Honduras, 202[34]-")
    assert problems and all(planted.match(line) for line in problems), problems


def test_check_reports_a_misplaced_post_and_exits_1(db_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--flows-rows", "0"]) == 0
    engine = make_engine(db_env)
    with engine.begin() as conn:  # move El Amatillo (SLV) 30 km inland
        conn.execute(text("UPDATE posts SET lon = lon + 0.3 WHERE code = 'SLV-AMA'"))
    engine.dispose()
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM post SLV-AMA" in out
    assert "1 problem found" in out
    assert main(["check", "--lang", "es"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEMA puesto SLV-AMA" in out and "1 problema encontrado" in out
    assert "PROBLEM " not in out


def test_check_on_unmigrated_database_exits_2_saying_so(db_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2  # a database the command cannot use, like an unreachable one (geo.db_status)
    err = capsys.readouterr().err
    assert "lacks the app's tables" in err and "python -m geo init" in err and "cli.sqlite" in err


def test_seed_is_deterministic(db_env: str) -> None:
    assert main(["init", "--flows-rows", "3000"]) == 0
    engine = make_engine(db_env)

    def fingerprint() -> tuple:
        with engine.connect() as conn:
            return tuple(conn.execute(text(q)).one() for q in (
                "SELECT COUNT(*), SUM(count), SUM(unaccompanied_minors) FROM flow_counts",
                "SELECT COUNT(*), SUM(progress), SUM(budget_planned) FROM post_components",
                "SELECT COUNT(*), MIN(code), MAX(venue_name) FROM workshops",
                "SELECT COUNT(*), SUM(count) FROM assisted_returns",
            ))

    assert main(["seed", "--seed", "7", "--flows-rows", "3000", "--quiet"]) == 0
    first = fingerprint()
    assert main(["seed", "--seed", "8", "--flows-rows", "3000", "--quiet"]) == 0
    other = fingerprint()
    assert main(["seed", "--seed", "7", "--flows-rows", "3000", "--quiet"]) == 0
    assert fingerprint() == first
    assert other != first
    with engine.connect() as conn:  # real records are untouched by reseeding
        assert conn.execute(text("SELECT COUNT(*) FROM posts")).scalar_one() == 66
        assert conn.execute(text("SELECT COUNT(*) FROM projects")).scalar_one() == 2
    engine.dispose()


@pytest.mark.parametrize("argv", [[], ["bogus"], ["seed", "--seed", "x"], ["seed", "--flows-rows", "-5"]])
def test_usage_errors_exit_2(argv: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'u.sqlite'}"}
    result = subprocess.run([sys.executable, "-m", "geo", *argv], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "usage:" in result.stderr
