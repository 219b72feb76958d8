"""Assisted returns: aggregate counts by month, country of return and category. No personal data exists.

THE small-count rule for anything the public may see lives here, once: a count below
`SUPPRESS_BELOW` (5) is shown as "<5" (`public_count`). Every view, chart, KPI, CSV and brief of assisted
returns goes through `public_count` / `public_table`, never through the raw numbers.

A table that also shows its totals could give a hidden cell away by subtraction (total minus the visible
cells). `public_table` therefore applies complementary suppression: in any row or column with exactly one
hidden cell, the next smallest visible cell is hidden too, until no row or column has a lone hidden cell.
Such a cell is not below 5, so it reads "x" (hidden to protect another figure), never a false "<5".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from geo.access.auth import Actor
from geo.access.editing import Saved, save_record
from geo.i18n import MISSING, fmt_number, t
from geo.models import RETURN_CATEGORIES, AssistedReturn, DatasetState

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
COMPLEMENTARY = "x"  # hidden only so that a "<5" cannot be worked out from the totals
TOTAL = "__total__"


def is_suppressed(count: int | float | None) -> bool:
    """THE rule: a count below SUPPRESS_BELOW is not shown to the public (0 included: see module doc)."""
    return count is not None and count == count and int(count) < SUPPRESS_BELOW


def public_count(count: int | float | None, lang: str) -> str:
    """A count as the public may see it: '<5' when small, else the number in the language's format."""
    if count is None or count != count:
        return MISSING
    return SUPPRESSED if is_suppressed(count) else fmt_number(int(count), lang)


def public_value(count: int | float | None) -> int | None:
    """A count for a chart: None (not drawn) when suppressed."""
    if count is None or count != count or is_suppressed(count):
        return None
    return int(count)


# ------------------------------------------------------------------------------------------- queries
def returns_frame(engine: Engine, start: dt.date | None = None, end: dt.date | None = None,
                  countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """The raw aggregate rows (month, country_iso3, category, count, is_sample), for internal computation."""
    query = select(AssistedReturn.month, AssistedReturn.country_iso3, AssistedReturn.category,
                   AssistedReturn.count, AssistedReturn.is_sample)
    if start is not None:
        query = query.where(AssistedReturn.month >= start.replace(day=1))
    if end is not None:
        query = query.where(AssistedReturn.month <= end)
    if countries:
        query = query.where(AssistedReturn.country_iso3.in_(countries))
    with engine.connect() as conn:
        frame = pd.read_sql(query.order_by(AssistedReturn.month, AssistedReturn.country_iso3,
                                           AssistedReturn.category), conn)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype("int64")
    return frame


def month_span(engine: Engine) -> tuple[dt.date, dt.date] | None:
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(AssistedReturn.month), func.max(AssistedReturn.month))).one()
    return None if first is None else (first, last)


def data_as_of(engine: Engine) -> dt.date | None:
    with engine.connect() as conn:
        stamp = conn.execute(select(DatasetState.updated_at).where(DatasetState.kind == "assistance")).scalar()
    return stamp.date() if stamp is not None else None


def totals_by_category(frame: pd.DataFrame) -> dict[str, int]:
    """Raw totals per category (every category present, 0 when absent). Not for display: use public_count."""
    sums = frame.groupby("category")["count"].sum()
    return {c: int(sums.get(c, 0)) for c in RETURN_CATEGORIES}


# ------------------------------------------------------------------------------------ public tables
def crosstab(frame: pd.DataFrame, rows: str, columns: str = "category") -> pd.DataFrame:
    """Raw counts, rows × columns with a TOTAL row and column (every category as a column)."""
    table = frame.pivot_table(index=rows, columns=columns, values="count", aggfunc="sum", fill_value=0)
    if columns == "category":
        table = table.reindex(columns=list(RETURN_CATEGORIES), fill_value=0)
    table = table.astype("int64")
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    return table


def suppression_mask(table: pd.DataFrame) -> pd.DataFrame:
    """True where a cell of a table with TOTAL margins must be hidden (primary + complementary)."""
    hidden = table.map(is_suppressed)
    inner_rows = [r for r in table.index if r != TOTAL]
    inner_cols = [c for c in table.columns if c != TOTAL]
    changed = True
    while changed:
        changed = False
        # Each line (a row or a column, margins included) sums to its total cell; a lone hidden cell in
        # a line would be revealed by subtraction, so hide a second one: the smallest visible cell.
        lines = [[(r, c) for c in [*inner_cols, TOTAL]] for r in [*inner_rows, TOTAL]]
        lines += [[(r, c) for r in [*inner_rows, TOTAL]] for c in [*inner_cols, TOTAL]]
        for line in lines:
            flags = [bool(hidden.at[r, c]) for r, c in line]
            if sum(flags) == 1:
                visible = [(table.at[r, c], r, c) for (r, c), f in zip(line, flags, strict=True) if not f]
                if not visible:
                    continue
                _, r, c = min(visible, key=lambda v: (v[0], str(v[1]), str(v[2])))
                hidden.at[r, c] = True
                changed = True
    return hidden


def cell_text(count: int, hidden: bool, lang: str | None) -> str:
    """A table cell under the rule: '<5' (small), 'x' (complementary), else the number (plain when lang is
    None, for files)."""
    if hidden:
        return SUPPRESSED if is_suppressed(count) else COMPLEMENTARY
    return str(int(count)) if lang is None else fmt_number(int(count), lang)


def public_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A crosstab as the public sees it: strings; small cells '<5', complementary cells 'x'."""
    hidden = suppression_mask(table)
    out = table.astype(object).copy()
    for r in table.index:
        for c in table.columns:
            out.at[r, c] = cell_text(int(table.at[r, c]), bool(hidden.at[r, c]), lang)
    return out


def labelled_public_table(frame: pd.DataFrame, rows: str, lang: str, row_label: str,
                          row_format=None) -> pd.DataFrame:
    """public_table with translated headers and row labels, ready for st.dataframe or a CSV."""
    table = public_table(crosstab(frame, rows), lang)
    names = [t(f"returns.category.{c}", lang) if c != TOTAL else t("returns.total", lang) for c in table.columns]
    labels = [t("returns.total", lang) if r == TOTAL else (row_format(r) if row_format else str(r))
              for r in table.index]
    out = pd.DataFrame(table.to_numpy(), columns=names)
    out.insert(0, row_label, labels)
    return out


def monthly_public_series(frame: pd.DataFrame) -> pd.DataFrame:
    """month, category, count, shown (None when hidden), suppressed: the month × category table under the
    rule (complementary suppression included), in long form for a chart."""
    if frame.empty:
        return pd.DataFrame(columns=["month", "category", "count", "shown", "suppressed", "label"])
    table = crosstab(frame, "month")
    hidden = suppression_mask(table)
    rows = []
    for month in table.index:
        if month == TOTAL:
            continue
        for category in RETURN_CATEGORIES:
            count = int(table.at[month, category])
            rows.append({"month": month, "category": category, "count": count,
                         "shown": None if hidden.at[month, category] else count,
                         "suppressed": bool(hidden.at[month, category]),
                         "label": cell_text(count, bool(hidden.at[month, category]), None)})
    return pd.DataFrame(rows)


HXL = {"breakdown": "#meta+breakdown", "key": "#meta+key", "category": "#affected+category",
       "count": "#affected+returned+num"}


def public_csv(frame: pd.DataFrame, hxl: bool = True) -> bytes:
    """The two public tables (country × category and month × category, with totals) in long form, under
    the rule ('<5', complementary suppression), UTF-8 with BOM and an optional HXL hashtag row.

    It holds exactly what the page shows, so a download reveals nothing the view hides.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["breakdown", "key", "category", "count"])
    if hxl:
        writer.writerow([HXL["breakdown"], HXL["key"], HXL["category"], HXL["count"]])
    for breakdown, column in (("country", "country_iso3"), ("month", "month")):
        if frame.empty:
            continue
        table = crosstab(frame, column)
        hidden = suppression_mask(table)
        for key in table.index:
            key_text = "total" if key == TOTAL else (
                pd.Timestamp(key).strftime("%Y-%m") if breakdown == "month" else str(key))
            for category in table.columns:
                value = cell_text(int(table.at[key, category]), bool(hidden.at[key, category]), None)
                writer.writerow([breakdown, key_text, "total" if category == TOTAL else category, value])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def public_category_totals(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Per category and overall ('total'): the TOTAL row of the country table, under the same mask as the
    table (so a KPI never reveals what the table hides)."""
    if frame.empty:  # no records at all: nothing to count, nothing to hide
        return {**dict.fromkeys(RETURN_CATEGORIES, MISSING), "total": MISSING}
    table = crosstab(frame, "country_iso3")
    hidden = suppression_mask(table)
    out = {c: cell_text(int(table.at[TOTAL, c]), bool(hidden.at[TOTAL, c]), lang) for c in RETURN_CATEGORIES}
    out["total"] = cell_text(int(table.at[TOTAL, TOTAL]), bool(hidden.at[TOTAL, TOTAL]), lang)
    return out


CATEGORY_COLOURS = {"trafficking_victim": "#D55E00", "unaccompanied_minor": "#0072B2",
                    "other_vulnerable": "#009E73"}


def returns_chart(series: pd.DataFrame, lang: str):
    """Grouped bars per month and category from monthly_public_series: hidden cells are not drawn; their
    mark ('<5' or 'x') stands at the foot of the axis in their place, so the chart shows what the tables show."""
    import plotly.graph_objects as go

    from geo.charts import layout_defaults, month_label_axis
    from geo.i18n import fmt_month

    fig = go.Figure()
    for category in RETURN_CATEGORIES:
        part = series[series["category"] == category]
        name = t(f"returns.category.{category}", lang)
        # A hidden cell is a zero-height bar carrying its mark, so the mark sits in the bar's own slot.
        fig.add_bar(x=pd.to_datetime(part["month"]), y=part["shown"].fillna(0), name=name,
                    marker_color=CATEGORY_COLOURS[category],
                    text=[label if hidden else "" for hidden, label in zip(part["suppressed"], part["label"],
                                                                            strict=True)],
                    textposition="outside", cliponaxis=False, textfont={"color": CATEGORY_COLOURS[category]},
                    customdata=np.stack([
                        [label if hidden else fmt_number(c, lang) for hidden, c, label in
                         zip(part["suppressed"], part["count"], part["label"], strict=True)],
                        [fmt_month(m, lang) for m in part["month"]]], axis=-1) if len(part) else None,
                    hovertemplate="%{customdata[1]}<br>" + name + ": %{customdata[0]}<extra></extra>")
    layout_defaults(fig, lang, height=360)
    # The legend above the plot and short horizontal month labels ("ene 2026", "feb"): long rotated names
    # ran into a legend below the axis at 1280 px.
    fig.update_layout(barmode="group", title=t("returns.chart.title", lang),
                      xaxis_title=t("returns.chart.x", lang), yaxis_title=t("returns.chart.y", lang),
                      legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left"},
                      margin={"l": 10, "r": 10, "t": 80, "b": 10})
    fig.update_xaxes(**month_label_axis(series["month"], lang), tickangle=0)
    fig.update_yaxes(tickformat=",d")
    return fig


def save_return_count(target: Connection | Session, actor: Actor, month: dt.date, country_iso3: str, category: str,
                      given: Mapping[str, Any], *, at: dt.datetime | None = None) -> Saved:
    """THE write path of an assisted-returns count (month × country of return × category), audited."""
    key = f"{month.isoformat()}/{country_iso3}/{category}"
    return save_record(target, actor, AssistedReturn,
                       {"month": month, "country_iso3": country_iso3, "category": category}, given,
                       entity="assisted_return", key=key, defaults={"is_sample": False}, at=at)
