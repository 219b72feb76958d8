"""Assisted returns: the one small-count rule ('<5') in every public view and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from geo.db import make_engine
from geo.models import RETURN_CATEGORIES, AssistedReturn
from geo.programme import returns as rt

REPO = Path(__file__).resolve().parent.parent


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["month", "country_iso3", "category", "count"])
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


def test_the_rule() -> None:
    assert [rt.public_count(n, "en") for n in range(7)] == ["<5"] * 5 + ["5", "6"]
    assert rt.public_count(1234, "es") == "1,234"
    assert rt.public_count(1234, "en") == "1,234"
    assert rt.public_value(4) is None and rt.public_value(5) == 5
    assert rt.public_count(None, "es") == "—"


def _no_lone_hidden_cell(table: pd.DataFrame, hidden: pd.DataFrame) -> None:
    for r in table.index:
        assert hidden.loc[r].sum() != 1, f"row {r} has a lone hidden cell"
    for c in table.columns:
        assert hidden[c].sum() != 1, f"column {c} has a lone hidden cell"


def test_complementary_suppression_leaves_nothing_to_subtract() -> None:
    rng = np.random.default_rng(5)
    for _ in range(40):
        rows = [(f"2025-{m:02d}-01", c, k, int(rng.poisson(rng.choice([2, 6, 20]))))
                for m in range(1, 7) for c in ("GTM", "SLV") for k in RETURN_CATEGORIES]
        frame = _frame(rows)
        for by in ("month", "country_iso3"):
            table = rt.crosstab(frame, by)
            hidden = rt.suppression_mask(table)
            # Primary: every small cell hidden. Complementary: no line with exactly one hidden cell.
            assert (hidden | ~table.map(rt.is_suppressed)).all().all()
            _no_lone_hidden_cell(table, hidden)
            shown = rt.public_table(table, "en")
            small = table.map(rt.is_suppressed)
            # '<5' exactly where the count is small; 'x' exactly where a count of 5+ is hidden to protect it.
            assert ((shown == "<5") == small).all().all()
            assert ((shown == "x") == (hidden & ~small)).all().all()


def test_a_single_small_cell_cannot_be_recovered_from_the_totals() -> None:
    frame = _frame([("2025-01-01", "GTM", "trafficking_victim", 3), ("2025-01-01", "GTM", "unaccompanied_minor", 40),
                    ("2025-01-01", "GTM", "other_vulnerable", 60), ("2025-01-01", "HND", "trafficking_victim", 20),
                    ("2025-01-01", "HND", "unaccompanied_minor", 30), ("2025-01-01", "HND", "other_vulnerable", 50)])
    table = rt.public_table(rt.crosstab(frame, "country_iso3"), "en")
    gtm = table.loc["GTM"]
    assert gtm["trafficking_victim"] == "<5"
    # The row total is shown, so one more GTM cell must be hidden too; and the column likewise.
    assert gtm.isin(["<5", "x"]).sum() >= 2
    assert table["trafficking_victim"].isin(["<5", "x"]).sum() >= 2
    assert gtm["unaccompanied_minor"] == "x"  # the smallest other cell of the row: 40, hidden, not "<5"


def test_public_csv_holds_no_small_count_and_has_hxl() -> None:
    rng = np.random.default_rng(9)
    rows = [(f"2025-{m:02d}-01", c, k, int(rng.poisson(1.5))) for m in range(1, 3)
            for c in ("GTM", "SLV", "HND", "NIC") for k in RETURN_CATEGORIES]
    data = rt.public_csv(_frame(rows)).decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(data)))
    assert reader[0] == ["breakdown", "key", "category", "count"]
    assert reader[1][0].startswith("#") and reader[1][3] == "#affected+returned+num"
    counts = [r[3] for r in reader[2:]]
    assert "<5" in counts
    assert all(c in ("<5", "x") or int(c) >= 5 for c in counts)
    # The download holds exactly what the tables on the page show.
    table = rt.crosstab(_frame(rows), "country_iso3")
    hidden = rt.suppression_mask(table)
    for r in reader[2:]:
        if r[0] == "country":
            key = rt.TOTAL if r[1] == "total" else r[1]
            category = rt.TOTAL if r[2] == "total" else r[2]
            assert (r[3] in ("<5", "x")) == bool(hidden.at[key, category])
            assert (r[3] == "<5") == rt.is_suppressed(table.at[key, category])


def test_chart_series_and_kpi_totals_follow_the_tables() -> None:
    rng = np.random.default_rng(2)
    rows = [(f"2025-{m:02d}-01", "SLV", k, int(rng.poisson(4))) for m in range(1, 7) for k in RETURN_CATEGORIES]
    frame = _frame(rows)
    series = rt.monthly_public_series(frame)
    assert series["shown"].isna().equals(series["suppressed"])
    assert series.loc[series["suppressed"], "count"].min() >= 0
    assert all(v is None or v != v or v >= 5 for v in series["shown"])
    fig = rt.returns_chart(series, "es")
    drawn = [y for trace in fig.data for y in trace.y if y]
    assert all(y >= 5 for y in drawn)  # a hidden cell is a zero-height bar
    marks = [text for trace in fig.data for text in trace.text if text]
    assert set(marks) <= {"<5", "x"} and len(marks) == int(series["suppressed"].sum())
    hover = [h[0] for trace in fig.data for h in trace.customdata]
    assert all(h in ("<5", "x") or int(h.replace(",", "")) >= 5 for h in hover)
    assert fig.layout.title.text == "Personas asistidas por mes y categoría"
    assert fig.layout.xaxis.title.text == "Mes" and fig.layout.yaxis.title.text == "Personas"
    totals = rt.public_category_totals(frame, "en")
    table = rt.public_table(rt.crosstab(frame, "country_iso3"), "en")
    assert totals["total"] == table.at[rt.TOTAL, rt.TOTAL]
    for category in RETURN_CATEGORIES:
        assert totals[category] == table.at[rt.TOTAL, category]


def _small_cell(url: str) -> tuple[dt.date, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = pd.read_sql(select(AssistedReturn.month, AssistedReturn.country_iso3, AssistedReturn.count,
                                  AssistedReturn.category), conn)
    engine.dispose()
    small = rows[(rows["count"] < 5) & (rows["category"] == "trafficking_victim")].iloc[0]
    return pd.Timestamp(small["month"]).date(), small["country_iso3"]


def _numbers(values) -> list[int]:
    out = []
    for v in values:
        text = str(v).replace(".", "").replace(",", "")
        if text.isdigit():
            out.append(int(text))
    return out


@pytest.mark.parametrize("lang", ["es", "en"])
def test_projects_page_shows_small_counts_as_lt5(app_env: str, lang: str) -> None:
    month, country = _small_cell(app_env)
    at = AppTest.from_file(str(REPO / "pages/projects.py"), default_timeout=90)
    at.query_params.update({"lang": lang, "from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}", "country": country})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [d.value for d in at.dataframe]  # the portfolio and component lists are st.table
    assert tables, "the returns tables are shown"
    cells = [v for table in tables for column in table.columns[1:] for v in table[column]]
    assert "<5" in cells
    assert all(n >= 5 for n in _numbers(cells)), cells
    assert "<5" in [m.value for m in at.metric]
    assert all(n >= 5 for n in _numbers(m.value for m in at.metric))


def test_every_category_has_a_label() -> None:
    from geo.i18n import t

    for category, lang in itertools.product(RETURN_CATEGORIES, ("es", "en")):
        assert t(f"returns.category.{category}", lang)


def test_no_records_reads_as_no_data_not_as_a_small_count() -> None:
    empty = _frame([])
    assert rt.public_category_totals(empty, "es") == {**dict.fromkeys(RETURN_CATEGORIES, "—"), "total": "—"}
    assert rt.monthly_public_series(empty).empty
