"""pydeck layers and decks built from DataFrames. Drawn entirely offline: no basemap unless asked.

The region itself (sea, countries, borders, labels) is drawn as layers, so the map works in a room
with no network. Tooltips use {field} placeholders: values are escaped by Streamlit, never HTML.
"""

from __future__ import annotations

import base64
import json
import math
import weakref
from functools import cache, lru_cache

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from geo import reference
from geo.i18n import t
from geo.upgrades.workflow import OVERALL_ORDER, STATUS_COLOURS, status_colour

# pydeck turns every plain string into a JavaScript expression; constants must be wrapped.
PIXELS = pdk.types.String("pixels")
FONT = pdk.types.String("'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif")
INITIAL_VIEW = {"longitude": -87.7, "latitude": 14.3, "zoom": 5.3, "pitch": 0, "bearing": 0}
SEA = [214, 233, 245]
CA4_FILL = [250, 248, 240]
NEIGHBOUR_FILL = [228, 228, 222]
BORDER_COLOUR = [120, 60, 60]

# Marks per post type: a circle for land, a triangle for air, a diamond for sea. Inline SVG as data
# URLs (no network); `mask` lets deck.gl tint them with the status colour.
_SHAPES = {
    "land": '<circle cx="32" cy="32" r="26"/>',
    "air": '<polygon points="32,4 60,58 4,58"/>',
    "sea": '<polygon points="32,2 62,32 32,62 2,32"/>',
}


@cache
def _icon(post_type: str) -> dict:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        f'<g fill="white" stroke="white" stroke-width="2">{_SHAPES[post_type]}</g></svg>'
    )
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return {"url": url, "width": 64, "height": 64, "anchorY": 32, "mask": True, "id": post_type}


@lru_cache(maxsize=4)
def _geojson(kind: str) -> dict:
    frame = reference.countries(display=True) if kind == "countries" else reference.borders(display=True)
    return json.loads(frame.to_json())


@lru_cache(maxsize=2)
def country_label_points(lang: str) -> pd.DataFrame:
    frame = reference.countries(display=True)
    # Label points inside each country (representative_point, not the centroid, stays on land); nudged
    # for Mexico and Panama, whose clipped shapes would otherwise put the label at the frame's edge.
    points = frame.geometry.representative_point()
    labels = pd.DataFrame({
        "iso3": frame["iso3"],
        "label": frame["name_es" if lang == "es" else "name_en"].str.upper(),
        "lon": points.x,
        "lat": points.y,
    })
    overrides = {"MEX": (-92.6, 17.7), "PAN": (-80.3, 8.4), "CRI": (-84.1, 9.95), "BLZ": (-88.7, 17.3)}
    for iso3, (lon, lat) in overrides.items():
        labels.loc[labels["iso3"] == iso3, ["lon", "lat"]] = (lon, lat)
    return labels


def character_set(texts: pd.Series) -> pdk.types.String:
    """Glyphs the TextLayer must render: ASCII plus every character of the texts (accents, ñ).

    deck.gl's default is ASCII only. pydeck turns plain strings and lists of strings into JavaScript
    expressions, so the glyphs go as a literal String.
    """
    ascii_chars = {chr(c) for c in range(32, 127)}
    return pdk.types.String("".join(sorted(ascii_chars | set("".join(texts.astype(str))))))


def base_layers(lang: str) -> list[pdk.Layer]:
    """Sea, countries, border lines and country labels."""
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    sea = pdk.Layer(
        "PolygonLayer",
        data=[{"polygon": [[minx - 10, miny - 10], [maxx + 10, miny - 10], [maxx + 10, maxy + 10],
                           [minx - 10, maxy + 10]]}],
        id="sea", get_polygon="polygon", get_fill_color=SEA, stroked=False, pickable=False,
    )
    countries = pdk.Layer(
        "GeoJsonLayer", data=_geojson("countries"), id="countries", stroked=True, filled=True,
        get_fill_color=f"properties.is_ca4 ? {CA4_FILL} : {NEIGHBOUR_FILL}",
        get_line_color=[160, 160, 150], line_width_min_pixels=0.5, pickable=False,
    )
    borders = pdk.Layer(
        "GeoJsonLayer", data=_geojson("borders"), id="borders", stroked=True, filled=False,
        get_line_color=BORDER_COLOUR, line_width_min_pixels=1.6, pickable=False,
    )
    labels = pdk.Layer(
        "TextLayer", data=country_label_points(lang), id="country-labels", get_position=["lon", "lat"],
        get_text="label", get_size=13, get_color=[90, 90, 90], font_weight=600, font_family=FONT,
        character_set=character_set(country_label_points(lang)["label"]), pickable=False,
    )
    return [sea, countries, borders, labels]


def post_size_px(flow: pd.Series) -> pd.Series:
    """Mark size in pixels, by area: proportional to the square root of recent flow volume."""
    top = float(flow.max()) if len(flow) and flow.max() > 0 else 1.0
    return 12 + 22 * (flow.clip(lower=0) / top).map(math.sqrt)


def posts_map_frame(posts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The columns the post layers and tooltips need, with labels in `lang`."""
    frame = posts.copy()
    frame["country_name"] = frame["country_iso3"].map(lambda c: reference.country_name(c, lang))
    frame["type_label"] = frame["type"].map(lambda v: t(f"post_type.{v}", lang))
    frame["status_label"] = frame["status"].map(lambda v: t(f"status.{v}", lang))
    frame["flow_label"] = frame["recent_flow"].map(lambda v: f"{v:,.0f}".replace(",", "." if lang == "es" else ","))
    frame["colour"] = frame["status"].map(lambda s: status_colour(s))
    frame["size"] = post_size_px(frame["recent_flow"])
    frame["icon"] = frame["type"].map(_icon)
    return frame


def post_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Few enough labels to read at regional zoom: one per land crossing (its first CA4 side, else its
    first side) and the IATA code of airports. Seaports go unlabelled (their tooltip names them)."""
    land = frame[frame["type"] == "land"].assign(_ca4=lambda f: ~f["country_iso3"].isin(reference.CA4))
    crossings = land.sort_values(["crossing_code", "_ca4", "country_iso3"]).drop_duplicates("crossing_code")
    airports = frame[frame["type"] == "air"].assign(name=lambda f: f["code"].str.split("-").str[1])
    labels = pd.concat([crossings, airports])
    return labels.assign(label=labels["name"])[["label", "lon", "lat"]].reset_index(drop=True)


def post_layers(posts: pd.DataFrame, lang: str, *, labels: bool = True, selected: str | None = None) -> list[pdk.Layer]:
    """Posts as marks (shape by type, colour by status, size by flow) and optional name labels."""
    frame = posts_map_frame(posts, lang)
    columns = ["code", "name", "country_name", "type_label", "status_label", "flow_label", "road",
               "lon", "lat", "colour", "size", "icon"]
    data = frame[columns].fillna({"road": "–"})
    layers = []
    if selected is not None and (data["code"] == selected).any():
        ring = data[data["code"] == selected]
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=ring[["lon", "lat", "size"]], id="selected-ring",
            get_position=["lon", "lat"], get_radius="size", radius_units=PIXELS, stroked=True,
            filled=False, get_line_color=[20, 20, 20], line_width_min_pixels=3, pickable=False,
        ))
    layers.append(pdk.Layer(
        "IconLayer", data=data, id="posts", get_position=["lon", "lat"], get_icon="icon",
        get_size="size", size_units=PIXELS, get_color="colour", pickable=True, auto_highlight=True,
    ))
    if labels:
        label_data = post_labels(frame)
        layers.append(pdk.Layer(
            "TextLayer", data=label_data, id="post-labels", get_position=["lon", "lat"],
            get_text="label", get_size=12, get_color=[30, 40, 60], get_pixel_offset=[0, 16],
            character_set=character_set(label_data["label"]), font_family=FONT, font_settings={"sdf": True},
            outline_width=3, outline_color=[255, 255, 255, 230], pickable=False,
        ))
    return layers


def post_tooltip(lang: str) -> dict:
    """Tooltip template: static text from i18n, data only through {placeholders}."""
    return {
        "html": (
            "<b>{name}</b><br/>{country_name} · {type_label}<br/>"
            f"{t('map.tooltip.status', lang)}: {{status_label}}<br/>"
            f"{t('map.tooltip.flow', lang)}: {{flow_label}}"
        ),
        "style": {"backgroundColor": "#13263A", "color": "white", "fontSize": "13px"},
    }


# The region layers of base_layers: the same data on every run, and most of a deck's JSON.
REGION_LAYER_IDS = ("sea", "countries", "borders", "country-labels")
_DECK_LANG: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # deck -> language of its region


@lru_cache(maxsize=4)
def _region_json(lang: str) -> dict[str, str]:
    """The region layers' data as JSON text, made once per language: it never changes while the app runs."""
    return {layer.id: json.dumps(layer.data, default=default_serialize, separators=(",", ":"))
            for layer in base_layers(lang) if layer.id in REGION_LAYER_IDS}


class RegionDeck(pdk.Deck):
    """A Deck that does not turn the region into JSON again on every run: the country outlines are most of
    the JSON, and serialising them took about a quarter of a map page's run time. The region layers are
    written as placeholders, then the cached text of each is put in their place."""

    def to_json(self) -> str:
        lang = _DECK_LANG.get(self)
        region = [layer for layer in self.layers if layer.id in REGION_LAYER_IDS] if lang else []
        saved = [layer._data for layer in region]
        try:
            for layer in region:
                layer._data = f"@@region:{layer.id}@@"
            text = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        finally:
            for layer, data in zip(region, saved, strict=True):
                layer._data = data
        cached = _region_json(lang) if lang else {}
        for layer in region:
            text = text.replace(json.dumps(f"@@region:{layer.id}@@"), cached[layer.id], 1)
        return text


def make_deck(layers: list[pdk.Layer], lang: str, *, online_basemap: bool = False,
              view: dict | None = None, tooltip: dict | None = None) -> pdk.Deck:
    """A deck with no basemap (offline) unless `online_basemap` is asked for.

    `tooltip` defaults to the posts' template; any other must use {field} placeholders only.
    """
    kwargs = {"map_provider": "carto", "map_style": "light"} if online_basemap else {"map_provider": None}
    deck = RegionDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**(view or INITIAL_VIEW)),
        tooltip=tooltip or post_tooltip(lang),
        **kwargs,
    )
    _DECK_LANG[deck] = lang
    return deck


def legend_items(lang: str) -> list[tuple[str, str]]:
    """(label, css colour) for the status legend."""
    return [
        (t(f"status.{s}", lang), "rgb({},{},{})".format(*STATUS_COLOURS[s])) for s in OVERALL_ORDER
    ]
