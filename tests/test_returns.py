"""Assisted returns: their tables, chart, CSV, KPIs and page under the disclosure rule (geo.disclosure).

The rule itself, and the outsider's attack on it, are in test_disclosure.py; here each returns surface is
checked to read only published figures (or exact ones for staff who asked)."""

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

from geo import disclosure
from geo.access.auth import Actor
from geo.db import make_engine
from geo.models import RETURN_CATEGORIES, AssistedReturn
from geo.programme import returns as rt

REPO = Path(__file__).resolve().parent.parent
KEY = bytes(range(32))


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Base cells as returns_frame gives them: with each cell's published count."""
    frame = pd.DataFrame(rows, columns=["month", "country_iso3", "category", "count"])
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["published"] = disclosure.publish_cells(frame, rt.CELL_KIND, rt.CELL_COLUMNS, "count", KEY)
    return frame


def _small_frame(seed: int, months: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return _frame([(f"2025-{m:02d}-01", c, k, int(rng.poisson(rng.choice([1.5, 6, 20]))))
                   for m in range(1, months + 1) for c in ("GTM", "SLV", "HND", "NIC") for k in RETURN_CATEGORIES])


def _numbers(values) -> list[int]:
    out = []
    for v in values:
        text = str(v).replace(",", "")
        if text.isdigit():
            out.append(int(text))
    return out


def test_tables_are_sums_of_published_cells_and_add_up() -> None:
    frame = _small_frame(5)
    for by in ("month", "country_iso3"):
        table = rt.crosstab(frame, by)
        inner = table.drop(index=rt.TOTAL, columns=rt.TOTAL)
        assert (table[rt.TOTAL].drop(rt.TOTAL) == inner.sum(axis=1)).all()  # rows add up to their totals
        assert (table.loc[rt.TOTAL].drop(rt.TOTAL) == inner.sum(axis=0)).all()  # and columns too
        assert (table.to_numpy() % 5 == 0).all()
        shown = rt.table_text(table, "en")
        assert ((shown == "<5") == (table == 0)).all().all()
        exact = rt.crosstab(frame, by, exact=True)
        assert int(exact.at[rt.TOTAL, rt.TOTAL]) == int(frame["count"].sum())
        assert abs(int(table.at[rt.TOTAL, rt.TOTAL]) - int(frame["count"].sum())) <= disclosure.max_deviation(
            len(frame))


def test_public_csv_holds_only_published_figures_and_has_hxl() -> None:
    frame = _small_frame(9, months=2)
    data = rt.public_csv(frame).decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(data)))
    assert reader[0] == ["breakdown", "key", "category", "count"]
    assert reader[1][0].startswith("#") and reader[1][3] == "#affected+returned+num"
    counts = [r[3] for r in reader[2:]]
    assert "<5" in counts
    assert all(c == "<5" or (int(c) % 5 == 0 and int(c) >= 5) for c in counts)
    # The download holds exactly what the tables on the page show.
    table = rt.crosstab(frame, "country_iso3")
    for r in reader[2:]:
        if r[0] == "country":
            key = rt.TOTAL if r[1] == "total" else r[1]
            category = rt.TOTAL if r[2] == "total" else r[2]
            assert r[3] == disclosure.file_text(int(table.at[key, category]))
    exact = list(csv.reader(io.StringIO(rt.public_csv(frame, exact=True).decode("utf-8-sig"))))
    total = next(r for r in exact if r[:3] == ["country", "total", "total"])
    assert int(total[3]) == int(frame["count"].sum())


def test_chart_series_and_kpi_totals_follow_the_tables() -> None:
    frame = _small_frame(2)[lambda f: f["country_iso3"] == "SLV"]
    series = rt.monthly_public_series(frame)
    assert (series["count"] % 5 == 0).all()
    assert series["small"].equals(series["count"] == 0)
    fig = rt.returns_chart(series, "es")
    marks = [text for trace in fig.data for text in trace.text if text]
    assert set(marks) <= {"<5"} and len(marks) == int(series["small"].sum())
    hover = [h[0] for trace in fig.data for h in trace.customdata]
    assert all(h == "<5" or int(h.replace(",", "")) % 5 == 0 for h in hover)
    assert fig.layout.title.text == "Personas asistidas por mes y categoría"
    assert fig.layout.xaxis.title.text == "Mes" and fig.layout.yaxis.title.text == "Personas"
    totals = rt.public_category_totals(frame, "en")
    table = rt.table_text(rt.crosstab(frame, "country_iso3"), "en")
    assert totals["total"] == table.at[rt.TOTAL, rt.TOTAL]
    for category in RETURN_CATEGORIES:
        assert totals[category] == table.at[rt.TOTAL, category]


def test_no_records_reads_as_no_data_not_as_a_small_count() -> None:
    empty = _frame([])
    assert rt.public_category_totals(empty, "es") == {**dict.fromkeys(RETURN_CATEGORIES, "sin datos"),
                                                      "total": "sin datos"}
    assert rt.monthly_public_series(empty).empty
    # A country with records in one category only: the others read "no data", not "<5".
    one = _frame([("2025-01-01", "GTM", "other_vulnerable", 12)])
    shown = rt.table_text(rt.crosstab(one, "country_iso3"), "en")
    assert shown.at["GTM", "trafficking_victim"] == "no data" and shown.at["GTM", "other_vulnerable"] in ("10", "15")


def test_every_category_has_a_label() -> None:
    from geo.i18n import t

    for category, lang in itertools.product(RETURN_CATEGORIES, ("es", "en")):
        assert t(f"returns.category.{category}", lang)


def _small_cell(url: str) -> tuple[dt.date, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = pd.read_sql(select(AssistedReturn.month, AssistedReturn.country_iso3, AssistedReturn.count,
                                  AssistedReturn.category), conn)
    engine.dispose()
    small = rows[(rows["count"] < 5) & (rows["count"] > 0) & (rows["category"] == "trafficking_victim")].iloc[0]
    return pd.Timestamp(small["month"]).date(), small["country_iso3"]


def _projects_page(url: str, lang: str, actor: Actor | None = None, exact: bool = False) -> AppTest:
    month, country = _small_cell(url)
    at = AppTest.from_file(str(REPO / "screens/projects.py"), default_timeout=90)
    at.query_params.update({"lang": lang, "from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}", "country": country})
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if exact:
        next(w for w in at.toggle if w.key == "returns_exact").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["es", "en"])
def test_projects_page_shows_published_figures_only(app_env: str, lang: str) -> None:
    at = _projects_page(app_env, lang)
    assert not [w for w in at.toggle if w.key == "returns_exact"]  # a visitor has no way to exact figures
    tables = [d.value for d in at.dataframe]  # the portfolio and component lists are st.table
    assert tables, "the returns tables are shown"
    cells = [v for table in tables for column in table.columns[1:] for v in table[column]]
    assert all(n % 5 == 0 for n in _numbers(cells)), cells
    metrics = [m.value for m in at.metric]
    assert all(n % 5 == 0 for n in _numbers(metrics)), metrics
    assert any(c.value.startswith(("Counts of vulnerable", "Cifras de personas")) for c in at.caption)


def test_projects_page_gives_staff_exact_figures_on_request_labelled_restricted(app_env: str) -> None:
    month, country = _small_cell(app_env)
    engine = make_engine(app_env)
    true = rt.returns_frame(engine, month, month, (country,))
    engine.dispose()
    at = _projects_page(app_env, "en", Actor("coordinator", "editor"), exact=True)
    assert any("RESTRICTED" in w.value for w in at.warning)
    trafficking = next(m for m in at.metric if m.label == "Victims of trafficking")
    assert trafficking.value == str(int(true.loc[true["category"] == "trafficking_victim", "count"].sum()))
    assert 1 <= int(trafficking.value) <= 4  # the small cell itself, exact, for staff only
    viewer = _projects_page(app_env, "en", Actor("someone", "viewer"))
    assert not [w for w in viewer.toggle if w.key == "returns_exact"]
