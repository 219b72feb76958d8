"""Presentation mode (?present=1): the slide sequence, its navigation rule and projector-sized figures.

Slides: the month's highlights → overview KPIs → map → flows → infrastructure → coverage. Everything is
drawn offline (pydeck with no basemap, plotly bundled with Streamlit). Sizes are set for a 1920×1080 projector.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo import reference
from geo.charts import DIRECTION_COLOURS
from geo.i18n import fmt_month_short, plotly_separators, t
from geo.models import COMPONENT_STATUSES
from geo.upgrades.workflow import STATUS_COLOURS

SLIDES = ("highlights", "kpis", "map", "flows", "infrastructure", "coverage")
AUTO_CHOICES = (0, 15, 30, 60)  # seconds per slide; 0: manual
FONT_SIZE = 22
INK = "#0B1F33"

# Static CSS (no data inside): no sidebar, header or menus; large type; high contrast.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], #MainMenu, footer
  { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container
  { padding: 1.2rem 2.5rem 1rem 2.5rem !important; max-width: 100% !important; }
[data-testid="stApp"] { background: #FFFFFF; color: #000000; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.45rem; color: #000; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *
  { font-size: 1.3rem !important; color: #1A1A1A !important; opacity: 1 !important; }
h1 { font-size: 2.9rem !important; color: #0B1F33 !important; padding: 0 !important; }
h2 { font-size: 2.2rem !important; color: #0B1F33 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.55rem !important; color: #000 !important; font-weight: 600; }
[data-testid="stMetricValue"] p, [data-testid="stMetricValue"]
  { font-size: 4.2rem !important; line-height: 1.15 !important; color: #0B1F33 !important; font-weight: 800; }
[data-testid="stMetricDelta"] p, [data-testid="stMetricDelta"] { font-size: 1.4rem !important; }
[data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"] { min-height: 3rem; }
[data-testid="stBaseButton-secondary"] p, [data-testid="stBaseButton-primary"] p { font-size: 1.4rem !important; }
[data-testid="stBaseButton-primary"] p { color: #FFFFFF !important; }
[data-testid="stAlert"] p { font-size: 1.25rem !important; }
</style>
"""


LABEL_SIZES = {"country-labels": 20, "post-labels": 17}  # px, up from the desk-size maps


def projector_labels(layers: list) -> list:
    """The map's text layers enlarged for a projector (the same layers, bigger type)."""
    for layer in layers:
        if getattr(layer, "id", None) in LABEL_SIZES:
            layer.get_size = LABEL_SIZES[layer.id]
    return layers


def slide_index(raw: str | None) -> int:
    """The slide from ?slide= (1-based in the URL); anything invalid opens the first slide."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return 0
    return value - 1 if 1 <= value <= len(SLIDES) else 0


def step(index: int, delta: int) -> int:
    """Next/previous slide, wrapping around (an auto-advancing show loops)."""
    return (index + delta) % len(SLIDES)


def auto_seconds(raw: str | None) -> int:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return 0
    return value if value in AUTO_CHOICES else 0


def short_month(month, lang: str) -> str:
    """'nov 2025' / 'Nov 2025': short enough to stay horizontal on a projector axis."""
    return fmt_month_short(month, lang)


def _big(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(
        height=height, font={"size": FONT_SIZE, "color": INK}, plot_bgcolor="white", paper_bgcolor="white",
        separators=plotly_separators(lang), margin={"l": 20, "r": 20, "t": 70, "b": 20},
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "traceorder": "normal",
                "font": {"size": FONT_SIZE}},
        title={"font": {"size": FONT_SIZE + 6}},
    )
    # automargin: room for long country names and big tick labels (plotly's own default is off).
    fig.update_xaxes(gridcolor="#DDDDDD", linecolor=INK, tickfont={"size": FONT_SIZE - 2}, automargin=True)
    fig.update_yaxes(gridcolor="#DDDDDD", linecolor=INK, tickfont={"size": FONT_SIZE - 2}, automargin=True)
    return fig


def flows_figure(monthly: pd.DataFrame, lang: str, height: int = 640) -> go.Figure:
    """Entries and exits per month (monthly: month, direction, count), projector-sized."""
    fig = go.Figure()
    for direction in ("entry", "exit"):
        part = monthly[monthly["direction"] == direction]
        fig.add_bar(x=[short_month(m, lang) for m in part["month"]], y=part["count"],
                    name=t(f"direction.{direction}", lang), marker_color=DIRECTION_COLOURS[direction])
    _big(fig, lang, height)
    fig.update_yaxes(tickformat=",d")
    fig.update_layout(barmode="stack", title=t("present.flows.chart", lang),
                      xaxis_title=t("present.axis.month", lang), yaxis_title=t("present.axis.crossings", lang))
    return fig


def infrastructure_figure(components: pd.DataFrame, lang: str, height: int = 600) -> go.Figure:
    """Components by status, one horizontal stacked bar per CA4 country (components: country_iso3, status)."""
    counts = components.groupby(["country_iso3", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=[c for c in reference.CA4 if c in counts.index],
                            columns=list(COMPONENT_STATUSES), fill_value=0)
    names = [reference.country_name(c, lang) for c in counts.index]
    fig = go.Figure()
    for status in COMPONENT_STATUSES:
        fig.add_bar(y=names, x=counts[status], orientation="h", name=t(f"status.{status}", lang),
                    marker_color="rgb({},{},{})".format(*STATUS_COLOURS[status]))
    _big(fig, lang, height)
    fig.update_layout(barmode="stack", title=t("present.infra.chart", lang), legend={"y": -0.24},
                      xaxis_title=t("present.axis.components", lang))
    fig.update_yaxes(autorange="reversed")
    return fig


def coverage_figure(by_country: pd.DataFrame, lang: str, height: int = 600) -> go.Figure:
    """Share of programme posts covered by training, per country (coverage.coverage_by_country)."""
    frame = by_country.set_index("country_iso3").reindex([c for c in reference.CA4 if c in
                                                          set(by_country["country_iso3"])])
    names = [reference.country_name(c, lang) for c in frame.index]
    fig = go.Figure(go.Bar(
        x=names, y=frame["covered_pct"], marker_color="#0072B2",
        text=[f"{int(c)} / {int(p)}" for c, p in zip(frame["covered"], frame["posts"], strict=True)],
        textposition="outside", textfont={"size": FONT_SIZE}, name=t("present.coverage.series", lang),
    ))
    _big(fig, lang, height)
    fig.update_layout(title=t("present.coverage.chart", lang), yaxis_title=t("present.axis.percent", lang),
                      yaxis={"range": [0, 110]}, showlegend=False)
    return fig
