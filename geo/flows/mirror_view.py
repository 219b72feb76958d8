"""Mirror statistics as a reader sees them (geo.flows.mirror holds the rule): the data-quality panel's table
of crossings, and the small chart of one crossing (the panel's, and the post profile's). Pure functions of
DataFrames, labelled in the page's language; names of posts from data are escaped for plotly."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo import reference
from geo.charts import layout_defaults
from geo.flows.charts import data_text
from geo.flows.mirror import MIN_PERSONS, TOLERANCE, crossing_label
from geo.i18n import MONTH_HOVER, fmt_month, fmt_number, fmt_percent, month_ticks, t
from geo.map_text import name_with_country

# One colour per direction of travel; exits solid, the entries that mirror them dashed, in the same colour.
DIRECTION_COLOURS = ("#0B5394", "#E69F00")


def direction_label(origin: str, destination: str, lang: str) -> str:
    return f"{reference.country_name(origin, lang)} → {reference.country_name(destination, lang)}"


def caption(lang: str) -> str:
    return t("mirror.caption", lang, tolerance=fmt_percent(100 * TOLERANCE, lang),
             persons=fmt_number(MIN_PERSONS, lang))


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per crossing and direction: months compared, months beyond the tolerance, the largest ratio
    and the figures of that month; crossings with gaps first."""
    if table.empty:
        return pd.DataFrame(columns=["crossing", "origin", "destination", "exit_post", "entry_post", "months",
                                     "gaps", "ratio", "month", "exits", "entries"])
    rows = []
    for (crossing, leave), part in table.groupby(["crossing", "exit_post"], sort=True):
        worst = part.loc[part["ratio"].idxmax()]
        rows.append({"crossing": crossing, "origin": worst["origin"], "destination": worst["destination"],
                     "exit_post": leave, "entry_post": worst["entry_post"], "months": len(part),
                     "gaps": int(part["gap"].sum()), "ratio": float(worst["ratio"]), "month": worst["month"],
                     "exits": int(worst["exits"]), "entries": int(worst["entries"])})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["gaps", "ratio"], ascending=[False, False], ignore_index=True)


def summary_table(table: pd.DataFrame, posts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The panel's table: crossing by name, direction, months compared and beyond the tolerance, the month
    of the largest difference with both figures and their ratio."""
    frame = summary(table)
    return pd.DataFrame({
        t("mirror.h_crossing", lang): [crossing_label(c, posts, with_code=False) for c in frame["crossing"]],
        t("mirror.h_direction", lang): [direction_label(o, d, lang) for o, d in
                                        zip(frame["origin"], frame["destination"], strict=True)],
        t("mirror.h_months", lang): [f"{fmt_number(g, lang)} / {fmt_number(m, lang)}" for g, m in
                                     zip(frame["gaps"], frame["months"], strict=True)],
        t("mirror.h_worst", lang): [fmt_month(m, lang) for m in frame["month"]],
        t("mirror.h_exits", lang): [fmt_number(v, lang) for v in frame["exits"]],
        t("mirror.h_entries", lang): [fmt_number(v, lang) for v in frame["entries"]],
        t("mirror.h_ratio", lang): [fmt_number(r, lang, 2) for r in frame["ratio"]],
    })


def post_names(posts: pd.DataFrame, lang: str) -> dict[str, str]:
    """Post code -> 'Las Manos (Nicaragua)': the two sides of a crossing often share a name."""
    return {code: name_with_country(name, reference.country_name(country, lang))
            for code, name, country in zip(posts["code"], posts["name"], posts["country_iso3"], strict=True)}


def crossing_chart(table: pd.DataFrame, names: dict[str, str], lang: str, height: int = 240,
                   every: int = 6) -> go.Figure:
    """A small chart of one crossing: per direction, the exits at the post left (solid) and the entries at
    the post reached (dashed, same colour); months beyond the tolerance marked. `names`: post_names."""
    fig = go.Figure()
    for number, (leave, part) in enumerate(table.groupby("exit_post", sort=True)):
        part = part.sort_values("month")
        colour = DIRECTION_COLOURS[number % 2]
        reach = str(part["entry_post"].iloc[0])
        months = pd.to_datetime(part["month"])
        hover = [fmt_month(m, lang) for m in part["month"]]
        for column, key, post, dash in (("exits", "mirror.chart_exits", leave, "solid"),
                                        ("entries", "mirror.chart_entries", reach, "dash")):
            name = data_text(t(key, lang, post=names.get(post, post)))
            fig.add_scatter(x=months, y=part[column], mode="lines", name=name, customdata=hover,
                            line={"color": colour, "dash": dash, "width": 2},
                            hovertemplate="%{customdata}<br>%{y:,.0f}<extra>" + name + "</extra>")
        gaps = part[part["gap"]]
        if len(gaps):
            fig.add_scatter(x=pd.to_datetime(gaps["month"]), y=gaps[["exits", "entries"]].max(axis=1), mode="markers",
                            marker={"color": colour, "symbol": "x", "size": 8}, showlegend=False, hoverinfo="skip")
    fig.update_yaxes(title=t("panel.persons", lang), gridcolor="#e5e5e5", tickformat=",d", rangemode="tozero")
    if not table.empty:
        fig.update_xaxes(type="date", hoverformat=MONTH_HOVER,
                         **month_ticks(sorted(set(table["month"])), lang, every=every))
    layout_defaults(fig, lang, height=height)
    fig.update_layout(legend={"font": {"size": 11}})
    return fig


def profile_status(table: pd.DataFrame, lang: str) -> str:
    """The post profile's line: agreement in every month compared, or how many months are beyond it."""
    if table.empty:
        return t("mirror.profile.no_data", lang)
    months = table["month"].nunique()
    gap_months = table.loc[table["gap"], "month"].nunique()
    if not gap_months:
        return t("mirror.profile.ok", lang, n=fmt_number(months, lang))
    return t("mirror.profile.gaps", lang, n=fmt_number(gap_months, lang), total=fmt_number(months, lang),
             tolerance=fmt_percent(100 * TOLERANCE, lang), persons=fmt_number(MIN_PERSONS, lang))
