"""Assisted returns: aggregate counts by month, country of return and category. No personal data exists.

Their counts are among the most sensitive the project holds: every public view, chart, KPI, CSV and brief
reads the `published` column (geo.disclosure: random rounding to base 5 of each month x country x category
cell, totals summed from the cells); staff views may read the exact `count`, labelled as restricted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from geo import disclosure
from geo.i18n import local_time, t
from geo.models import RETURN_CATEGORIES, AssistedReturn, DatasetState

TOTAL = "__total__"
CELL_KIND = "returns"  # the base cells' name in the disclosure key
CELL_COLUMNS = ("month", "country_iso3", "category")


def value_column(exact: bool) -> str:
    """The column a view reads: the exact count for staff, the published one for everyone else."""
    return "count" if exact else "published"


# ------------------------------------------------------------------------------------------- queries
def returns_frame(engine: Engine, start: dt.date | None = None, end: dt.date | None = None,
                  countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """The stored base cells (month, country_iso3, category, count, is_sample) with each cell's `published`
    count (geo.disclosure). Public views read `published` only, through the functions below."""
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
    frame["published"] = disclosure.publish_cells(frame, CELL_KIND, CELL_COLUMNS, "count",
                                                  disclosure.cell_key(engine))
    return frame


def month_span(engine: Engine) -> tuple[dt.date, dt.date] | None:
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(AssistedReturn.month), func.max(AssistedReturn.month))).one()
    return None if first is None else (first, last)


def data_as_of(engine: Engine) -> dt.date | None:
    with engine.connect() as conn:
        stamp = conn.execute(select(DatasetState.updated_at).where(DatasetState.kind == "assistance")).scalar()
    return local_time(stamp).date() if stamp is not None else None  # the region's date of a UTC stamp


# ------------------------------------------------------------------------------------------- tables
def crosstab(frame: pd.DataFrame, rows: str, columns: str = "category", exact: bool = False) -> pd.DataFrame:
    """rows x columns with a TOTAL row and column, summed from the base cells (published unless `exact`).
    A combination with no record is NaN ('no data'), not 0; a total of nothing but NaN is NaN."""
    table = frame.pivot_table(index=rows, columns=columns, values=value_column(exact), aggfunc="sum")
    if columns == "category":
        table = table.reindex(columns=list(RETURN_CATEGORIES))
    table = table.astype("float64")
    table[TOTAL] = table.sum(axis=1, min_count=1)
    table.loc[TOTAL] = table.sum(axis=0, min_count=1)
    return table


def _int_or_none(value: float) -> int | None:
    return None if value != value else int(value)


def table_text(table: pd.DataFrame, lang: str, exact: bool = False) -> pd.DataFrame:
    """A crosstab as strings: 'sin datos', '<5' (a published 0) or the number."""
    return table.map(lambda v: disclosure.text(_int_or_none(v), lang, exact)).astype(object)


def labelled_public_table(frame: pd.DataFrame, rows: str, lang: str, row_label: str,
                          row_format=None, exact: bool = False) -> pd.DataFrame:
    """The crosstab with translated headers and row labels, ready for st.dataframe."""
    table = table_text(crosstab(frame, rows, exact=exact), lang, exact)
    names = [t(f"returns.category.{c}", lang) if c != TOTAL else t("returns.total", lang) for c in table.columns]
    labels = [t("returns.total", lang) if r == TOTAL else (row_format(r) if row_format else str(r))
              for r in table.index]
    out = pd.DataFrame(table.to_numpy(), columns=names)
    out.insert(0, row_label, labels)
    return out


def monthly_public_series(frame: pd.DataFrame, exact: bool = False) -> pd.DataFrame:
    """month, category, count (what is drawn), value (None: no record), small (a published 0 with records
    behind it), label: the month x category table in long form for a chart."""
    columns = ["month", "category", "count", "value", "small", "label"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    table = crosstab(frame, "month", exact=exact)
    rows = []
    for month in table.index:
        if month == TOTAL:
            continue
        for category in RETURN_CATEGORIES:
            value = _int_or_none(table.at[month, category])
            rows.append({"month": month, "category": category, "count": value or 0, "value": value,
                         "small": value == 0 and not exact,
                         "label": disclosure.file_text(value, exact)})
    return pd.DataFrame(rows, columns=columns)


HXL = {"breakdown": "#meta+breakdown", "key": "#meta+key", "category": "#affected+category",
       "count": "#affected+returned+num"}


def public_csv(frame: pd.DataFrame, hxl: bool = True, exact: bool = False) -> bytes:
    """The two tables (country x category and month x category, with totals) in long form, as the page
    shows them ('<5' for a published 0, '' for no record), UTF-8 with BOM and an optional HXL hashtag row.

    It holds exactly what the page shows, so a download reveals nothing the view does not."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["breakdown", "key", "category", "count"])
    if hxl:
        writer.writerow([HXL["breakdown"], HXL["key"], HXL["category"], HXL["count"]])
    for breakdown, column in (("country", "country_iso3"), ("month", "month")):
        if frame.empty:
            continue
        table = crosstab(frame, column, exact=exact)
        for key in table.index:
            key_text = "total" if key == TOTAL else (
                pd.Timestamp(key).strftime("%Y-%m") if breakdown == "month" else str(key))
            for category in table.columns:
                value = disclosure.file_text(_int_or_none(table.at[key, category]), exact)
                writer.writerow([breakdown, key_text, "total" if category == TOTAL else category, value])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def category_values(frame: pd.DataFrame, exact: bool = False) -> dict[str, int | None]:
    """Per category and overall ('total'): the sums of the base cells (None where there is no record)."""
    column = value_column(exact)
    out: dict[str, int | None] = {}
    for category in RETURN_CATEGORIES:
        part = frame.loc[frame["category"] == category, column]
        out[category] = int(part.sum()) if len(part) else None
    out["total"] = int(frame[column].sum()) if len(frame) else None
    return out


def public_category_totals(frame: pd.DataFrame, lang: str, exact: bool = False) -> dict[str, str]:
    """category_values as text: the same figures as the TOTAL row of every table."""
    return {k: disclosure.text(v, lang, exact) for k, v in category_values(frame, exact).items()}


CATEGORY_COLOURS = {"trafficking_victim": "#D55E00", "unaccompanied_minor": "#0072B2",
                    "other_vulnerable": "#009E73"}


def returns_chart(series: pd.DataFrame, lang: str, exact: bool = False):
    """Grouped bars per month and category from monthly_public_series: a published 0 is a zero-height bar
    carrying '<5' at the foot of the axis, so the chart shows what the tables show."""
    import plotly.graph_objects as go

    from geo.charts import layout_defaults, month_label_axis
    from geo.i18n import fmt_month

    fig = go.Figure()
    for category in RETURN_CATEGORIES:
        part = series[series["category"] == category]
        name = t(f"returns.category.{category}", lang)
        fig.add_bar(x=pd.to_datetime(part["month"]), y=part["count"], name=name,
                    marker_color=CATEGORY_COLOURS[category],
                    text=[disclosure.SMALL if small else "" for small in part["small"]],
                    textposition="outside", cliponaxis=False, textfont={"color": CATEGORY_COLOURS[category]},
                    customdata=np.stack([
                        [disclosure.text(None if v is None or v != v else int(v), lang, exact)
                         for v in part["value"]],
                        [fmt_month(m, lang) for m in part["month"]]], axis=-1) if len(part) else None,
                    hovertemplate="%{customdata[1]}<br>" + name + ": %{customdata[0]}<extra></extra>")
    # The legend under the chart and its axis title (geo.charts' layout rule); short month labels ("ene 2026",
    # "feb") that plotly angles by itself where they would collide (a phone), horizontal where they fit.
    layout_defaults(fig, lang, height=360)
    fig.update_layout(barmode="group", title_text=t("returns.chart.title", lang),
                      xaxis_title=t("returns.chart.x", lang), yaxis_title=t("returns.chart.y", lang))
    fig.update_xaxes(**month_label_axis(series["month"], lang))
    fig.update_yaxes(tickformat=",d")
    return fig
