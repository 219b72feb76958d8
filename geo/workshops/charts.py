"""Plotly figures of the workshops page: participants over time, the binational pair matrix."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from geo import reference
from geo.charts import layout_defaults
from geo.i18n import fmt_number, t
from geo.models import AGENCIES, SEXES

AGENCY_COLOURS = {"migration": "#0072B2", "police": "#E69F00", "customs": "#009E73", "other": "#999999"}
SEX_COLOURS = {"F": "#CC79A7", "M": "#56B4E9", "U": "#BBBBBB"}


def quarter_label(year: int, quarter: int, lang: str) -> str:
    return t("ws.quarter", lang, year=year, q=quarter)


def quarters(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, quarter) from start to end, so quarters without workshops show as gaps."""
    out, year, quarter = [], start.year, (start.month - 1) // 3 + 1
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def by_quarter(participants: pd.DataFrame, column: str, values: tuple[str, ...],
               start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Quarter × value table of participant counts (summed in SQL already; this only pivots)."""
    table = pd.DataFrame(columns=list(values))
    if not participants.empty:
        table = participants.pivot_table(index=["year", "quarter"], columns=column, values="count", aggfunc="sum",
                                         fill_value=0)
    table = table.reindex(columns=list(values), fill_value=0)
    if start is not None and end is not None:
        index = pd.MultiIndex.from_tuples(sorted(set(quarters(start, end)) | set(table.index)),
                                          names=["year", "quarter"])
        table = table.reindex(index, fill_value=0)
    return table.sort_index().astype("int64")


def participants_chart(participants: pd.DataFrame, lang: str, by: str = "agency",
                       start: dt.date | None = None, end: dt.date | None = None) -> go.Figure:
    """Stacked bars of participants per quarter (every quarter of the period), by agency or by sex."""
    values, colours, prefix = ((AGENCIES, AGENCY_COLOURS, "agency") if by == "agency"
                               else (SEXES, SEX_COLOURS, "sex"))
    table = by_quarter(participants, by, values, start, end)
    x = [quarter_label(int(y), int(q), lang) for y, q in table.index]
    fig = go.Figure()
    for value in values:
        if table.empty or table[value].sum() == 0:
            continue
        fig.add_bar(x=x, y=table[value].tolist(), name=t(f"{prefix}.{value}", lang), marker_color=colours[value])
    fig.update_layout(barmode="stack", title=t(f"ws.chart.by_{by}", lang))
    fig.update_xaxes(title=t("ws.chart.quarter", lang), type="category", tickangle=-45)
    fig.update_yaxes(title=t("ws.chart.participants", lang), gridcolor="#e5e5e5")
    return layout_defaults(fig, lang, height=340)


def pair_matrix_chart(pairs: pd.DataFrame, lang: str) -> go.Figure:
    """Country × country heat map: workshops held per binational pair (cell text: workshops · participants).

    Cells of countries that share no border stay empty; the matrix is symmetric.
    """
    codes = sorted(set(pairs["iso_a"]) | set(pairs["iso_b"]), key=lambda c: (c not in reference.CA4, c))
    index = {c: i for i, c in enumerate(codes)}
    z = np.full((len(codes), len(codes)), np.nan)
    text = [["" for _ in codes] for _ in codes]
    for row in pairs.itertuples():
        for a, b in ((row.iso_a, row.iso_b), (row.iso_b, row.iso_a)):
            z[index[a], index[b]] = row.workshops
            text[index[a]][index[b]] = f"{row.workshops} · {fmt_number(row.participants, lang)}"
    names = [reference.country_name(c, lang) for c in codes]
    fig = go.Figure(go.Heatmap(
        # Country names across the top too, never ISO3 codes.
        z=z, x=names, y=names, text=text, texttemplate="%{text}", colorscale="Blues", zmin=0,
        hoverongaps=False, colorbar={"title": {"text": t("ws.chart.workshops", lang)}},
        hovertemplate=t("ws.chart.matrix_hover", lang) + "<extra></extra>",
    ))
    fig.update_layout(title=t("ws.chart.matrix", lang))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-30)  # names are longer than codes: slanted, they keep apart
    return layout_defaults(fig, lang, height=380)  # the title above the top axis's names: geo.charts' rule
