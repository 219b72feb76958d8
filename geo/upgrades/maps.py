"""Map layers of the infrastructure page: the information-exchange network drawn over the region.

How the network is drawn, and why: the two sides of a land crossing stand about 500 m apart, invisible
at regional zoom, so a line between them alone would not read. Each connected post is instead joined by a
thin line to its country's national migration system (drawn at the capital), which shows the national
networks as stars; an interconnected crossing is joined to BOTH national systems by a thick line (hub A →
crossing → hub B) and marked with a ring, so the cross-border links stand out as the bridges between the
stars. A short thick segment between the two sides is drawn too, for when the map is zoomed in.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from geo import reference
from geo.i18n import t
from geo.map_text import name_with_country, text_layer
from geo.maps import PIXELS, make_deck
from geo.upgrades.workflow import STATUS_COLOURS

NATIONAL_LINE = [60, 60, 70, 120]
CROSS_LINE = [110, 40, 150, 235]
NATIONAL_WIDTH_PX = 1.4
CROSS_WIDTH_PX = 4.5
HUB_COLOUR = [20, 40, 80, 255]
CONNECTED = [*STATUS_COLOURS["operational"], 240]
EXCHANGE_VIEW = {"longitude": -88.3, "latitude": 14.2, "zoom": 5.8, "pitch": 0, "bearing": 0}  # the CA4
NOT_CONNECTED = [*STATUS_COLOURS["none"], 220]


def _hub_points(hubs: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {r.country_iso3: (float(r.lon), float(r.lat)) for r in hubs.itertuples()}


def national_segments(posts: pd.DataFrame, hubs: pd.DataFrame) -> pd.DataFrame:
    """One segment per post connected to its national system: post → its country's hub."""
    points = _hub_points(hubs)
    connected = posts[posts["national"] & posts["country_iso3"].isin(points)]
    return pd.DataFrame({
        "source": [[float(r.lon), float(r.lat)] for r in connected.itertuples()],
        "target": [list(points[c]) for c in connected["country_iso3"]],
    })


def crossing_paths(crossings: pd.DataFrame, hubs: pd.DataFrame) -> pd.DataFrame:
    """For each interconnected crossing, the path hub A → crossing → hub B (both national systems)."""
    points = _hub_points(hubs)
    rows = []
    for r in crossings[crossings["interconnected"]].itertuples():
        path = [[float(r.lon), float(r.lat)]]
        if r.country_a in points:
            path.insert(0, list(points[r.country_a]))
        if r.country_b in points:
            path.append(list(points[r.country_b]))
        rows.append({"path": path, "crossing_code": r.crossing_code})
    return pd.DataFrame(rows, columns=["path", "crossing_code"])


def exchange_layers(posts: pd.DataFrame, crossings: pd.DataFrame, hubs: pd.DataFrame, lang: str, *,
                    pickable: bool = False, with_posts: bool = False, with_hub_labels: bool = True) -> list[pdk.Layer]:
    """Lines of the information-exchange network (and, optionally, the posts as connected/not dots).

    Pickable objects carry `name` and `detail` for the tooltip of `exchange_deck`.
    """
    layers = [
        pdk.Layer(
            "LineLayer", data=national_segments(posts, hubs), id="national-links", get_source_position="source",
            get_target_position="target", get_color=NATIONAL_LINE, get_width=NATIONAL_WIDTH_PX, width_units=PIXELS,
            pickable=False,
        ),
        pdk.Layer(
            "PathLayer", data=crossing_paths(crossings, hubs), id="crossing-links", get_path="path",
            get_color=CROSS_LINE, get_width=CROSS_WIDTH_PX, width_units=PIXELS, width_min_pixels=3, joint_rounded=True,
            cap_rounded=True, pickable=False,
        ),
    ]
    inter = crossings[crossings["interconnected"]]
    sides = pd.DataFrame({
        "source": [[float(r.lon_a), float(r.lat_a)] for r in inter.itertuples()],
        "target": [[float(r.lon_b), float(r.lat_b)] for r in inter.itertuples()],
    })
    layers.append(pdk.Layer(
        "LineLayer", data=sides, id="crossing-sides", get_source_position="source", get_target_position="target",
        get_color=CROSS_LINE, get_width=8, width_units=PIXELS, pickable=False,
    ))
    if with_posts:
        shown = posts.assign(
            colour=[CONNECTED if n else NOT_CONNECTED for n in posts["national"]],
            filled=posts["has_components"],
            detail=[
                f"{reference.country_name(c, lang)} · {t('infra.tooltip.national', lang)}: "
                f"{t(f'status.{s}', lang) if isinstance(s, str) else t('status.none', lang)}"
                for c, s in zip(posts["country_iso3"], posts["national_status"], strict=True)
            ],
        )
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=shown[shown["filled"]][["name", "detail", "lon", "lat", "colour"]],
            id="exchange-posts", get_position=["lon", "lat"], get_radius=5, radius_units=PIXELS,
            get_fill_color="colour", stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1,
            pickable=pickable, auto_highlight=pickable,
        ))
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=shown[~shown["filled"]][["name", "detail", "lon", "lat", "colour"]],
            id="context-posts", get_position=["lon", "lat"], get_radius=4, radius_units=PIXELS, filled=False,
            stroked=True, get_line_color=NOT_CONNECTED, line_width_min_pixels=1.2, pickable=pickable,
        ))
    rings = inter.assign(
        detail=t("infra.tooltip.crossing", lang),
        name=[name_with_country(n, f"{reference.country_name(a, lang)} – {reference.country_name(b, lang)}")
              for n, a, b in zip(inter["name"], inter["country_a"], inter["country_b"], strict=True)],  # not its code
    )[["name", "detail", "lon", "lat"]]
    layers.append(pdk.Layer(
        "ScatterplotLayer", data=rings, id="crossing-rings", get_position=["lon", "lat"], get_radius=11,
        radius_units=PIXELS, filled=True, get_fill_color=[255, 255, 255, 120], stroked=True,
        get_line_color=CROSS_LINE, line_width_min_pixels=3, pickable=pickable,
    ))
    hub_data = hubs.assign(
        name=hubs["name"], detail=t("infra.tooltip.hub", lang) + " · "
        + hubs["country_iso3"].map(lambda c: reference.country_name(c, lang)),
    )[["name", "detail", "lon", "lat"]]
    layers.append(pdk.Layer(
        "ScatterplotLayer", data=hub_data, id="hubs", get_position=["lon", "lat"], get_radius=8,
        radius_units=PIXELS, get_fill_color=HUB_COLOUR, stroked=True, get_line_color=[255, 255, 255],
        line_width_min_pixels=2, pickable=pickable,
    ))
    if with_hub_labels:
        layers.append(text_layer("hub-labels", hub_data, text="name", size_px=13, colour=[20, 40, 80],
                                 get_pixel_offset=[0, 17]))
    return layers


def exchange_deck(layers: list[pdk.Layer], lang: str, view: dict | None = None) -> pdk.Deck:
    """A deck for the exchange view: offline, with a tooltip of {name} and {detail} placeholders only; `view`: the
    page's, fitted to the CA4 (views.map_fit), so Petén and southern Nicaragua show at every width."""
    return make_deck(layers, lang, view=view or EXCHANGE_VIEW, tooltip={
        "html": "<b>{name}</b><br/>{detail}",
        "style": {"backgroundColor": "#13263A", "color": "white", "fontSize": "13px"}})


# The swatches' line widths in pixels, as exchange_layers draws the lines (a hub is a dot: 0).
LEGEND_WIDTHS = {"line-thin": NATIONAL_WIDTH_PX, "line-thick": CROSS_WIDTH_PX, "dot": 0.0}


def legend_items() -> list[tuple[str, str, str]]:
    """(i18n key, css colour, css style of the swatch) for the exchange legend."""
    return [
        ("infra.exchange.legend.national", "rgba({},{},{},0.6)".format(*NATIONAL_LINE[:3]), "line-thin"),
        ("infra.exchange.legend.cross", "rgb({},{},{})".format(*CROSS_LINE[:3]), "line-thick"),
        ("infra.exchange.legend.hub", "rgb({},{},{})".format(*HUB_COLOUR[:3]), "dot"),
    ]
