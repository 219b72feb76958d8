"""Plotly figures built from DataFrames, labelled in the UI language."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo.i18n import fmt_month, t

DIRECTION_COLOURS = {"entry": "#0B5394", "exit": "#E69F00"}


def layout_defaults(fig: go.Figure, lang: str, height: int = 260) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        separators=",." if lang == "es" else ".,",  # decimal, thousands
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="white",
    )
    return fig


def post_monthly_flows(monthly: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars of entries and exits per month for one post."""
    fig = go.Figure()
    for direction in ("entry", "exit"):
        part = monthly[monthly["direction"] == direction]
        fig.add_bar(
            x=[fmt_month(pd.Timestamp(m).date(), lang) for m in part["month"]],
            y=part["count"], name=t(f"direction.{direction}", lang),
            marker_color=DIRECTION_COLOURS[direction],
        )
    fig.update_layout(barmode="stack", title=t("panel.flows", lang))
    fig.update_yaxes(title=t("panel.persons", lang), gridcolor="#e5e5e5")
    return layout_defaults(fig, lang)
