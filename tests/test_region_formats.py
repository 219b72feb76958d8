"""Numbers and dates as Guatemala, El Salvador, Honduras and Nicaragua write them (CLDR es_GT/es_SV/es_HN/es_NI):
1,234.5 and 36.8 %, never Spain's 1.234,5 / 36,8 %; day-first dates; Spanish month names, also on chart axes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import charts
from geo.access.auth import Actor
from geo.i18n import (
    fmt_compact,
    fmt_date,
    fmt_date_short,
    fmt_datetime,
    fmt_money,
    fmt_month,
    fmt_month_short,
    fmt_number,
    fmt_percent,
    month_ticks,
    plotly_separators,
)
from tests.support import page_elements

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "screens").glob("*.py") if not p.name.startswith("_"))
DAY = dt.date(2026, 11, 28)

# Spain's decimal comma: "60,34 M", "36,8 %", "1.234,5" (a comma followed by one or two digits, then no digit).
SPAIN_DECIMAL = re.compile(r"\d,\d{1,2}(?!\d)|\d\.\d{3},\d")
# English month names as written by plotly or strftime; case-sensitive, since Spanish writes "mar", "may".
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|"
                           r"June|July|August|September|October|November|December)\b(?=[ .,]*\d)")


# ------------------------------------------------------------------------------------------ the formatter
def test_spanish_numbers_are_the_regions() -> None:
    assert fmt_number(1234.5, "es", 1) == "1,234.5"
    assert fmt_number(1234567, "es") == "1,234,567"
    assert fmt_number(-0.5, "es", 1) == "-0.5"
    assert fmt_percent(36.8, "es", 1) == "36.8 %"
    assert fmt_compact(60_340_000, "es") == "60.34 M"
    assert fmt_money(81_500, "es", "USD") == "USD 81,500"
    for text in (fmt_number(1234.5, "es", 1), fmt_percent(36.8, "es", 1), fmt_compact(60_340_000, "es"),
                 fmt_money(12_345.5, "es", decimals=2)):
        assert not SPAIN_DECIMAL.search(text), text


def test_spanish_dates_are_day_first_with_spanish_months() -> None:
    assert fmt_date(DAY, "es") == "28/11/2026"  # one date style (fmt_date_short)
    assert fmt_date_short(DAY, "es") == "28/11/2026"
    assert fmt_datetime(dt.datetime(2026, 11, 28, 15, 5), "es") == "28/11/2026 09:05"  # stored UTC, shown UTC-6
    assert fmt_month(dt.date(2026, 9, 1), "es") == "septiembre 2026"
    assert fmt_month_short(pd.Timestamp("2026-01-01"), "es") == "ene 2026"


def test_english_formats() -> None:
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_percent(36.8, "en", 1) == "36.8 %"
    assert fmt_compact(60_340_000, "en") == "60.34 M"
    assert fmt_date(DAY, "en") == "28/11/2026"  # day first in both languages, as the date fields show it
    assert fmt_date_short(DAY, "en") == "28/11/2026"  # never the month-first 11/28/2026
    assert fmt_month(DAY, "en") == "November 2026"


def test_missing_values_show_a_dash() -> None:
    for value in (None, float("nan"), pd.NaT):
        assert fmt_number(value, "es") == "—"  # type: ignore[arg-type]
        assert fmt_date(value, "es") == "—"  # type: ignore[arg-type]


def test_plotly_separators_and_month_ticks() -> None:
    assert plotly_separators("es") == ".," and plotly_separators("en") == ".,"  # decimal, then thousands
    months = pd.date_range("2025-01-01", "2026-12-01", freq="MS")
    ticks = month_ticks(months, "es")
    assert len(ticks["tickvals"]) <= 12
    assert ticks["ticktext"][0] == "ene 2025" and "ene 2026" in ticks["ticktext"]
    assert not any(ENGLISH_MONTH.search(f"{text} 1") for text in ticks["ticktext"])
    axis = charts.date_axis(pd.date_range("2026-01-01", "2026-01-20"), "es")
    assert axis["ticktext"][0] == "1 ene" and axis["hoverformat"] == "%d/%m/%Y"


# ------------------------------------------------------------------------------------------ every page

def page_text(at: AppTest) -> tuple[str, list[dict]]:
    """What a reader sees: text elements, metrics, table cells; and the plotly figures' JSON."""
    parts: list[str] = []
    figures: list[dict] = []
    for node in page_elements(at):
        kind = type(node).__name__
        if kind == "Dataframe":
            frame = node.value
            parts += [str(c) for c in frame.columns]
            parts += [v for v in frame.to_numpy().ravel() if isinstance(v, str)]
            continue
        proto = getattr(node, "proto", None)
        spec = getattr(proto, "spec", None) if proto is not None else None
        if isinstance(spec, str) and spec.startswith("{") and '"layout"' in spec:
            figures.append(json.loads(spec))
            continue
        for attr in ("value", "label", "body"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                parts.append(value)
    return "\n".join(parts), figures


def _axes(figure: dict) -> list[tuple[str, dict]]:
    layout = figure.get("layout", {})
    return [(k, v) for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k) and isinstance(v, dict)]


@pytest.mark.parametrize("page", PAGES)
def test_spanish_page_shows_the_regions_formats(app_env: str, page: str) -> None:
    at = AppTest.from_file(str(REPO / page), default_timeout=90)
    at.query_params["lang"] = "es"
    at.session_state["actor"] = Actor("formats-test", "editor")  # editors see the most (audit, imports)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text, figures = page_text(at)
    text = re.sub(r"<[^>]*>", " ", text)  # legends' HTML swatches: rgb(230,159,0) is a colour, not a number
    spain = SPAIN_DECIMAL.search(text)
    assert not spain, f"{page}: Spain-style decimal in …{text[max(0, spain.start() - 60):spain.end() + 20]!r}"
    english = ENGLISH_MONTH.search(text)
    assert not english, f"{page}: English month in …{text[max(0, english.start() - 60):english.end() + 20]!r}"
    for figure in figures:
        layout = figure.get("layout", {})
        assert layout.get("separators") in (None, ".,"), f"{page}: separators {layout.get('separators')!r}"
        for name, axis in _axes(figure):
            if axis.get("type") == "date":
                # plotly's own date labels are English (its locales load from a CDN): the page writes them.
                assert axis.get("ticktext"), f"{page}: {name} is a date axis with plotly's English month labels"
                assert not any(ENGLISH_MONTH.search(f"{t} 1") for t in axis["ticktext"]), axis["ticktext"]


def test_month_charts_label_their_months_in_spanish() -> None:
    from geo.programme import returns as rt

    months = pd.date_range("2025-12-01", "2026-11-01", freq="MS")
    monthly = pd.DataFrame({"month": list(months) * 2, "direction": ["entry"] * 12 + ["exit"] * 12,
                            "count": range(1000, 1024)})
    profile = charts.post_monthly_flows(monthly, "es")
    series = pd.DataFrame({"month": list(months), "category": "trafficking_victim", "count": 10, "value": 10,
                           "small": False, "label": "10"})
    chart = rt.returns_chart(series, "es")
    for fig in (profile, chart):
        assert fig.layout.separators == ".,"
        ticks = list(fig.layout.xaxis.ticktext)
        assert ticks[0] == "dic 2025" and "ene 2026" in ticks, ticks
        assert fig.layout.xaxis.tickangle is None  # plotly angles them itself where they would collide (390 px)
    # The legend at the figure's foot (geo.charts' layout rule: above the plot its three rows covered the title on
    # a phone; plotly keeps the month labels and the axis title above it).
    assert chart.layout.legend.yref == "container" and chart.layout.legend.yanchor == "bottom"


def test_times_are_shown_in_the_regions_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored times are UTC (naive ones too); every time shown goes through fmt_datetime, in CA4_TIMEZONE."""
    from geo.access.audit import now
    from geo.config import SettingsError, settings

    monkeypatch.delenv("CA4_TIMEZONE", raising=False)
    assert settings().timezone == "America/Guatemala"
    late = dt.datetime(2026, 12, 1, 2, 30)  # 02:30 UTC on the 1st is 20:30 on 30 November in Guatemala
    assert fmt_datetime(late, "es", seconds=True) == "30/11/2026 20:30:00"
    assert fmt_datetime(pd.Timestamp(late), "en") == "30/11/2026 20:30"
    assert fmt_datetime(late.replace(tzinfo=dt.UTC), "en") == "30/11/2026 20:30"  # aware (PostgreSQL) alike
    stored = now()  # what every write path stores: naive UTC
    assert abs(stored.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    monkeypatch.setenv("CA4_TIMEZONE", "UTC")
    assert fmt_datetime(late, "es") == "01/12/2026 02:30"
    monkeypatch.setenv("CA4_TIMEZONE", "America/Tegucigalpa")
    assert fmt_datetime(late, "es") == "30/11/2026 20:30"
    for bad in ("Mars/Olympus", "GMT+25", "../../etc/passwd", "Guatemala"):
        monkeypatch.setenv("CA4_TIMEZONE", bad)
        with pytest.raises(SettingsError) as raised:
            settings()
        assert "CA4_TIMEZONE" in raised.value.message("en") and "IANA" in raised.value.message("en")


def test_data_as_of_is_the_regions_date(tmp_path: Path) -> None:
    """'Data as of' is the date in the region when the data were loaded, not UTC's (02:30 UTC is the evening
    before in Guatemala)."""
    from geo.db import make_engine, migrate
    from geo.models import DatasetState
    from geo.overview.figures import data_as_of
    from geo.programme import returns

    engine = make_engine(f"sqlite:///{tmp_path / 'asof.sqlite'}")
    migrate(engine)
    with engine.begin() as conn:
        for kind in ("flows", "assistance"):
            conn.execute(DatasetState.__table__.insert().values(kind=kind, updated_at=dt.datetime(2026, 12, 1, 2, 30),
                                                                source="sample", seed=1))
    assert data_as_of(engine) == dt.date(2026, 11, 30)
    assert returns.data_as_of(engine) == dt.date(2026, 11, 30)
    engine.dispose()


def test_the_audit_logs_date_filter_takes_the_regions_days(tmp_path: Path) -> None:
    """An entry shown as 30/11/2026 20:30 (stored 1 December 02:30 UTC) is in "until 30/11", not "since 1/12"."""
    from geo.db import make_engine, migrate
    from geo.models import AuditEntry
    from geo.quality import AuditFilters, audit_entries

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(AuditEntry.__table__.insert().values(at=dt.datetime(2026, 12, 1, 2, 30), username="vera",
                                                          action="update", entity="post", entity_key="GTM-TUM"))
    assert len(audit_entries(engine, AuditFilters(until=dt.date(2026, 11, 30)))) == 1
    assert len(audit_entries(engine, AuditFilters(since=dt.date(2026, 12, 1)))) == 0
    assert len(audit_entries(engine, AuditFilters(since=dt.date(2026, 11, 30), until=dt.date(2026, 11, 30)))) == 1
    engine.dispose()


def test_numbers_written_into_the_spanish_texts_follow_the_region() -> None:
    """Figures typed into the catalog's sentences (not through the formatter) are written as in Guatemala,
    El Salvador, Honduras and Nicaragua: 0.5 and 1,000, never Spain's 0,5 and 1.000."""
    from geo.i18n import STRINGS

    spain = re.compile(r"\d,\d(?!\d{2})|\b\d{1,3}\.\d{3}\b")
    wrong = {key: texts["es"] for key, texts in STRINGS.items() if spain.search(re.sub(r"\{[^}]*\}", "", texts["es"]))}
    assert wrong == {}


def test_the_status_matrix_writes_progress_with_the_one_formatter() -> None:
    """Its cells read '45 %' like every other percentage on the page (they read '45%')."""
    from geo.upgrades.charts import status_matrix

    frame = pd.DataFrame({"post_code": ["P1", "P1"], "post_name": ["Post", "Post"], "component_code": ["A", "B"],
                          "name_es": ["a", "b"], "name_en": ["a", "b"], "sort_order": [1, 2],
                          "status": ["operational", "delayed"], "progress": [100, 45], "overdue": [False, True]})
    for lang in ("es", "en"):
        cells = status_matrix(frame, lang, "t").data[0].text.tolist()[0]
        assert cells == ["100 %", "⚠ 45 %"], cells


def test_a_typed_figure_is_read_by_the_imports_rule_in_the_regions_style() -> None:
    """THE rule for a figure a person types into a form (geo.io.parsers.parse_typed): the import's cell rule
    (parse_numeric) in the region's style: 88,900.00 and 88,900 and 88900 are one amount; Spain's 88.900,00 is
    refused as the import refuses it, naming the text; the field's range applies; blank is nothing."""
    from geo.io.parsers import REGION_STYLE, parse_numeric, parse_typed
    from geo.upgrades.fields import UPGRADES
    from geo.workshops.fields import WORKSHOPS

    money = UPGRADES.field("budget_planned")
    for text in ("88,900.00", "88,900", "88900", " 88900.0 ", "88 900"):
        assert parse_typed(text, money) == (88900.0, None), text
    assert parse_typed("1,234,567.5", money) == (1234567.5, None)
    assert parse_typed("88.900,00", money) == (None, ("data.err.number", {"value": "88.900,00"}))
    assert parse_typed("ochenta", money)[1][0] == "data.err.number"
    assert parse_typed("-5", money)[1][0] == "data.err.negative"
    assert parse_typed("", money) == (None, None) and parse_typed(None, money) == (None, None)
    # The import reads a file written in the region's style with the very same rule and result.
    assert parse_numeric("88,900.00", money, False, REGION_STYLE) == parse_typed("88,900.00", money)
    count = WORKSHOPS.field("participants_migration_F")
    assert parse_typed("1,200", count) == (1200, None)  # a whole number with the region's thousands mark
    assert parse_typed("1.200", count)[1][0] == "data.err.grouping"  # Spain's mark: never read as 1.2
