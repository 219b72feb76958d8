"""Plotly figures of the infrastructure page, labelled in the UI language."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from geo.charts import date_axis, layout_defaults
from geo.flows.charts import data_text
from geo.i18n import fmt_date, fmt_money, fmt_percent, t
from geo.i18n.names import names_column
from geo.models import COMPONENT_STATUSES
from geo.upgrades.workflow import STATUS_COLOURS

OVERDUE_COLOUR = "#C0392B"
BUDGET_COLOURS = {"planned": "#BBCCDD", "committed": "#0072B2", "spent": "#009E73"}


def _rgb(status: str) -> str:
    return "rgb({},{},{})".format(*STATUS_COLOURS[status])


def _component_name(frame: pd.DataFrame, lang: str) -> pd.Series:
    return names_column(frame, lang, "component_type", "component_code")


def status_matrix(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Heat map of posts (rows) × components (columns), each cell coloured by the component's status.

    `frame` is upgrades.components_frame for one country. Cells of components a post does not have stay
    blank. The colour scale is discrete: one band per status.
    """
    order = frame.drop_duplicates("component_code").sort_values(["sort_order", "component_code"])
    columns = order["component_code"].tolist()
    column_names = [data_text(name) for name in _component_name(order, lang)]  # a component type's name is data
    posts = frame.drop_duplicates("post_code").sort_values("post_name")
    rows = posts["post_code"].tolist()
    row_names = [data_text(name) for name in posts["post_name"]]  # data: plotly reads tags in labels
    index = {s: i for i, s in enumerate(COMPONENT_STATUSES)}
    z = np.full((len(rows), len(columns)), np.nan)
    text = np.full((len(rows), len(columns)), "", dtype=object)
    hover = np.full((len(rows), len(columns)), t("infra.matrix.not_in_programme", lang), dtype=object)
    r_of = {c: i for i, c in enumerate(rows)}
    c_of = {c: i for i, c in enumerate(columns)}
    for r in frame.itertuples():
        i, j = r_of[r.post_code], c_of[r.component_code]
        z[i, j] = index[r.status]
        progress = fmt_percent(r.progress, lang)  # "45 %": the one formatter, as every other percentage
        text[i, j] = ("⚠ " if r.overdue else "") + progress
        hover[i, j] = f"{t(f'status.{r.status}', lang)} · {progress}" + (
            f" · {t('infra.gantt.overdue', lang)}" if r.overdue else "")
    n = len(COMPONENT_STATUSES)
    scale = []
    for i, status in enumerate(COMPONENT_STATUSES):
        scale += [[i / n, _rgb(status)], [(i + 1) / n, _rgb(status)]]
    fig = go.Figure(go.Heatmap(
        z=z, x=column_names, y=row_names, text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{y}<br>%{x}<br>%{customdata}<extra></extra>", colorscale=scale, zmin=-0.5,
        zmax=n - 0.5, xgap=2, ygap=2, showscale=False,
    ))
    # The statuses' key in the legend (THE layout rule: at the foot, wrapping on a phone) rather than a colour
    # bar, which took a third of a phone's width: one square per status the matrix shows.
    for status in [s for s in COMPONENT_STATUSES if s in set(frame["status"])]:
        fig.add_scatter(x=[None], y=[None], mode="markers", name=t(f"status.{status}", lang), hoverinfo="skip",
                        marker={"symbol": "square", "size": 12, "color": _rgb(status)})
    fig.update_layout(title=title, legend_title_text=t("infra.field.status", lang))
    # Component names on top, level where they fit, else at 30° (a laptop), else upright (a phone: at 60° the
    # longest ran out of the figure), chosen by plotly itself; the title stays above them (title and axis push
    # the margin).
    fig.update_xaxes(side="top", autotickangles=[0, 30, 90], showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return layout_defaults(fig, lang, height=max(300, 34 * len(rows) + 260))


# Below this width (CSS px of the chart's column) the timeline names each bar above it, not on a two-level axis
# beside it, whose post and component names left a phone's plot a strip of ~50 px.
NARROW_PX = 640


def gantt(frame: pd.DataFrame, lang: str, as_of: dt.date, width: int | None = None) -> go.Figure:
    """Timeline of upgrades: one bar per component from start to target (or completion when operational),
    coloured by status, on a two-level axis (post, component), or, `width` under NARROW_PX, each bar with its
    post and component written above it across the plot's whole width; overdue components get a red outline
    and a ⚠ after their bar; a dashed line marks `as_of`."""
    narrow = width is not None and width < NARROW_PX
    data = frame.copy()
    data["end"] = [c if s == "operational" and c is not None else tgt
                   for s, c, tgt in zip(data["status"], data["completion_date"], data["target_date"], strict=True)]
    data = data[data["start_date"].notna() & data["end"].notna()].copy()
    # The same sub-labels for every post: a two-level axis orders sub-labels by their first appearance.
    data["component"] = _component_name(data, lang)
    data = data.sort_values(["post_name", "sort_order"]).reset_index(drop=True)
    order: list[tuple[str, str]] = []  # narrow: (row, text drawn): the post's name in bold, then its components
    if narrow:  # one category per bar: its own row, named above the bar, under a row naming its post
        data["row"] = [f"{data_text(p)} · {data_text(c)}"  # also the hover's first line: escaped
                       for p, c in zip(data["post_name"], data["component"], strict=True)]
        for post, part in data.groupby("post_name", sort=False):
            order += [(data_text(post), f"<b>{data_text(post)}</b>"), *((r, data_text(c)) for r, c in
                                                             zip(part["row"], part["component"], strict=True))]

    def rows(part: pd.DataFrame) -> list:
        return part["row"].tolist() if narrow else [[data_text(n) for n in part["post_name"]],
                                                    [data_text(n) for n in part["component"]]]

    fig = go.Figure()
    # An invisible first trace holding every row in display order: a two-level axis orders its categories
    # as they first appear in the traces.
    fig.add_bar(y=[r for r, _ in order] if narrow else rows(data), x=[0] * (len(order) if narrow else len(data)),
                base=[pd.Timestamp(d).strftime("%Y-%m-%d") for d in
                      ([data["start_date"].min()] * len(order) if narrow else data["start_date"])], orientation="h",
                marker_color="rgba(0,0,0,0)", showlegend=False, hoverinfo="skip")
    for status in COMPONENT_STATUSES:
        # On-time bars first, so the legend swatch (drawn like the first bar) shows no outline.
        part = data[data["status"] == status].sort_values("overdue", kind="stable")
        if part.empty:
            continue
        start = pd.to_datetime(part["start_date"])
        end = pd.to_datetime(part["end"])
        duration_ms = ((end - start).dt.total_seconds() * 1000).clip(lower=86_400_000)
        fig.add_bar(
            y=rows(part), x=duration_ms, width=0.45 if narrow else None, offset=0.05 if narrow else None,
            base=start.dt.strftime("%Y-%m-%d"), orientation="h", name=t(f"status.{status}", lang),
            marker_color=_rgb(status),
            marker_line_color=[OVERDUE_COLOUR if late else _rgb(status) for late in part["overdue"]],
            marker_line_width=[2.5 if late else 0 for late in part["overdue"]],
            text=["⚠" if late else "" for late in part["overdue"]], textposition="outside",
            textfont={"color": OVERDUE_COLOUR}, cliponaxis=False,
            customdata=np.stack([
                [fmt_date(d, lang) for d in part["start_date"]], [fmt_date(d, lang) for d in part["end"]],
                [fmt_percent(p, lang) for p in part["progress"]],
            ], axis=-1),
            hovertemplate="%{y}<br>%{customdata[0]} → %{customdata[1]}<br>%{customdata[2]}<extra>"
            + t(f"status.{status}", lang) + "</extra>",
        )
    if data["overdue"].any():  # a legend entry for the red outline
        fig.add_bar(y=rows(data.iloc[:1]), x=[None],
                    base=[None], orientation="h", name=t("infra.gantt.overdue", lang), marker_color="white",
                    marker_line_color=OVERDUE_COLOUR, marker_line_width=2.5, hoverinfo="skip")
    fig.update_layout(barmode="overlay", title=t("infra.gantt.title", lang))
    fig.update_xaxes(side="top", gridcolor="#e5e5e5",
                     **date_axis([*pd.to_datetime(data["start_date"]), *pd.to_datetime(data["end"]),
                                  pd.Timestamp(as_of)], lang))
    fig.update_yaxes(autorange="reversed", tickfont={"size": 11})
    if narrow:  # the names above their bars, from the plot's left edge; no tick labels beside the plot
        start = min(pd.to_datetime(data["start_date"]))
        fig.add_scatter(x=[start.strftime("%Y-%m-%d")] * len(order), y=[r for r, _ in order], mode="text",
                        text=[w for _, w in order], textposition="top right",
                        textfont={"size": 11, "color": "#31333F"},
                        showlegend=False, hoverinfo="skip", cliponaxis=False)
        # Rows top to bottom, the first name's line inside the plot (autorange left ~7 rows empty above it).
        fig.update_yaxes(showticklabels=False, autorange=False, range=[len(order) - 0.4, -0.7])
    # A shape and a separate annotation: add_vline's annotation fails on date axes.
    fig.add_shape(type="line", x0=as_of.isoformat(), x1=as_of.isoformat(), y0=0, y1=1, yref="paper",
                  line={"color": OVERDUE_COLOUR, "width": 1.5, "dash": "dash"})
    # Left of its line (the reference day is near the axis's end: to its right the note was cut on a phone).
    fig.add_annotation(x=as_of.isoformat(), y=0, yref="paper", yanchor="top", xanchor="right", showarrow=False,
                       text=f"{t('infra.gantt.today', lang)}: {fmt_date(as_of, lang)}",
                       font={"color": OVERDUE_COLOUR})
    # The legend under the chart (geo.charts' layout rule): above it, its six rows on a phone covered the title.
    layout_defaults(fig, lang, height=max(300, 34 * len(order) + 200 if narrow else 21 * len(data) + 200))
    fig.update_layout(margin={"b": 40})  # room for the 'today' note under the plot
    return fig


def budget_bars(frame: pd.DataFrame, labels: list[str], lang: str, title: str) -> go.Figure:
    """Grouped bars planned / committed / spent (EUR) for each row of upgrades.budget_execution."""
    fig = go.Figure()
    for measure in ("planned", "committed", "spent"):
        fig.add_bar(
            x=labels, y=frame[measure], name=t(f"infra.budget.{measure}", lang),
            marker_color=BUDGET_COLOURS[measure],
            customdata=[fmt_money(v, lang) for v in frame[measure]],
            hovertemplate="%{x}<br>%{customdata}<extra>" + t(f"infra.budget.{measure}", lang) + "</extra>",
        )
    fig.update_layout(barmode="group", title=title)
    fig.update_yaxes(title=t("infra.budget.eur", lang), gridcolor="#e5e5e5", tickformat=",.0f")
    return layout_defaults(fig, lang, height=340)
