"""Streamlit's own words in the page's language (issue 27, part C): placeholders of every selectbox and
multiselect, the uploader's button and size line (and its limit: the import's, not Streamlit's 200 MB), day-first
date fields, and the browser tab's title."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.config import _import_max_mb
from geo.i18n import t
from tests.screenshot_checks import STREAMLIT_ENGLISH  # the one list of Streamlit's English words

REPO = Path(__file__).resolve().parent.parent
SOURCES = [*REPO.glob("screens/*.py"), *REPO.glob("views/*.py"), REPO / "ui.py", REPO / "app.py"]


def _widget_calls(name: str) -> list[tuple[str, ast.Call]]:
    calls = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                calls.append((f"{path.relative_to(REPO)}:{node.lineno}", node))
    return calls


@pytest.mark.parametrize("widget", ["selectbox", "multiselect"])
def test_every_choice_widget_passes_a_translated_placeholder(widget: str) -> None:
    calls = _widget_calls(widget)
    assert len(calls) >= 5
    for where, call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        assert "placeholder" in keywords, f"{where}: {widget} without placeholder= shows Streamlit's English"
        value = ast.unparse(keywords["placeholder"])
        assert value.startswith("t("), f"{where}: the placeholder must come from the catalogs, not {value}"


def test_every_date_field_is_day_first() -> None:
    calls = _widget_calls("date_input")
    assert calls
    for where, call in calls:
        keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
        assert keywords.get("format") in ("'DD/MM/YYYY'", "date_format"), where
    audit = (REPO / "screens" / "audit.py").read_text(encoding="utf-8")
    assert re.search(r'^date_format = "DD/MM/YYYY"', audit, re.MULTILINE)


def test_the_uploader_announces_the_imports_limit() -> None:
    calls = _widget_calls("file_uploader")
    assert calls
    for where, call in calls:
        assert "max_upload_size" in {k.arg for k in call.keywords}, where
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == _import_max_mb(None) == 50


def test_a_spanish_page_shows_no_streamlit_english(app_env: str) -> None:
    """The infrastructure page in Spanish (filters, a date, selectboxes): every placeholder is the catalog's,
    the uploader's and the date field's words are drawn from the catalog, and the tab title is Spanish."""
    at = AppTest.from_file(str(REPO / "screens" / "infrastructure.py"), default_timeout=90)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, at.exception
    placeholders = [w.proto.placeholder for w in [*at.selectbox, *at.multiselect]]
    assert len(placeholders) >= 2
    spanish = {t("widget.choose_one", "es"), t("widget.choose_many", "es"), t("filter.all", "es")}
    assert all(p in spanish for p in placeholders), placeholders
    styles = " ".join(element.proto.body for element in at.get("html"))
    drawn = re.findall(r'content:"([^"]*)"', styles)
    assert {"Subir archivo", "Hasta 50 MB por archivo", "aaaa"} <= set(drawn), drawn
    assert not any(word in text for word in STREAMLIT_ENGLISH for text in drawn)
    assert [d.proto.format for d in at.date_input] and all(d.proto.format == "DD/MM/YYYY" for d in at.date_input)


def test_the_tab_title_follows_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    import ui

    seen: list[str] = []
    monkeypatch.setattr(st, "set_page_config", lambda **kwargs: seen.append(kwargs["page_title"]))
    monkeypatch.setattr(ui, "framework_words", lambda language: None)
    for lang, title in (("es", "Monitor de Fronteras CA4"), ("en", t("app.title", "en"))):
        monkeypatch.setattr(ui, "lang", lambda lang=lang: lang)
        ui.page_config()
        assert seen[-1] == title
    assert seen[0] != seen[1]
