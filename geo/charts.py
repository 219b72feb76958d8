"""Plotly figures built from DataFrames, labelled in the UI language."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo.i18n import fmt_month, month_abbr, month_ticks, plotly_separators, t

DIRECTION_COLOURS = {"entry": "#0B5394", "exit": "#E69F00"}
# The app's own font (Streamlit serves "Source Sans" with the page, no network): charts drawn with theme=None
# (the slides) name it, or plotly falls back to its "Open Sans"/Arial beside the page's text.
FONT_FAMILY = "'Source Sans', 'Source Sans Pro', sans-serif"
# Every st.plotly_chart passes this: plotly's toolbar (modebar) sits in a figure's top right corner, over titles
# and top legends whenever the pointer is on the chart; Streamlit's own toolbar (full screen) stays, above it.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}


def layout_defaults(fig: go.Figure, lang: str, height: int = 260) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        separators=plotly_separators(lang),  # decimal then thousands, from Babel: 1,234.5 in es_GT and en
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="white",
    )
    return fig


def date_axis(values: object, lang: str) -> dict:
    """A plotly date axis labelled in the page's language: month tick labels written here (plotly's own
    locales load from a CDN, so its built-in labels are always English), and a hover date with no month
    name in Spanish (28/11/2026)."""
    stamps = pd.to_datetime(pd.Series(list(values)), errors="coerce").dropna()  # type: ignore[call-overload]
    # The hover's d3 pattern is the catalog's (plotly's month names are English: Spanish writes 28/11/2026).
    axis: dict = {"type": "date", "hoverformat": t("format.chart_hover_date", lang)}
    if stamps.empty:
        return axis
    first, last = stamps.min(), stamps.max()
    if (last - first).days >= 60:
        months = pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS")
        axis.update(month_ticks(list(months), lang))
    else:  # a few weeks: a tick a week, day and month
        days = pd.date_range(first, last, freq="7D")
        axis.update(tickvals=[d.date().isoformat() for d in days],
                    ticktext=[f"{d.day} {month_abbr(d.month, lang)}" for d in days])  # a tick: '1 ene'
    return axis


def month_label_axis(months: object, lang: str) -> dict:
    """Tick labels for an axis of month starts drawn as dates: 'nov 2026' style in the page's language."""
    return {"type": "date", **month_ticks(list(months), lang),  # type: ignore[call-overload]
            "hoverformat": "%m/%Y"}


def post_monthly_flows(monthly: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars of entries and exits per month for one post."""
    fig = go.Figure()
    for direction in ("entry", "exit"):
        part = monthly[monthly["direction"] == direction]
        fig.add_bar(
            x=pd.to_datetime(part["month"]), y=part["count"], name=t(f"direction.{direction}", lang),
            marker_color=DIRECTION_COLOURS[direction],
            customdata=[fmt_month(m, lang) for m in part["month"]],
            hovertemplate="%{customdata}<br>%{y:,.0f}<extra>" + t(f"direction.{direction}", lang) + "</extra>",
        )
    fig.update_layout(barmode="stack", title=t("panel.flows", lang))
    fig.update_yaxes(title=t("panel.persons", lang), gridcolor="#e5e5e5", tickformat=",d")
    # Month tick labels written in the page's language, horizontal ("ene 2026", "abr", ...).
    fig.update_xaxes(**month_label_axis(monthly["month"], lang), tickangle=0)
    return layout_defaults(fig, lang)
