"""Charts readable at every width (issue 27): THE layout rule of geo.charts on every chart builder (legend at the
figure's foot inside it, title and axes making their own room), and a month in hover written in words."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pandas as pd
import pytest

from geo.charts import chart_config, layout_defaults, legend_below, month_label_axis, post_monthly_flows
from geo.flows import charts as flow_charts
from geo.i18n import MONTH_HOVER, fmt_month
from geo.overview import slides
from geo.programme import returns as rt
from geo.upgrades import charts as infra_charts
from geo.workshops import charts as ws_charts

MONTHS = pd.to_datetime(["2025-11-01", "2025-12-01", "2026-01-01"]).date


def _components() -> pd.DataFrame:
    rows = []
    for post in ("Agua Caliente", "Aeropuerto Internacional La Aurora"):
        for order, (code, status, overdue) in enumerate((("STN", "operational", False), ("BIO", "delayed", True),
                                                         ("PWR", "suspended", False))):
            rows.append({"post_code": post[:3].upper(), "post_name": post, "country_iso3": "GTM",
                         "component_code": code, "name_es": code, "name_en": code, "sort_order": order,
                         "status": status, "progress": 40.0 + order, "overdue": overdue,
                         "start_date": dt.date(2025, 1, 1),
                         "target_date": dt.date(2026, 6, 1), "completion_date": None})
    return pd.DataFrame(rows)


@functools.cache
def _figures(lang: str) -> dict:  # built once per language: each test reads them (to_plotly_json), none changes them
    components = _components()
    monthly = pd.DataFrame({"month": [*MONTHS, *MONTHS], "direction": ["entry"] * 3 + ["exit"] * 3,
                            "count": [10, 20, 30, 12, 18, 33]})
    series = pd.DataFrame({"period": [*MONTHS, *MONTHS], "direction": ["entry"] * 3 + ["exit"] * 3,
                           "count": [10, 20, 30, 12, 18, 33], "days": 30, "full_days": 30})
    returns = pd.DataFrame({"month": list(MONTHS) * 3, "category": sorted(rt.RETURN_CATEGORIES * 3),
                            "count": [5, 0, 7] * 3, "small": [False, True, False] * 3, "value": [5, None, 7] * 3})
    participants = pd.DataFrame({"year": [2026, 2026], "quarter": [1, 2], "agency": ["police", "customs"],
                                 "count": [12, 30]})
    return {
        "status matrix": infra_charts.status_matrix(components, lang, "Matrix"),
        "timeline": infra_charts.gantt(components, lang, dt.date(2026, 1, 15)),
        "timeline on a phone": infra_charts.gantt(components, lang, dt.date(2026, 1, 15), width=390),
        "returns": rt.returns_chart(returns, lang),
        "participants": ws_charts.participants_chart(participants, lang),
        "flows series": flow_charts.series_figure(series, "month", lang),
        "post's flows": post_monthly_flows(monthly, lang),
        "slide: flows": slides.flows_figure(monthly, lang),
        "slide: infrastructure": slides.infrastructure_figure(components, lang),
        "slide: coverage": slides.coverage_figure(pd.DataFrame({"country_iso3": ["GTM", "SLV"], "covered": [3, 4],
                                                                "posts": [10, 8], "covered_pct": [30.0, 50.0]}), lang),
    }


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_chart_keeps_its_title_clear_and_its_legend_inside(lang: str) -> None:
    """The legend at the figure's foot, in container coordinates (plotly reserves its rows, however many a narrow
    screen wraps it into; above the plot six rows covered the timeline's title on a phone, below it at paper
    y -0.24 the slide's was cut off); the title and every axis push their own margins."""
    for name, fig in _figures(lang).items():
        layout = fig.to_plotly_json()["layout"]
        legend = layout["legend"]
        assert {k: legend[k] for k in legend_below()} == legend_below(), name
        assert layout["title"]["automargin"] is True and layout["title"]["yref"] == "container", name
        for axis in ("xaxis", "yaxis"):
            assert layout[axis]["automargin"] is True, (name, axis)
        if name.startswith("slide"):  # the room's type size survives the title's text (a text set later had dropped it)
            assert layout["title"]["font"]["size"] == slides.FONT_SIZE + 6, name
        # No margin that fixes a title's room by hand (the matrix's 150 px was too little on a phone).
        assert layout.get("margin", {}).get("t", 0) <= 70, name


def test_month_labels_are_angled_by_plotly_where_they_collide() -> None:
    """No fixed horizontal month labels: plotly angles them by itself on a narrow screen (the returns chart's
    months collided at 390 px), without a rerun."""
    for name in ("returns", "post's flows"):
        assert _figures("es")[name].to_plotly_json()["layout"]["xaxis"].get("tickangle", "auto") == "auto", name


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_month_in_hover_is_written_in_words(lang: str) -> None:
    """The hover's pattern, filled with the month names chart_config registers, writes what fmt_month writes
    ('noviembre 2026'), never '11/2026'."""
    names = chart_config(lang)["locales"][f"ca4-{lang}"]["format"]["months"]
    assert chart_config(lang, save=False)["locales"] == chart_config(lang)["locales"]  # the slides' too
    axes = [month_label_axis(MONTHS, lang)["hoverformat"],
            _figures(lang)["flows series"].to_plotly_json()["layout"]["xaxis"]["hoverformat"]]
    for pattern in axes:
        assert pattern == MONTH_HOVER
        for month in (dt.date(2026, 11, 1), dt.date(2026, 1, 1)):
            drawn = re.sub("%B", names[month.month - 1], pattern).replace("%Y", str(month.year))
            assert drawn == fmt_month(month, lang)
    assert "noviembre" in names if lang == "es" else "November" in names
    # A week's series keeps its day in hover (28/11/2026).
    weekly = pd.DataFrame({"period": MONTHS, "direction": "entry", "count": 1, "days": 7, "full_days": 7})
    weekly_axis = flow_charts.series_figure(weekly, "week", lang).to_plotly_json()["layout"]["xaxis"]
    assert weekly_axis["hoverformat"] == "%d/%m/%Y"


def test_layout_defaults_is_the_rule() -> None:
    import plotly.graph_objects as go

    layout = layout_defaults(go.Figure(), "es").to_plotly_json()["layout"]
    assert layout["legend"]["yref"] == "container" and layout["legend"]["orientation"] == "h"


def test_the_status_matrix_keys_its_colours_in_the_legend_and_its_names_never_overlap() -> None:
    """No colour bar (a third of a phone's width): one legend square per status shown, under the chart by the
    rule; the component names angled by plotly as far as needed (upright on a phone), not at a fixed -30°."""
    fig = _figures("es")["status matrix"].to_plotly_json()
    heatmap, *keys = fig["data"]
    assert heatmap["showscale"] is False
    assert [k["name"] for k in keys] == ["Operativo", "Retrasado", "Suspendido"]  # in workflow order
    assert [k["marker"]["color"] for k in keys] == [infra_charts._rgb(s) for s in ("operational", "delayed",
                                                                                   "suspended")]
    axis = fig["layout"]["xaxis"]
    assert "tickangle" not in axis and axis["autotickangles"] == [0, 30, 90]
    hostile = _components().assign(name_es="Interconexión <a href='x'>regional</a>")
    names = infra_charts.status_matrix(hostile, "es", "M").to_plotly_json()["data"][0]["x"]
    assert names[0] == "Interconexión &lt;a href='x'&gt;regional&lt;/a&gt;"  # a name is data: never a link


def test_the_timeline_on_a_phone_names_each_bar_above_it() -> None:
    """Under NARROW_PX the two-level axis (post, component) beside the plot left it ~50 px on a phone: each bar
    gets a row of its own, named 'post · component' above it across the plot, and no tick labels beside it."""
    wide = _figures("es")["timeline"].to_plotly_json()
    narrow = _figures("es")["timeline on a phone"].to_plotly_json()
    assert wide["layout"]["yaxis"].get("showticklabels", True) is True
    assert narrow["layout"]["yaxis"]["showticklabels"] is False
    names = next(trace for trace in narrow["data"] if trace.get("mode") == "text")
    components = _components().sort_values(["post_name", "sort_order"])
    expected = []
    for post, part in components.groupby("post_name", sort=False):  # the post's name, then its components
        expected += [(post, f"<b>{post}</b>"), *((f"{post} · {c}", c) for c in part["component_code"])]
    assert list(zip(names["y"], names["text"], strict=True)) == expected
    assert names["textposition"] == "top right"
    bars = [trace for trace in narrow["data"] if trace["type"] == "bar" and trace.get("name")]
    component_rows = {r for r, _ in expected if " · " in r}  # no bar on a post's own row
    assert bars and all(set(trace["y"]) <= component_rows for trace in bars)
    hostile = infra_charts.gantt(components.assign(post_name="<a href='x'>Evil</a>"), "es", dt.date(2026, 1, 15),
                                 width=390).to_plotly_json()["data"][-1]  # names are data: plain text, never a link
    assert hostile["text"][0] == "<b>&lt;a href='x'&gt;Evil&lt;/a&gt;</b>"
    assert narrow["layout"]["height"] > wide["layout"]["height"]  # room for a name above each bar
    assert infra_charts.gantt(components, "es", dt.date(2026, 1, 15), width=infra_charts.NARROW_PX).to_plotly_json()[
        "layout"]["yaxis"].get("showticklabels", True) is True
