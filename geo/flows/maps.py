"""The flow map: arcs from where entries come from to the post, and from the post to where exits go,
width by volume, over the offline region of geo.maps. Tooltips only through {field} placeholders."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pydeck as pdk

from geo import maps
from geo.cartography import key_values
from geo.charts import DIRECTION_COLOURS
from geo.flows.charts import country_label
from geo.i18n import fmt_number, t

ARC_MAX_PX = 6.0  # thin and translucent (ARC_ALPHA): many routes cross the same countries
ARC_ALPHA = 105
ARC_TILT = 25.0  # degrees
# Readable arcs (issue 27: "a tangle over El Salvador"). Every arc to or from a country used to end at its name's
# point, so the arcs of every post around El Salvador met there. An arc now runs from its post ARC_REACH of the
# way towards that point: each post's arcs keep their own ends, still pointing at the country (its tooltip names
# it), and the longer a route the higher its arc. Only the busiest routes are drawn, those that carry ARC_SHARE of
# the persons whose other country is known, at most ARC_LIMIT (the Sankey beside it and the table give them all).
ARC_REACH = 0.75
ARC_SHARE = 0.85
ARC_LIMIT = 40
FLOW_VIEW = {**maps.INITIAL_VIEW, "zoom": 4.9}  # the whole region in half the page's width
POST_MAX_PX = 14.0  # the posts' circles light and small under the arcs (they tangled the arcs' ends)


def _rgb(hex_colour: str, alpha: int) -> list[int]:
    return [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)] + [alpha]


def _scaled(values: pd.Series, top: float, low: float, high: float) -> pd.Series:
    """By area (square root), so a route twice as busy does not look four times as wide."""
    return low + (high - low) * (values.clip(lower=0) / (top or 1.0)).map(math.sqrt)


def country_anchors(lang: str) -> pd.DataFrame:
    """Where an arc to or from a country starts: the point its map label stands on (inside the frame)."""
    return maps.country_label_points(lang).set_index("iso3")[["lon", "lat"]]


def drawn_routes(post_routes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The routes the map draws arcs for: those whose other country is on the map, busiest first, until they
    carry ARC_SHARE of their persons (at most ARC_LIMIT)."""
    data = post_routes[post_routes["other_country"].isin(country_anchors(lang).index) & (post_routes["count"] > 0)]
    data = data.sort_values("count", ascending=False, kind="stable")
    before = data["count"].cumsum().shift(fill_value=0)
    return data[before < ARC_SHARE * data["count"].sum()].head(ARC_LIMIT)


def arcs_shown(post_routes: pd.DataFrame, lang: str) -> tuple[int, float]:
    """(routes drawn, their share in % of the persons whose other country is on the map)."""
    known = post_routes.loc[post_routes["other_country"].isin(country_anchors(lang).index), "count"].sum()
    drawn = drawn_routes(post_routes, lang)
    return len(drawn), (100.0 * float(drawn["count"].sum()) / float(known) if known else 0.0)


def arc_frame(post_routes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One arc per drawn route (drawn_routes: post, direction and other country; geo.flows.queries.post_routes),
    from its post ARC_REACH of the way towards the other country's name (an entry's arc arrives at the post)."""
    anchors = country_anchors(lang)
    everything = post_routes[post_routes["other_country"].isin(anchors.index)]
    data = drawn_routes(post_routes, lang)
    columns = ["from_lon", "from_lat", "to_lon", "to_lat", "width", "colour", "tilt", "route", "persons"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    other = anchors.loc[data["other_country"]]
    entry = (data["direction"] == "entry").to_numpy()
    post_lon, post_lat = data["post_lon"].to_numpy(), data["post_lat"].to_numpy()
    other_lon = post_lon + ARC_REACH * (other["lon"].to_numpy() - post_lon)
    other_lat = post_lat + ARC_REACH * (other["lat"].to_numpy() - post_lat)
    names = {c: country_label(c, lang) for c in set(data["other_country"])}
    words = {d: t(f"direction.{d}", lang) for d in ("entry", "exit")}
    return pd.DataFrame({
        "from_lon": np.where(entry, other_lon, post_lon), "from_lat": np.where(entry, other_lat, post_lat),
        "to_lon": np.where(entry, post_lon, other_lon), "to_lat": np.where(entry, post_lat, other_lat),
        "width": _scaled(data["count"], float(everything["count"].max()), 1.0, ARC_MAX_PX).to_numpy(),
        "colour": [_rgb(DIRECTION_COLOURS[d], ARC_ALPHA) for d in data["direction"]],
        # Entries and exits of a post share their ends: tilted apart, both stay visible.
        "tilt": np.where(entry, ARC_TILT, -ARC_TILT),
        "route": [f"{words[d]}: {names[o]} → {n}" if d == "entry" else f"{words[d]}: {n} → {names[o]}"
                  for d, o, n in zip(data["direction"], data["other_country"], data["post_name"], strict=True)],
        "persons": [fmt_number(v, lang) for v in data["count"]],
    })


def arc_key(post_routes: pd.DataFrame, lang: str) -> list[tuple[float, str]]:
    """(line width in pixels, persons in the page's number style) for the key of the arcs' widths: round values
    (geo.cartography.key_values) drawn as arc_frame draws them, against the same busiest route."""
    anchors = country_anchors(lang)
    counts = post_routes.loc[post_routes["other_country"].isin(anchors.index), "count"]
    top = float(counts.max()) if len(counts) else 0.0
    values = key_values(top)
    widths = _scaled(pd.Series(values, dtype=float), top, 1.0, ARC_MAX_PX)
    return [(round(float(w), 1), fmt_number(v, lang)) for w, v in zip(widths, values, strict=True)]


def direction_key(lang: str) -> list[tuple[str, str]]:
    """(direction, css colour) of the arcs, from the catalogs and constants."""
    return [(t(f"direction.{d}", lang), DIRECTION_COLOURS[d]) for d in ("entry", "exit")]


def post_size_key(post_routes: pd.DataFrame, lang: str) -> list[tuple[float, str]]:
    """(circle diameter in pixels, persons in the page's number style) for the key of the posts' circles: round
    values drawn as post_volume_frame draws them, against the same busiest post."""
    keys = ["post_name", "post_country", "post_lon", "post_lat"]
    totals = post_routes.groupby(keys)["count"].sum() if len(post_routes) else pd.Series(dtype=float)
    top = float(totals.max()) if len(totals) else 0.0
    values = key_values(top)
    radii = _scaled(pd.Series(values, dtype=float), top, 3.0, POST_MAX_PX)
    return [(round(2 * float(r), 1), fmt_number(v, lang)) for r, v in zip(radii, values, strict=True)]


def post_volume_frame(post_routes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One circle per post: all its crossings, whether or not their other country is known."""
    totals = post_routes.groupby(["post_name", "post_country", "post_lon", "post_lat"], as_index=False)["count"].sum()
    totals = totals[totals["count"] > 0]
    top = float(totals["count"].max()) if len(totals) else 1.0
    return pd.DataFrame({
        "lon": totals["post_lon"].to_numpy(), "lat": totals["post_lat"].to_numpy(),
        "radius": _scaled(totals["count"], top, 3.0, POST_MAX_PX).to_numpy(),
        "route": [f"{n} · {country_label(c, lang)}" for n, c in zip(totals["post_name"], totals["post_country"],
                                                                   strict=True)],
        "persons": [fmt_number(v, lang) for v in totals["count"]],
    })


def flow_tooltip(lang: str) -> dict:
    return {
        "html": f"<b>{{route}}</b><br/>{t('flows.map.tooltip.persons', lang)}: {{persons}}",
        "style": {"backgroundColor": "#13263A", "color": "white", "fontSize": "13px"},
    }


def under_country_names(layers: list[pdk.Layer], extra: list[pdk.Layer]) -> list[pdk.Layer]:
    """`layers` (starting with geo.maps.base_layers) with `extra` drawn before the country names, so arcs
    pass under the names and their halo instead of tangling over them."""
    at = next((i for i, layer in enumerate(layers) if layer.id == "country-labels"), len(layers))
    return [*layers[:at], *extra, *layers[at:]]


def flow_layers(post_routes: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """The region (geo.maps.base_layers), post circles and arcs over them, the country names on top."""
    layers = [pdk.Layer(
        "ScatterplotLayer", data=post_volume_frame(post_routes, lang), id="flow-posts",
        get_position=["lon", "lat"], get_radius="radius", radius_units=maps.PIXELS,
        get_fill_color=[40, 60, 80, 90], stroked=True, get_line_color=[255, 255, 255],
        line_width_min_pixels=1, pickable=True,
    )]
    layers.append(arc_layer(post_routes, lang))  # the arcs over the posts' circles, under the country names
    return under_country_names(maps.base_layers(lang), layers)


def arc_layer(post_routes: pd.DataFrame, lang: str, *, pickable: bool = True) -> pdk.Layer:
    """The arcs: where each post's entries come from and where its exits go, width by volume."""
    return pdk.Layer(
        "ArcLayer", data=arc_frame(post_routes, lang), id="flow-arcs",
        get_source_position=["from_lon", "from_lat"], get_target_position=["to_lon", "to_lat"],
        get_source_color="colour", get_target_color="colour", get_width="width", width_units=maps.PIXELS,
        get_height=0.4, get_tilt="tilt", pickable=pickable, auto_highlight=pickable,
        # Arcs rise above the ground: with the depth test they would hide the names drawn after them.
        parameters={"depthTest": False},
    )


# Room around the flow map's region: its arcs end at the country names (country_anchors), and a name at the edge
# ("PANAMÁ", at the frame's east) must show whole.
FLOW_PADDING_PX = 40.0


def flow_bounds(lang: str = "es") -> tuple[float, float, float, float]:
    """What the flow map must show: the CA4 and every point its arcs start or end at (country_anchors)."""
    anchors = country_anchors(lang)
    minx, miny, maxx, maxy = maps.CA4_BOUNDS
    return (min(minx, float(anchors["lon"].min())), min(miny, float(anchors["lat"].min())),
            max(maxx, float(anchors["lon"].max())), max(maxy, float(anchors["lat"].max())))


def flow_deck(post_routes: pd.DataFrame, lang: str, view: dict | None = None) -> pdk.Deck:
    """An offline deck like geo.maps.make_deck's (no basemap), with the flow layers and their tooltip, at `view`
    (the page's, fitted to flow_bounds: views.map_fit)."""
    return maps.make_deck(flow_layers(post_routes, lang), lang, view=view or FLOW_VIEW, tooltip=flow_tooltip(lang))
