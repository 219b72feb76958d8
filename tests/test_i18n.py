"""Every string has both languages; numbers and dates follow the language's format."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from geo import i18n
from geo.i18n import LANGUAGES, STRINGS, fmt_date, fmt_number, t

REPO = Path(__file__).resolve().parent.parent


def test_every_key_has_every_language() -> None:
    for key, texts in STRINGS.items():
        for lang in LANGUAGES:
            assert texts.get(lang), f"{key} lacks {lang}"


def test_placeholders_match_between_languages() -> None:
    for key, texts in STRINGS.items():
        fields = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES}
        assert fields["es"] == fields["en"], f"{key}: placeholders differ {fields}"


def test_keys_used_in_code_exist() -> None:
    """Every literal t("key", ...) in the code names a defined key."""
    sources = [*REPO.glob("*.py"), *REPO.glob("pages/*.py"), *REPO.glob("geo/**/*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.+\-]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in STRINGS)
    assert not missing, f"keys used but not defined: {missing}"


def test_duplicate_key_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fakei18n"
    package.mkdir()
    (package / "a.py").write_text('STRINGS = {"x": {"es": "x", "en": "x"}}')
    (package / "b.py").write_text('STRINGS = {"x": {"es": "y", "en": "y"}}')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(i18n, "__path__", [str(package)])
    monkeypatch.setattr(i18n, "__name__", "fakei18n")
    with pytest.raises(ValueError, match="defined twice"):
        i18n._load()


def test_number_and_date_formats() -> None:
    assert fmt_number(1234.5, "es", 1) == "1,234.5"  # es_GT, not Spain's 1.234,5
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_number(1234567, "es") == "1,234,567"
    assert fmt_number(None, "en") == "—"
    assert fmt_date(dt.date(2026, 11, 22), "es") == "22 nov 2026"
    assert fmt_date(dt.date(2026, 11, 22), "en") == "22 Nov 2026"


def test_language_changes_text() -> None:
    assert t("app.title", "es") != t("app.title", "en")
    assert t("app.title", "xx") == t("app.title", "es")  # unknown language falls back to Spanish


def test_compact_figures_fit_a_card() -> None:
    from geo.i18n import fmt_compact

    assert fmt_compact(53_545_612, "es") == "53.55 M"
    assert fmt_compact(53_545_612, "en") == "53.55 M"
    assert fmt_compact(9_999_999, "es") == "9,999,999"  # every digit below ten million
