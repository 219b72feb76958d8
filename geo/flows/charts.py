"""Plotly figures of the flows page, built from geo.flows.queries DataFrames and labelled in the UI language.

Every text (titles, axes, legends, category names) comes from geo.i18n or geo.reference. Figures that
the comparison shows side by side take the axis maximum as an argument, so both periods share a scale.
"""

from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from geo import reference
from geo.charts import DIRECTION_COLOURS, date_axis, layout_defaults
from geo.i18n import fmt_number, has, t
from geo.map_text import post_display_names
from geo.models import AGE_BANDS, DIRECTIONS, SEXES

BAR_COLOUR = "#3B6E8F"
OTHER_COLOUR = "#B0B7BF"
SEX_COLOURS = {"F": "#B5523B", "M": "#3B6E8F", "U": "#9E9E9E"}
CA4_NODE = "#0B5394"
OTHER_NODE = "#8C8C8C"
OTHER = "OTHER"  # the key geo.flows.queries.top_with_other gives the summed rest


def data_text(text: str) -> str:
    """Text from data, escaped: plotly reads <tags> in labels, and data is never markup."""
    return html.escape(str(text), quote=False)


@lru_cache(maxsize=1)
def _region_codes() -> frozenset[str]:
    return frozenset(reference.countries()["iso3"])


@lru_cache(maxsize=256)
def country_label(iso3: str, lang: str) -> str:
    """A country or nationality name: the region's from the reference data, others from i18n."""
    if not iso3:
        return t("flows.unrecorded", lang)
    if iso3 == OTHER:
        return t("flows.other", lang)
    if iso3 in _region_codes():
        return reference.country_name(iso3, lang)
    # Codes come from data (previous/next country have no check constraint): shown as text, never markup.
    return t(f"nationality.{iso3}", lang) if has(f"nationality.{iso3}") else data_text(iso3)


def _axis_range(top: float | None) -> list[float] | None:
    return [0, top * 1.05] if top else None


@lru_cache(maxsize=32)
def _base_layout(lang: str, height: int) -> dict:
    """geo.charts.layout_defaults as a plain dict: figures are built in one call, which is several times
    faster than updating a figure step by step (the page draws many on every filter change)."""
    layout = layout_defaults(go.Figure(), lang, height=height).to_plotly_json()["layout"]
    layout.pop("template", None)  # plotly's default template: Streamlit applies its own theme
    return layout


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _figure(traces: list[dict], layout: dict, lang: str, height: int) -> go.Figure:
    return go.Figure(data=traces, layout=_merge(_base_layout(lang, height), layout))


# Entries and exits often run close (a border's two directions): exits are drawn dashed with diamonds over a wider
# solid line of entries, so where they coincide both stay visible, and the title says so.
SERIES_STYLE = {"entry": {"width": 3.2, "dash": "solid", "symbol": "circle"},
                "exit": {"width": 1.8, "dash": "dash", "symbol": "diamond"}}
COINCIDE_SHARE = 0.01  # lines closer than 1 % of the chart's highest value read as one line


def series_coincide(frame: pd.DataFrame) -> bool:
    """True when entries and exits coincide in every period (within COINCIDE_SHARE of the highest figure)."""
    wide = frame.pivot_table(index="period", columns="direction", values="count", aggfunc="sum")
    if not set(DIRECTIONS) <= set(wide.columns) or wide.empty:
        return False
    wide = wide[list(DIRECTIONS)].dropna()
    top = float(wide.to_numpy().max()) if len(wide) else 0.0
    return bool(len(wide)) and float((wide["entry"] - wide["exit"]).abs().max()) <= COINCIDE_SHARE * max(top, 1.0)


def series_figure(frame: pd.DataFrame, grain: str, lang: str, y_max: float | None = None) -> go.Figure:
    """Lines of entries and exits per day, week or month (`frame` as geo.flows.queries.series makes it)."""
    traces = []
    partial_any = False
    for direction in DIRECTIONS:
        part = frame[frame["direction"] == direction]
        style = SERIES_STYLE[direction]
        # A week cut by the period's edges holds only its days inside the period: a hollow, larger mark and
        # the days in its hover, so a short first or last week does not read as a fall in crossings.
        partial = (part["days"] < part["full_days"]).tolist()
        partial_any = partial_any or any(partial)
        notes = [t("flows.chart.partial", lang, days=int(d), full=int(f)) if cut else ""
                 for d, f, cut in zip(part["days"], part["full_days"], partial, strict=True)]
        traces.append({
            "type": "scatter", "x": pd.to_datetime(part["period"]), "y": part["count"],
            "mode": "lines" if grain == "day" else "lines+markers", "name": t(f"direction.{direction}", lang),
            "line": {"color": DIRECTION_COLOURS[direction], "width": style["width"], "dash": style["dash"],
                     "shape": "hv" if grain == "month" else "linear"},
            "marker": {"symbol": [style["symbol"] + ("-open" if cut else "") for cut in partial],
                       "size": [9 if cut else 6 for cut in partial], "line": {"width": 2}},
            "customdata": notes, "hovertemplate": "%{y:,.0f}%{customdata}",
        })
    title = t("flows.chart.series", lang, grain=t(f"flows.chart.series.{grain}", lang))
    notes = ([t("flows.chart.coincide", lang)] if series_coincide(frame) else []) + (
        [t("flows.chart.partial.legend", lang)] if partial_any else [])
    # The notes as plotly's own subtitle: a second line written into the title ('<br><sup>') put its first line
    # above the figure's top, where it was cut, once the title is anchored to the top (geo.charts' layout rule).
    return _figure(traces, {
        "title": {"text": title, **({"subtitle": {"text": " · ".join(notes)}} if notes else {})},
        # Under the chart (geo.charts' layout rule): a subtitle (partial weeks, coinciding lines) never runs into it.
        "legend": {"title": {"text": t("flows.legend.direction", lang)}},
        "margin": {"t": 56 if notes else 36},
        "hovermode": "x unified",
        "xaxis": {"title": {"text": t("flows.axis.date", lang)}, "gridcolor": "#eeeeee",
                  **date_axis(frame["period"], lang, months=grain == "month")},
        # Every digit, grouped (1,250,000): plotly's own ticks would say '1.25M', a third way to write a total.
        "yaxis": {"title": {"text": t("flows.axis.persons", lang)}, "gridcolor": "#e5e5e5", "rangemode": "tozero",
                  "range": _axis_range(y_max), "tickformat": ",d"},
    }, lang, 330)


def _bars(labels: list[str], values: list[int], colours: list[str] | str, title: str, lang: str,
          x_max: float | None, height: int) -> go.Figure:
    """Horizontal bars, first label on top."""
    bar = {"type": "bar", "x": values, "y": labels, "orientation": "h", "marker": {"color": colours},
           "texttemplate": "%{x:,.0f}", "textposition": "auto", "showlegend": False}
    return _figure([bar], {
        "title": {"text": title},
        "yaxis": {"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
        "xaxis": {"title": {"text": t("flows.axis.persons", lang)}, "gridcolor": "#e5e5e5",
                  "range": _axis_range(x_max), "tickformat": ",d"},
    }, lang, height)


def nationality_figure(top: pd.DataFrame, lang: str, x_max: float | None = None) -> go.Figure:
    """Top nationalities plus the rest (geo.flows.queries.top_with_other)."""
    colours = [OTHER_COLOUR if n == OTHER else BAR_COLOUR for n in top["nationality"]]
    labels = [country_label(n, lang) for n in top["nationality"]]
    return _bars(labels, top["count"].tolist(), colours, t("flows.chart.nationality", lang), lang, x_max,
                 height=max(220, 34 * len(top) + 90))


def _in_order(frame: pd.DataFrame, key: str, order: tuple[str, ...]) -> pd.DataFrame:
    counts = frame.set_index(key)["count"] if len(frame) else pd.Series(dtype="int64")
    return pd.DataFrame({key: [v for v in order if v in counts.index],
                         "count": [int(counts[v]) for v in order if v in counts.index]})


def sex_figure(frame: pd.DataFrame, lang: str, x_max: float | None = None) -> go.Figure:
    data = _in_order(frame, "sex", SEXES)
    return _bars([t(f"sex.{s}", lang) for s in data["sex"]], data["count"].tolist(),
                 [SEX_COLOURS[s] for s in data["sex"]], t("flows.chart.sex", lang), lang, x_max, height=200)


def age_figure(frame: pd.DataFrame, lang: str, x_max: float | None = None) -> go.Figure:
    data = _in_order(frame, "age_band", AGE_BANDS)
    return _bars([t(f"age.{a}", lang) for a in data["age_band"]], data["count"].tolist(), BAR_COLOUR,
                 t("flows.chart.age", lang), lang, x_max, height=260)


def direction_figure(frame: pd.DataFrame, lang: str, x_max: float | None = None) -> go.Figure:
    data = _in_order(frame, "direction", DIRECTIONS)
    return _bars([t(f"direction.{d}", lang) for d in data["direction"]], data["count"].tolist(),
                 [DIRECTION_COLOURS[d] for d in data["direction"]], t("flows.chart.direction", lang), lang,
                 x_max, height=180)


def _two_lines(label: str, limit: int = 24) -> str:
    """A long name's '(country)' (or '· country' after a name with brackets of its own: name_with_country) on a
    line of its own, so the bars keep their room on a phone."""
    if len(label) <= limit:
        return label
    name, dot, country = label.rpartition(") · ")
    if dot:
        return f"{name})<br>{country}"
    name, bracket, rest = label.rpartition(" (")
    return f"{name}<br>({rest}" if bracket else label


def posts_figure(frame: pd.DataFrame, lang: str, n: int = 10, x_max: float | None = None) -> go.Figure:
    """The `n` busiest posts (frame: geo.flows.queries.breakdown(..., "post"))."""
    top = frame.head(n)
    # Names, never codes: a name both sides of a crossing share carries its country, an airport its short name
    # and country (geo.map_text.post_display_names, the maps' rule).
    named = top.rename(columns={"post_name": "name", "post_country": "country_iso3"})
    labels = [_two_lines(data_text(name))
              for name in post_display_names(named, lang, among=frame["post_name"], airports=True)]
    return _bars(labels, top["count"].tolist(), BAR_COLOUR, t("flows.chart.posts", lang), lang, x_max,
                 height=max(220, 30 * len(top) + 90))


UNRECORDED_NODE = "#D9D4C7"  # a pale sand: not a country, so not a country's colour
SANKEY_LINKS = {"entry": "rgba(11,83,148,0.35)", "exit": "rgba(230,159,0,0.40)"}


def _sankey_label(code: str, side: str, lang: str) -> str:
    if not code:  # '' is a movement whose previous (entries) or next (exits) country the record leaves blank
        return t(f"flows.sankey.{side}_unrecorded", lang)
    return t(f"flows.sankey.{side}", lang, country=country_label(code, lang))


def sankey_figure(routes: pd.DataFrame, lang: str) -> go.Figure:
    """Country-to-country Sankey (frame: geo.flows.queries.country_routes): origins left, destinations right.
    Colours as sankey_legend_items says; an unrecorded country is named for what it is, last in each column."""
    sources = sorted(set(routes["source"]), key=lambda c: (c == "", c))
    targets = sorted(set(routes["target"]), key=lambda c: (c == "", c))
    labels = [_sankey_label(c, "from", lang) for c in sources] + [_sankey_label(c, "to", lang) for c in targets]
    colours = [UNRECORDED_NODE if not c else CA4_NODE if c in reference.CA4 else OTHER_NODE
               for c in (*sources, *targets)]
    index_source = {c: i for i, c in enumerate(sources)}
    index_target = {c: len(sources) + i for i, c in enumerate(targets)}
    sankey = {
        "type": "sankey", "arrangement": "snap",
        "node": {"label": labels, "color": colours, "pad": 12, "thickness": 14,
                 "line": {"color": "#777777", "width": 0.5},
                 "hovertemplate": "%{label}<br>%{value:,.0f}<extra></extra>"},
        "link": {
            "source": [index_source[c] for c in routes["source"]],
            "target": [index_target[c] for c in routes["target"]],
            "value": routes["count"].tolist(),
            "color": [SANKEY_LINKS[d] for d in routes["direction"]],
            "customdata": [t(f"direction.{d}", lang) for d in routes["direction"]],
            "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}: %{value:,.0f}<extra></extra>",
        },
    }
    height = max(360, 26 * max(len(sources), len(targets)) + 80)
    return _figure([sankey], {"title": {"text": t("flows.chart.sankey", lang)}}, lang, height)


def sankey_legend_items(lang: str) -> list[tuple[str, str]]:
    """(label, css colour) of the Sankey's colour key: its nodes' kinds, then its links' directions."""
    return [(t("flows.sankey.key.ca4", lang), CA4_NODE), (t("flows.sankey.key.other", lang), OTHER_NODE),
            (t("flows.sankey.key.unrecorded", lang), UNRECORDED_NODE),
            *[(t(f"direction.{d}", lang), _over_white(SANKEY_LINKS[d])) for d in DIRECTIONS]]


def _over_white(rgba: str) -> str:
    """The colour a translucent link shows on the white page ('rgba(11,83,148,0.35)' -> 'rgb(169,195,217)')."""
    *rgb, alpha = (float(v) for v in rgba[rgba.index("(") + 1:-1].split(","))
    return "rgb({},{},{})".format(*(round(c * alpha + 255 * (1 - alpha)) for c in rgb))


def unrecorded_share(routes: pd.DataFrame) -> float | None:
    """Percent of the movements (country_routes) whose previous or next country is not recorded."""
    total = float(routes["count"].sum())
    if not total:
        return None
    blank = (routes["source"] == "") | (routes["target"] == "")
    return 100.0 * float(routes.loc[blank, "count"].sum()) / total


def fmt_change(value: float | None, lang: str) -> str | None:
    """+5.5 % / -3.2 % for a metric's delta (Streamlit colours it by its sign); None when unknown."""
    if value is None or value != value:
        return None
    return ("+" if value >= 0 else "") + fmt_number(value, lang, 1) + " %"
