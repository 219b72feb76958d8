"""Plotly figures built from DataFrames, labelled in the UI language."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo.i18n import MONTH_HOVER, fmt_month, month_abbr, month_ticks, plotly_dates, plotly_separators, t

DIRECTION_COLOURS = {"entry": "#0B5394", "exit": "#E69F00"}
# The app's own font (Streamlit serves "Source Sans" with the page, no network): charts drawn with theme=None
# (the slides) name it, or plotly falls back to its "Open Sans"/Arial beside the page's text.
FONT_FAMILY = "'Source Sans', 'Source Sans Pro', sans-serif"
# Every st.plotly_chart passes chart_config(lang): plotly's toolbar (modebar) keeps one button, "save as PNG" (in
# the page's language), and TOOLBAR_CSS (views.framework, on every page) gives it a band of its own above the
# figure, so it never covers a title, a subtitle or a top legend, whatever the chart's margins.
TOOLBAR_PX = 30
# Only where the toolbar has its button, and the chart's element container keeps the band's room under it: the
# band pushes the figure's foot 30 px out of the boxes Streamlit sizes to the figure, and the container (overflow
# auto) cut it off there, legends at the foot included; the slides (no toolbar) got the band too.
TOOLBAR_CSS = (
    f".stPlotlyChart .js-plotly-plot .plot-container:has(.modebar){{padding-top:{TOOLBAR_PX}px}}"
    f".stElementContainer:has(.stPlotlyChart .modebar){{padding-bottom:{TOOLBAR_PX}px}}"
    f".stPlotlyChart .js-plotly-plot .modebar-container{{top:-{TOOLBAR_PX}px!important}}"
    ".stPlotlyChart .js-plotly-plot .modebar{background:transparent!important}"
)
# plotly.js's own English tooltip of the button (the spelling of the plotly.js Streamlit ships, and older ones')
PLOTLY_SAVE_TEXTS = ("Download plot as a PNG", "Download plot as a png", "Download plot")


def chart_config(lang: str, save: bool = True) -> dict:
    """THE plotly config of every chart: the toolbar with only its 'save as PNG' button (named in the page's
    language through plotly's locale dictionary; plotly's locales otherwise load from a CDN), a 2x image named
    after the app, no plotly logo; the locale's month and day names from Babel (geo.i18n.plotly_dates), so a
    date pattern such as MONTH_HOVER writes 'noviembre 2026'. `save=False` (the slides: no app chrome in a
    room): no toolbar at all."""
    locale = {"locale": f"ca4-{lang}",
              "locales": {f"ca4-{lang}": {"dictionary": dict.fromkeys(PLOTLY_SAVE_TEXTS, t("chart.save_png", lang)),
                                          "format": plotly_dates(lang)}}}
    if not save:
        return {"displayModeBar": False, "displaylogo": False, **locale}
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": t("chart.file_name", lang)},
        **locale,
    }


# THE layout rule of every chart's title, legend and axis labels, at every width (a phone's 390 px, a laptop, the
# 1920-px room): the legend is horizontal at the foot of the figure (yref 'container': plotly reserves its rows,
# however many it wraps into on a narrow screen, and keeps the plot, its tick labels and axis titles above
# them), from the figure's left edge (from the plot's, it had a phone's last 80 px beside long row names); the
# title pushes the margin (automargin, yref 'container'), so tick labels drawn on top never reach it;
# every axis makes room for its own labels (automargin), angled by plotly itself when they would collide.
# A legend above the plot wrapped into six rows on a phone and covered the title.
def legend_below(**extra: object) -> dict:
    """The legend of THE layout rule (extra keys: its title, font...)."""
    return {"orientation": "h", "x": 0, "xanchor": "left", "xref": "container", "y": 0, "yanchor": "bottom",
            "yref": "container", **extra}


TITLE_CLEAR = {"automargin": True, "yref": "container", "y": 1, "yanchor": "top"}


def clear_layout(fig: go.Figure, **legend: object) -> go.Figure:
    """Apply THE layout rule to a figure (layout_defaults does; the slides' own sizes call it too)."""
    fig.update_layout(legend=legend_below(**legend), title=TITLE_CLEAR)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def layout_defaults(fig: go.Figure, lang: str, height: int = 260) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        separators=plotly_separators(lang),  # decimal then thousands, from Babel: 1,234.5 in es_GT and en
        plot_bgcolor="white",
    )
    return clear_layout(fig)


def date_axis(values: object, lang: str, months: bool = False) -> dict:
    """A plotly date axis labelled in the page's language: month tick labels written here (plotly's own
    locales load from a CDN, so its built-in labels are always English), and a hover date as a day
    (28/11/2026), or as a month in words ('noviembre 2026') when each value is a month (`months`)."""
    stamps = pd.to_datetime(pd.Series(list(values)), errors="coerce").dropna()  # type: ignore[call-overload]
    axis: dict = {"type": "date", "hoverformat": MONTH_HOVER if months else t("format.chart_hover_date", lang)}
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
    """Tick labels for an axis of month starts drawn as dates: 'nov 2026' style in the page's language; its
    hover says the month in words ('noviembre 2026', MONTH_HOVER with chart_config's month names), never 11/2026."""
    return {"type": "date", **month_ticks(list(months), lang),  # type: ignore[call-overload]
            "hoverformat": MONTH_HOVER}


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
    # Month tick labels written in the page's language ("ene 2026", "abr", ...), angled by plotly where they collide.
    fig.update_xaxes(**month_label_axis(monthly["month"], lang))
    return layout_defaults(fig, lang)
