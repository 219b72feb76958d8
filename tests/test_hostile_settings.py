"""Settings validated at start: a clear message naming the variable and the accepted values, in the app,
on every page run alone, and on the command line (exit code 2), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.config import SettingsError, settings

REPO = Path(__file__).resolve().parent.parent
BAD = [
    ("CA4_IMPORT_MAX_MB", "abc"), ("CA4_IMPORT_MAX_MB", "nan"), ("CA4_IMPORT_MAX_MB", "-1"),
    ("CA4_IMPORT_MAX_MB", "0"), ("CA4_IMPORT_MAX_MB", "inf"), ("CA4_IMPORT_MAX_MB", "1e9"),
    ("DATABASE_URL", "nonsense"), ("DATABASE_URL", "mysql://u:secret@host/db"), ("CA4_LANG", "fr"),
    ("CA4_REQUIRE_LOGIN", "maybe"),
]


@pytest.mark.parametrize(("variable", "value"), BAD)
def test_bad_settings_name_the_variable_and_the_accepted_values(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                                value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        settings()
    for lang in ("es", "en"):
        message = caught.value.message(lang)
        assert variable in message and ("secret" not in message)
    assert "Accepted" in caught.value.message("en") and "aceptados" in caught.value.message("es")


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("CA4_IMPORT_MAX_MB", " 12.5 ", 12.5), ("CA4_IMPORT_MAX_MB", "", 50.0), ("CA4_LANG", "EN", "en"),
    ("CA4_REQUIRE_LOGIN", "TRUE", True), ("CA4_REQUIRE_LOGIN", "", False), ("DATABASE_URL", "", None),
])
def test_good_settings_are_read(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: object) -> None:
    monkeypatch.setenv(variable, value)
    read = settings()
    got = {"CA4_IMPORT_MAX_MB": read.import_max_mb, "CA4_LANG": read.default_lang,
           "CA4_REQUIRE_LOGIN": read.require_login, "DATABASE_URL": None}[variable]
    assert got == expected
    assert read.database_url


def test_the_command_line_prints_the_message_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "CA4_IMPORT_MAX_MB": "abc", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "geo", "check"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "CA4_IMPORT_MAX_MB" in done.stderr and "abc" in done.stderr


@pytest.mark.parametrize("script", ["app.py", "screens/data.py", "screens/flows.py"])
def test_the_app_shows_the_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch, app_env: str,
                                                   script: str) -> None:
    monkeypatch.setenv("CA4_IMPORT_MAX_MB", "nan")
    at = AppTest.from_file(str(REPO / script), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "CA4_IMPORT_MAX_MB" in errors and "nan" in errors
