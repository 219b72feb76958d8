"""Translation completeness: every key in both languages with the same placeholders, every key the code
uses exists, and no page run in Spanish shows an English-only string (or the reverse)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf import json_format
from streamlit.testing.v1 import AppTest

from geo.i18n import LANGUAGES, STRINGS, fmt_date, fmt_month, fmt_number, t
from tests.support import page_elements

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "screens").glob("*.py") if not p.name.startswith("_"))
SOURCES = [*sorted((REPO / "geo").rglob("*.py")), *sorted((REPO / "screens").glob("*.py")),
           REPO / "app.py", REPO / "ui.py"]
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_+\-]+)+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    assert len(STRINGS) > 300
    for key, texts in STRINGS.items():
        for lang in LANGUAGES:
            assert texts.get(lang, "").strip(), f"{key} lacks {lang}"
        assert _fields(texts["es"]) == _fields(texts["en"]), f"{key}: placeholders differ between es and en"


def test_every_key_used_in_the_code_exists() -> None:
    missing = []
    for path in SOURCES:
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key not in STRINGS:
                missing.append(f"{path.relative_to(REPO)}: {key}")
    assert missing == []


def test_formats_follow_the_language() -> None:
    import datetime as dt

    assert fmt_number(1234.5, "es", 1) == "1,234.5"
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_date(dt.date(2026, 11, 22), "es") == "22/11/2026"
    assert fmt_date(dt.date(2026, 11, 22), "en") == "22/11/2026"
    assert fmt_month(dt.date(2026, 11, 1), "es") == "noviembre 2026"
    assert t("common.data_as_of", "es", date="22 nov 2026") == "Datos al 22 nov 2026"


# ------------------------------------------------------------------ pages show only their language
def _fragments(text: str) -> list[str]:
    """The fixed parts of a string (between placeholders) that are telling: a phrase of several words, or a
    capitalised word of 6+ letters (a lower-case single word could be a code identifier, e.g. 'longitude')."""
    parts = [p.strip(" .:·,;()–-\n") for p in re.split(r"\{[^}]*\}", text)]
    return [p for p in parts if (" " in p and len(p) >= 9) or (len(p) >= 6 and p[:1].isupper() and p.isalpha())]


def _only_in(lang: str) -> list[tuple[str, str]]:
    """(key, fragment) of strings in `lang` that appear in no string of the other language."""
    other = "en" if lang == "es" else "es"
    other_texts = "\n".join(v[other] for v in STRINGS.values())
    found = []
    for key, texts in STRINGS.items():
        # The language switch names each language in itself ("Español" on an English page): meant.
        if texts[lang] == texts[other] or key == "app.language_name":
            continue
        for fragment in _fragments(texts[lang]):
            if fragment not in other_texts and not fragment.isupper():
                found.append((key, fragment))
    return found


def _contains(text: str, fragment: str) -> bool:
    """The fragment as whole words (so 'Source' does not match inside 'getSourcePosition'). A plain substring
    test first: most fragments are absent, and a regex over a page with a map's data is 20 ms a fragment."""
    if fragment not in text:
        return False
    return re.search(rf"(?<![^\W\d_]){re.escape(fragment)}(?![^\W\d_])", text) is not None



def shown_text(at: AppTest) -> str:
    """The interface text a page put on screen: element protos (labels, help, chart specs) and table headers.

    Table cells are data (workshop titles, agency names typed by users), not interface text: left out.
    """
    parts = []
    for node in page_elements(at):
        if type(node).__name__ == "Dataframe":
            parts += [str(c) for c in node.value.columns]
            continue
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(json_format.MessageToJson(proto, ensure_ascii=False))
    # The maps' font family ('Source Sans', 'Source Sans Pro', ...) is not a label, and the charts' config names
    # plotly's own English tooltip only as the key of its translation (geo.charts.chart_config), never shows it.
    from geo.charts import PLOTLY_SAVE_TEXTS

    keys = "|".join(re.escape(text) for text in sorted(PLOTLY_SAVE_TEXTS, key=len, reverse=True))
    return re.sub(rf'Source Sans(?: Pro)?|(?:{keys})(?=\\?"\s*:)', "", "\n".join(parts))  # a key: "...":


def run_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / page), default_timeout=90)
    at.query_params["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_shows_no_string_of_the_other_language(app_env: str, page: str, lang: str) -> None:
    at = run_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    other = "en" if lang == "es" else "es"
    leaks = sorted({f"{key}: {fragment!r}" for key, fragment in _only_in(other) if _contains(text, fragment)})
    assert leaks == [], f"{page} in {lang} shows {other} text: {leaks[:10]}"


def test_the_leak_detector_finds_an_english_label(app_env: str, tmp_path: Path) -> None:
    """The check above is not vacuous: a page printing an English label in Spanish mode is caught."""
    page = tmp_path / "leaky.py"
    page.write_text("import streamlit as st\nfrom geo.i18n import t\n"
                    "st.title(t('ov.title', 'es'))\nst.caption(t('returns.caption', 'en'))\n"
                    "st.dataframe(__import__('pandas').DataFrame({t('returns.col.country', 'en'): [1]}))\n",
                    encoding="utf-8")
    at = AppTest.from_file(str(page), default_timeout=30).run()
    text = shown_text(at)
    keys = {key for key, fragment in _only_in("en") if _contains(text, fragment)}
    assert "returns.caption" in keys
    assert "returns.col.country" in keys
    assert "ov.title" not in keys


def test_kpi_frames_in_spanish_use_spanish_number_format(app_env: str) -> None:
    at = run_page("screens/overview.py", "es")
    values = [m.value for m in at.metric]
    assert values and not any(re.search(r"\d,\d{1,2}( |$)", v) for v in values)  # no 60,34 M / 36,8 %
    big = [v for v in values if re.fullmatch(r"\d{1,3}(,\d{3})+|\d{2,3}\.\d{2} M", v)]
    assert big, f"expected at least one thousands-separated figure in Spanish: {values}"
    assert pd.Series(values).str.contains("%").any()
