"""Figures as the region reads them, on the pages themselves (issue 27): one percent style ('45 %'), no decimal
comma or Spain's grouping, no plotly 'M' ticks or '2M' totals, one date style ('18/07/2024', never '18 jul 2024' in
Spanish), tables whose figures are right-aligned and grouped, and a chart's 'save as PNG' never over its title."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import fmt_date, fmt_datetime
from geo.i18n.columns import NUMERIC_TEXT, column_styles

REPO = Path(__file__).resolve().parent.parent
PAGES = ("data", "flows", "infrastructure", "projects", "workshops")

PERCENT_GLUED = re.compile(r"\d%")  # '100%': the house style is '100 %' (geo.i18n.fmt_percent)
DECIMAL_COMMA = re.compile(r"\d,\d{1,2}(?!\d)|\d,\d{4,}")  # '0,5': Spain's decimal comma, never the region's
SPAIN_GROUPING = re.compile(r"\b\d{1,3}(\.\d{3})+ (hab|personas|cruces)")  # '1.000 hab.'
GLUED_COMPACT = re.compile(r"\d[MK]\b")  # '2M': a total is '32.56 M' (fmt_compact) or every digit
SPANISH_MONTH_DATE = re.compile(r"\b\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.? \d{4}\b")
ENGLISH_MONTH_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{4}\b")
PATTERNS = (PERCENT_GLUED, DECIMAL_COMMA, SPAIN_GROUPING, GLUED_COMPACT, SPANISH_MONTH_DATE, ENGLISH_MONTH_DATE)
# The pages the first scan did not cover, in both languages (the audit page: a signed-in editor's view).
MORE_PAGES = ("overview", "map", "present", "audit")


def _texts(at: AppTest) -> list[str]:
    out = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "success")
           for e in getattr(at, kind)]
    out += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    for frame in at.dataframe:
        out += [str(c) for c in frame.value.columns]
        out += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
    for chart in at.get("plotly_chart"):  # a chart's titles, notes and written tick labels
        layout = json.loads(chart.proto.spec).get("layout", {})
        out += [str(a.get("text", "")) for a in layout.get("annotations", [])]
        for key, part in layout.items():
            if key == "title" or key.startswith(("xaxis", "yaxis")):
                out += [str(part.get("title", {}).get("text", "")) if key != "title" else str(part.get("text", ""))]
                out += [str(text) for text in (part.get("ticktext") or [])] if key != "title" else []
    return out


@contextlib.contextmanager
def _database(url: str):
    """DATABASE_URL set to `url` while the pages run (a module fixture cannot use monkeypatch), then as it was."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


@pytest.fixture(scope="module")
def spanish_pages(app_db_url: str) -> dict[str, AppTest]:
    with _database(app_db_url):
        pages = {}
        for name in PAGES:
            at = AppTest.from_file(str(REPO / "screens" / f"{name}.py"), default_timeout=120)
            at.query_params["lang"] = "es"
            at.run()
            assert not at.exception, (name, [e.value for e in at.exception])
            pages[name] = at
        return pages


@pytest.mark.parametrize("name", PAGES)
def test_figures_and_dates_in_one_style(spanish_pages: dict[str, AppTest], name: str) -> None:
    texts = [text for text in _texts(spanish_pages[name]) if "<span" not in text]  # legends' own CSS
    assert len(texts) > 5
    for pattern in PATTERNS:
        found = [text for text in texts if pattern.search(text)]
        assert not found, (name, pattern.pattern, found[:3])


@pytest.fixture(scope="module")
def more_pages(app_db_url: str) -> dict[tuple[str, str], AppTest]:
    """The overview, the map page, the slides and the audit page, each run once per language."""
    from geo.access.auth import Actor

    with _database(app_db_url):
        from geo.overview.slides import SLIDES

        pages: dict[tuple[str, str], list[AppTest]] = {}
        for name in MORE_PAGES:
            for lang in ("es", "en"):
                for slide in range(1, len(SLIDES) + 1) if name == "present" else [None]:
                    at = AppTest.from_file(str(REPO / "screens" / f"{name}.py"), default_timeout=120)
                    at.query_params["lang"] = lang
                    if slide is not None:
                        at.query_params["slide"] = str(slide)
                    if name == "audit":
                        at.session_state["actor"] = Actor("ana", "editor")
                    at.run()
                    assert not at.exception, (name, lang, slide, [e.value for e in at.exception])
                    pages.setdefault((name, lang), []).append(at)
        return pages


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", MORE_PAGES)
def test_more_pages_write_figures_and_dates_in_one_style(more_pages: dict[tuple[str, str], list[AppTest]],
                                                         name: str, lang: str) -> None:
    """The overview, the map page, every slide and the audit page in both languages: no '45%', no decimal comma
    or Spain's grouping, no glued '2M', no date with a month name ('4 Dec 2026', '18 jul 2024': a date that is a
    value is 04/12/2026), and their tables' figures right-aligned."""
    runs = more_pages[name, lang]
    texts = [text for at in runs for text in _texts(at) if "<span" not in text and "<style" not in text]
    assert len(texts) > 3, (name, lang, texts)
    for pattern in PATTERNS:
        found = [text for text in texts if pattern.search(text)]
        assert not found, (name, lang, pattern.pattern, found[:3])
    for at in runs:
        _seen, misaligned = _figure_columns(at)
        assert not misaligned, (name, lang, misaligned)


def _figure_columns(at: AppTest) -> tuple[int, list[tuple[str, dict]]]:
    """(columns of figures seen, those neither right-aligned nor a number column) over a run's tables."""
    seen, misaligned = 0, []
    for element in at.dataframe:
        frame, config = element.value, json.loads(element.proto.columns or "{}")
        for column in frame.columns:
            values = frame[column].dropna()
            numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            textual = len(values) and values.astype(str).map(lambda v: bool(NUMERIC_TEXT.match(v))).all()
            if not (numeric or textual):
                continue
            seen += 1
            setting = config.get(str(column), {})
            if not (setting.get("type_config", {}).get("type") in ("number", "progress")
                    or setting.get("alignment") == "right"):
                misaligned.append((str(column), setting))
    return seen, misaligned


@pytest.mark.parametrize("name", PAGES)
def test_table_figures_are_right_aligned(spanish_pages: dict[str, AppTest], name: str) -> None:
    """Every column of figures (numbers, or text that is a figure every row: '20,000', '531 días') is right-
    aligned or a grouped number column: a page table that bypassed views.tables.table would fail here."""
    seen, misaligned = _figure_columns(spanish_pages[name])
    assert not misaligned, (name, misaligned)
    assert seen or name == "flows"  # the flows page shows charts, not tables


def test_the_alignment_check_catches_a_plain_dataframe() -> None:
    def script() -> None:
        import pandas as pd
        import streamlit as st

        from views.tables import table

        frame = pd.DataFrame({"Filas": ["20,000", "5"], "Puesto": ["Las Manos", "El Poy"]})
        st.dataframe(frame, hide_index=True)  # Streamlit's own: the figures as left-aligned text
        table(frame)

    at = AppTest.from_function(script, default_timeout=30)
    at.run()
    assert not at.exception
    _plain, through_views = at.dataframe
    assert _figure_columns(at) == (2, [("Filas", {})])
    assert json.loads(through_views.proto.columns)["Filas"]["alignment"] == "right"


@pytest.mark.parametrize("name", PAGES)
def test_charts_save_as_png_without_covering_titles(spanish_pages: dict[str, AppTest], name: str) -> None:
    """Every chart has plotly's toolbar with one button, 'save as PNG', named in Spanish, and the page carries the
    rule that gives the toolbar a band of its own above the figure (geo.charts.TOOLBAR_CSS), so it never covers
    a title; a chart drawn with plotly's whole default toolbar, or with none, fails here."""
    from geo.charts import TOOLBAR_CSS

    at = spanish_pages[name]
    charts = at.get("plotly_chart")
    for chart in charts:
        config = json.loads(chart.proto.config)
        assert config["modeBarButtons"] == [["toImage"]] and config.get("displayModeBar", True) is not False
        assert "Guardar como imagen PNG" in config["locales"][config["locale"]]["dictionary"].values()
    assert charts or name != "flows"  # the flows page opens on its series chart
    if charts:
        assert any(TOOLBAR_CSS in h.proto.body for h in at.get("html")), name


def test_chart_config_is_one_rule() -> None:
    """One place for the chart config: the toolbar's one button in each language, a 2x PNG named after the app;
    the slides (no app chrome) without any toolbar; no page writes a plotly config of its own."""
    from geo.charts import chart_config

    for lang, text in (("es", "Guardar como imagen PNG"), ("en", "Save as PNG image")):
        config = chart_config(lang)
        assert set(config["locales"][config["locale"]]["dictionary"].values()) == {text}
        assert config["toImageButtonOptions"]["format"] == "png" and config["displaylogo"] is False
    assert chart_config("es", save=False)["displayModeBar"] is False
    for path in sorted((REPO / "screens").glob("*.py")) + sorted((REPO / "views").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        calls = source.count(".plotly_chart(")
        assert source.count("config=chart_config(lang") == calls, path.name


def test_column_styles_group_and_align() -> None:
    frame = pd.DataFrame({"count": [1200, 5], "share": [26.3, 4.0], "km": [1.25, 3.0], "rows": ["20,000", "5"],
                          "late": ["531 días", "3 días"], "pct": ["45 %", "<5"], "of": ["24 / 46", "1 / 2"],
                          "date": ["04/12/2026", "05/12/2026"], "name": ["Las Manos", "El Poy"],
                          "ok": [True, False]})
    assert column_styles(frame) == {
        "count": ("number", "%,d"), "share": ("number", "%,.1f"), "km": ("number", "%,.2f"), "rows": ("right", ""),
        "late": ("right", ""), "pct": ("right", ""), "of": ("right", "")}


def test_one_date_style() -> None:
    """fmt_date is THE date style: the numeric day-first date in both languages, as tables and date fields show
    it; the same record never reads '18 jul 2024' (or '18 Jul 2024') on one screen and '18/07/2024' on another."""
    import datetime as dt

    day = dt.date(2024, 7, 18)
    assert fmt_date(day, "es") == "18/07/2024"
    assert fmt_datetime(dt.datetime(2024, 7, 18, 20, 5), "es").startswith("18/07/2024 ")
    assert fmt_date(day, "en") == "18/07/2024"
    assert fmt_datetime(dt.datetime(2024, 7, 18, 20, 5), "en") == "18/07/2024 14:05"  # the region's time (UTC-6)


def test_the_pair_matrix_names_its_columns() -> None:
    """The workshops' country × country matrix is headed by country names on both axes, never ISO3 codes."""
    from geo.workshops.charts import pair_matrix_chart

    pairs = pd.DataFrame({"iso_a": ["GTM", "HND"], "iso_b": ["SLV", "NIC"], "workshops": [2, 1],
                          "participants": [40, 1200]})
    heat = pair_matrix_chart(pairs, "es").to_plotly_json()["data"][0]
    assert list(heat["x"]) == list(heat["y"]) and "El Salvador" in heat["x"] and heat["texttemplate"] == "%{text}"
    assert not any(re.fullmatch(r"[A-Z]{3}", str(label)) for label in heat["x"])


def test_a_metric_change_never_wraps(spanish_pages: dict[str, AppTest]) -> None:
    """'+5.5 %' is one figure: the pages' style keeps a metric's change on one line (views/framework.py)."""
    styles = " ".join(element.proto.body for element in spanish_pages["flows"].get("html"))
    assert "[data-testid=stMetricDelta] div,[data-testid=stMetricDelta] p{white-space:nowrap}" in styles
