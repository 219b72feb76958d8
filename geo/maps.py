"""pydeck layers and decks built from DataFrames. Drawn entirely offline: no basemap unless asked.

The region itself (sea, countries, borders, labels) is drawn as layers, so the map works in a room
with no network. Tooltips use {field} placeholders: values are escaped by Streamlit, never HTML.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import weakref
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
import pydeck as pdk

from geo import reference
from geo.cartography import (
    NEIGHBOUR_MARK_PX,
    country_label_points,
    country_labels_in_view,
    fitted_view,
    mark_frame,
    mark_size_px,
    names_above_marks,
    names_clear_of_marks,
)
from geo.config import REPO_ROOT
from geo.i18n import fmt_number, fmt_percent, t
from geo.map_text import airport_label, one_place_crossings, post_display_names, text_layer
from geo.placement import (
    COUNTRY_LABEL_STYLE,
    POST_LABEL_STYLE,
    LabelStyle,
    label_boxes,
    place_labels,
    world_px,
)
from geo.upgrades.workflow import (
    OVERALL_ORDER,
    SHARE_CLASSES,
    SHARE_COLOURS,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    share_class,
    status_colour,
)

# pydeck turns every plain string into a JavaScript expression; constants must be wrapped.
PIXELS = pdk.types.String("pixels")
SEA = [214, 233, 245]
CA4_FILL = [250, 248, 240]
NEIGHBOUR_FILL = [228, 228, 222]
BORDER_COLOUR = [120, 60, 60]
NEIGHBOUR_MARK = [125, 125, 125]
COUNTRY_INK = [70, 76, 84]  # country names: dark grey capitals, a step back from the posts' names
POST_INK = [20, 30, 48]  # neighbours' posts: grey, hollow context marks

# The CA4 countries' extent (lon/lat; tests/test_maps.py checks it against data/reference) and the
# narrowest map canvas it must fit: a 390-px phone less Streamlit's 16-px margins, by the map's height.
CA4_BOUNDS = (-92.25, 10.71, -82.73, 17.82)
MAP_HEIGHT_PX = 560
PHONE_CANVAS = (358.0, float(MAP_HEIGHT_PX))
SELECTED_ZOOM = 7.0  # how close the map comes to a selected post
SELECTED_RING_GAP_PX = 5.0  # the ring around a selected post, beyond its mark

# Marks per post type: a circle for land, a triangle for air, a diamond for sea; filled for the
# programme's posts, hollow for the neighbours'. One inline SVG atlas (no network), sent once per layer
# rather than once per post; `mask` lets deck.gl tint each mark with its colour.
_SHAPES = {
    "land": '<circle cx="32" cy="32" r="26"/>',
    "air": '<polygon points="32,4 60,58 4,58"/>',
    "sea": '<polygon points="32,2 62,32 32,62 2,32"/>',
}
# The statuses that need action (workflow.STATUS_SYMBOLS) are cut out of their post's mark as a symbol, "!" for
# delayed and a pause sign for suspended, so a problem never rests on colour alone; being part of the mark, a
# symbol stays with its own post where marks overlap. Drawn in a 64-px box, scaled into each shape's middle.
_SYMBOLS = {
    "delayed": '<rect x="25" y="6" width="14" height="34" rx="3"/><circle cx="32" cy="52" r="8"/>',
    "suspended": '<rect x="13" y="8" width="14" height="48" rx="2"/><rect x="37" y="8" width="14" height="48" rx="2"/>',
}
_SYMBOL_PLACE = {"land": (32, 32, 0.56), "air": (32, 41, 0.4), "sea": (32, 32, 0.46)}  # centre x, y and scale
_ICON_NAMES = [*_SHAPES, *(f"{name}-hollow" for name in _SHAPES),
               *(f"{name}-{status}" for name in _SHAPES for status in _SYMBOLS)]
ICON_MAPPING = {name: {"x": 64 * i, "y": 0, "width": 64, "height": 64, "anchorY": 32, "mask": True}
                for i, name in enumerate(_ICON_NAMES)}


@cache
def _icon_atlas() -> str:
    cells, masks = [], []
    for i, name in enumerate(_ICON_NAMES):
        kind, _, variant = name.partition("-")
        shape = _SHAPES[kind]
        paint = ('fill="none" stroke="white" stroke-width="9"' if variant == "hollow"
                 else 'fill="white" stroke="white" stroke-width="2"')
        if variant in _SYMBOLS:  # the symbol as a hole: an SVG mask, black where the symbol is
            cx, cy, scale = _SYMBOL_PLACE[kind]
            masks.append(f'<mask id="m{i}" maskUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
                         f'<rect width="64" height="64" fill="white"/><g fill="black" transform="translate('
                         f'{cx - 32 * scale},{cy - 32 * scale}) scale({scale})">{_SYMBOLS[variant]}</g></mask>')
            paint += f' mask="url(#m{i})"'
        cells.append(f'<g transform="translate({64 * i},0)"><g {paint}>{shape}</g></g>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{64 * len(_ICON_NAMES)}" height="64" '
           f'viewBox="0 0 {64 * len(_ICON_NAMES)} 64"><defs>{"".join(masks)}</defs>{"".join(cells)}</svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _round_coordinates(value: object, places: int = 3) -> object:
    """Coordinates to `places` decimals (3: about 100 m, finer than a pixel at regional zoom)."""
    if isinstance(value, float):
        return round(value, places)
    if isinstance(value, list):
        return [_round_coordinates(v, places) for v in value]
    return value


@lru_cache(maxsize=4)
def region_geojson(kind: str) -> dict:
    """The display countries ("countries") or border lines ("borders") as GeoJSON, coordinates rounded."""
    frame = reference.countries(display=True) if kind == "countries" else reference.borders(display=True)
    geojson = json.loads(frame.to_json())
    for feature in geojson["features"]:  # the browser needs no more than ~100 m here; halves the bytes sent
        feature["geometry"]["coordinates"] = _round_coordinates(feature["geometry"]["coordinates"])
        feature.pop("bbox", None)
    geojson.pop("bbox", None)
    return geojson


# The region's polygons are served once as static files (Streamlit's static serving, ./static/ beside app.py,
# `server.enableStaticServing` in .streamlit/config.toml) and the deck layers load them by URL: each rerun
# then resends a URL of a few dozen bytes instead of ~100 KB of outlines. Derived from data/reference by
# scripts/build_static.py; tests/test_maps.py checks the committed copies are current.
STATIC_DIR = REPO_ROOT / "static"
REGION_FILES = {"countries": "ca4-countries.json", "borders": "ca4-borders.json"}


def region_json_text(kind: str) -> str:
    """The exact text of the static file for `kind` (compact JSON, UTF-8, newline at the end)."""
    return json.dumps(region_geojson(kind), ensure_ascii=False, separators=(",", ":")) + "\n"


def write_region_files(out: Path = STATIC_DIR) -> list[Path]:
    """Write the static region files into `out` (scripts/build_static.py); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in REGION_FILES.items():
        path = out / name
        path.write_text(region_json_text(kind), encoding="utf-8")
        written.append(path)
    return written


def _static_serving() -> bool:
    try:
        from streamlit import config
        return bool(config.get_option("server.enableStaticServing"))
    except Exception:  # no Streamlit config at all (a script): send the data inline
        return False


@lru_cache(maxsize=4)
def region_data(kind: str, served: bool | None = None) -> str | dict:
    """What a region layer's `data` is: a URL of the static file when the server serves ./static/ and the
    file is current, else the GeoJSON inline (always correct; only bigger).

    The URL is relative to the page ("app/static/...", no leading slash), so it resolves under any base
    path a proxy adds; Streamlit's page URLs are one level deep (/map), so it lands on <base>/app/static/.
    A `v` parameter with the content's hash makes a changed file a new URL, never a stale cached copy.
    """
    served = _static_serving() if served is None else served
    path = STATIC_DIR / REGION_FILES[kind]
    text = region_json_text(kind)
    if not served or not path.is_file() or path.read_text(encoding="utf-8") != text:
        return region_geojson(kind)
    version = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"app/static/{REGION_FILES[kind]}?v={version}"


def country_labels(lang: str, view: dict | None = None, canvas: tuple[float, float] | None = None,
                   posts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The country names a map prints: at their regional points, or for a `view` in a `canvas`, on the visible
    part of each country's land (geo.cartography.country_labels_in_view), clear of the marks of `posts` when
    given (geo.cartography.names_clear_of_marks)."""
    if view is None or canvas is None:
        return country_label_points(lang)
    labels = country_labels_in_view(lang, view, canvas)
    if posts is None or posts.empty:
        return labels
    return names_clear_of_marks(labels, mark_frame(posts), view, canvas)


def base_layers(lang: str, view: dict | None = None, canvas: tuple[float, float] | None = None,
                posts: pd.DataFrame | None = None) -> list[pdk.Layer]:
    """Sea, countries, border lines and country labels (for `view` in `canvas` when given, clear of the marks of
    `posts` when given: country_labels)."""
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    sea = pdk.Layer(
        "PolygonLayer",
        data=[{"polygon": [[minx - 10, miny - 10], [maxx + 10, miny - 10], [maxx + 10, maxy + 10],
                           [minx - 10, maxy + 10]]}],
        id="sea", get_polygon="polygon", get_fill_color=SEA, stroked=False, pickable=False,
    )
    countries = pdk.Layer(
        "GeoJsonLayer", data=region_data("countries"), id="countries", stroked=True, filled=True,
        get_fill_color=f"properties.is_ca4 ? {CA4_FILL} : {NEIGHBOUR_FILL}",
        get_line_color=[160, 160, 150], line_width_min_pixels=0.5, pickable=False,
    )
    borders = pdk.Layer(
        "GeoJsonLayer", data=region_data("borders"), id="borders", stroked=True, filled=False,
        get_line_color=BORDER_COLOUR, line_width_min_pixels=1.6, pickable=False,
    )
    labels = text_layer("country-labels", country_labels(lang, view, canvas, posts),
                        size_px=COUNTRY_LABEL_STYLE.size_px, colour=COUNTRY_INK, weight=700, halo_px=2.5)
    if view is not None and canvas is not None:  # a view's own names: sent as they are, not the cached regional ones
        _VIEW_LABELS.add(labels)
    return [sea, countries, borders, labels]


def post_size_px(flow: pd.Series) -> pd.Series:
    """Mark size in pixels, by area: proportional to the square root of recent flow volume."""
    return mark_size_px(flow, float(flow.max()) if len(flow) else 0.0)


def posts_map_frame(posts: pd.DataFrame, lang: str, shares: dict[str, tuple[int, int]] | None = None) -> pd.DataFrame:
    """The columns the post layers and tooltips need, with labels in `lang`. With `shares` (post code ->
    (operational components, components), geo.upgrades.workflow.operational_share) the programme's posts are
    coloured by the share of their components that are operational instead of by their overall status."""
    frame = posts.copy()
    frame["country_name"] = frame["country_iso3"].map(lambda c: reference.country_name(c, lang))
    frame["type_label"] = frame["type"].map(lambda v: t(f"post_type.{v}", lang))
    frame["status_label"] = frame["status"].map(lambda v: t(f"status.{v}", lang))
    frame["flow_label"] = frame["recent_flow"].map(lambda v: fmt_number(v, lang))
    frame["programme"] = frame["country_iso3"].isin(reference.CA4)
    # Neighbours' posts are context: a muted hollow mark, smaller, never over a programme post.
    frame["colour"] = [status_colour(s) if ca4 else NEIGHBOUR_MARK
                       for s, ca4 in zip(frame["status"], frame["programme"], strict=True)]
    frame["size"] = post_size_px(frame["recent_flow"]).where(frame["programme"], NEIGHBOUR_MARK_PX).round(1)
    if shares is not None:
        counts = [shares.get(code, (0, 0)) for code in frame["code"]]
        frame["share_label"] = [
            t("share.label", lang, operational=fmt_number(done, lang), total=fmt_number(total, lang),
              pct=fmt_percent(100 * done / total, lang)) if total else t("share.none", lang)
            for done, total in counts]
        frame["colour"] = [[*SHARE_COLOURS[share_class(*count)], 230] if ca4 else NEIGHBOUR_MARK
                           for count, ca4 in zip(counts, frame["programme"], strict=True)]
    flagged = frame["programme"] & frame["status"].isin(list(STATUS_SYMBOLS)) & (shares is None)
    frame["icon"] = frame["type"].where(frame["programme"], frame["type"] + "-hollow").where(
        ~flagged, frame["type"] + "-" + frame["status"])
    frame["lon"] = frame["lon"].round(5)
    frame["lat"] = frame["lat"].round(5)
    return frame


# The other pages' regional maps keep their desktop view (their owners choose); the map page fits its view
# to the width the browser reports (region_view), and to a phone's until it knows.
INITIAL_VIEW = {"longitude": -87.7, "latitude": 14.3, "zoom": 5.3, "pitch": 0, "bearing": 0}
DESKTOP_CANVAS = (900.0, float(MAP_HEIGHT_PX))
PHONE_VIEW = fitted_view(CA4_BOUNDS, PHONE_CANVAS)  # the CA4 whole on the narrowest screen


def region_view(canvas: tuple[float, float] | None, bounds: tuple[float, float, float, float] = CA4_BOUNDS,
                padding_px: float = 10.0) -> dict:
    """The first view of a map canvas of `canvas` (width, height) pixels, `bounds` whole (default: the CA4) by
    THE fitting rule (geo.cartography.fitted_view); a canvas not yet measured (None) is a phone's."""
    return fitted_view(bounds, canvas or PHONE_CANVAS, padding_px)


def mark_boxes(frame: pd.DataFrame, zoom: float, inset: float = 0.3) -> pd.DataFrame:
    """Boxes of post marks (lon, lat, size in pixels), inset to `inset` of the size each side of the centre:
    a label may graze a mark's edge (its halo keeps it readable there)."""
    x, y = world_px(frame["lon"], frame["lat"], zoom)
    half = frame["size"].to_numpy(dtype=float) * inset
    return pd.DataFrame({"x0": x - half, "y0": y - half, "x1": x + half, "y1": y + half}, index=frame.index)


def label_candidates(frame: pd.DataFrame, selected: str | None = None, lang: str = "es") -> pd.DataFrame:
    """One candidate label per land post and per airport, by name (a name two posts share carries its
    country; an airport by its short name, never its IATA code), each with its own recent traffic as its
    priority, so the busiest posts are named first. Seaports go unlabelled (their tooltip names them). The
    selected post always comes first; its partner across the crossing is left out (it would sit on it)."""
    columns = ["code", "name", "type", "country_iso3", "crossing_code", "recent_flow", "programme", "lon", "lat",
               "size"]
    named = frame[frame["type"].isin(["land", "air"]) | (frame["code"] == selected)]
    # Both sides of a crossing under one name ("El Florido", "Peñas Blancas") are one place: one label, the
    # crossing's name, at its busier side, for both sides' traffic. Other shared names carry their country.
    crossing = named["crossing_code"].where(named["type"] == "land")
    one_name = one_place_crossings(named).notna()  # THE one-place rule (geo.map_text)
    traffic = named["recent_flow"].clip(lower=0).groupby(crossing).transform("sum")
    busier = named.assign(_key=crossing).sort_values(["programme", "recent_flow"], ascending=False)
    first_side = set(busier[one_name.loc[busier.index]].drop_duplicates("_key")["code"])
    keep = ~one_name | named["code"].isin(first_side) | (named["code"] == selected)
    named = named[keep].assign(recent_flow=named["recent_flow"].where(~one_name, traffic)[keep])
    display = post_display_names(named, lang)  # a name still shared among the candidates carries its country
    posts = named[columns].to_dict("records")
    rows = []
    for post, name in zip(posts, display.tolist(), strict=True):
        label = airport_label(post["name"], reference.country_name(post["country_iso3"], lang)) \
            if post["type"] == "air" else name
        # Every programme post before any neighbour's (context, labelled only where room is left).
        flow = max(float(post["recent_flow"]), 0.0)
        rows.append({**post, "label": label, "priority": flow if post["programme"] else flow / 1e12 - 1})
    chosen = [row for row in rows if row["code"] == selected]
    if chosen:
        crossing = chosen[0]["crossing_code"]
        chosen[0]["priority"] = math.inf
        if chosen[0]["type"] != "air":  # the selected side by its own name: "El Amatillo (El Salvador)"
            chosen[0]["label"] = post_display_names(frame, lang)[frame["code"] == selected].iloc[0]
        rows = chosen + [row for row in rows if row["code"] != selected
                         and (not isinstance(crossing, str) or row["crossing_code"] != crossing)]
    labels = pd.DataFrame(rows, columns=[*columns, "label", "priority"])
    labels["radius"] = labels["size"].astype(float) / 2
    labels.loc[labels["code"] == selected, "radius"] += SELECTED_RING_GAP_PX  # clear of the ring
    labels["priority"] = labels["priority"].astype(float)
    return labels[["code", "label", "lon", "lat", "priority", "radius"]]


def post_labels(frame: pd.DataFrame, view: dict | None = None, *, lang: str = "es", selected: str | None = None,
                canvas: tuple[float, float] | None = None, style: LabelStyle = POST_LABEL_STYLE) -> pd.DataFrame:
    """The post labels to send for `view`: by priority, none overlapping another or a country name,
    none covering a programme post's mark, all inside the canvas (see place_labels)."""
    view = view or INITIAL_VIEW
    zoom = float(view["zoom"])
    if "programme" not in frame:
        frame = frame.assign(programme=frame["country_iso3"].isin(reference.CA4))
    if "size" not in frame:
        frame = frame.assign(size=post_size_px(frame["recent_flow"]))
    countries = country_labels(lang, view if canvas else None, canvas, frame if canvas else None)
    programme = frame[frame["programme"]]
    candidates = label_candidates(frame, selected, lang)
    # A programme mark is kept clear of the names of quieter posts only: in El Salvador and the trifinio, where
    # marks touch at regional zoom, the busiest posts are named first, their names printed (with a halo) over
    # the edge of a quieter post's mark rather than left out (the quieter post's tooltip still names it).
    rank = programme["code"].map(candidates.set_index("code")["priority"]).fillna(
        programme["recent_flow"].clip(lower=0).astype(float))
    obstacles = label_boxes(countries, zoom, COUNTRY_LABEL_STYLE)
    return place_labels(candidates, view, canvas=canvas or DESKTOP_CANVAS, obstacles=obstacles, style=style,
                        ranked_obstacles=mark_boxes(programme, zoom).assign(priority=rank.to_numpy()))


def selected_view(posts: pd.DataFrame, code: str | None, zoom: float = SELECTED_ZOOM) -> dict | None:
    """A view centred on the selected post, closer in (None when it is not among `posts`)."""
    row = posts[posts["code"] == code] if code else posts.iloc[0:0]
    if row.empty:
        return None
    return {**INITIAL_VIEW, "longitude": round(float(row["lon"].iloc[0]), 5),
            "latitude": round(float(row["lat"].iloc[0]), 5), "zoom": zoom}


def post_layers(posts: pd.DataFrame, lang: str, *, labels: bool = True, selected: str | None = None,
                view: dict | None = None, canvas: tuple[float, float] | None = None,
                label_style: LabelStyle = POST_LABEL_STYLE,
                shares: dict[str, tuple[int, int]] | None = None) -> list[pdk.Layer]:
    """Posts as marks (shape by type, colour by status, size by flow) and optional name labels.

    Neighbours' posts (Mexico, Belize, Costa Rica) are drawn first, hollow and grey: context under the
    programme's posts, which come after and so on top. Labels are placed for `view` (default: the initial
    view) in a canvas of `canvas` pixels (default: a desktop map's), by the crossing's traffic.
    """
    frame = posts_map_frame(posts, lang, shares)
    columns = ["code", "name", "country_name", "type_label", "status_label", "flow_label", "road",
               "lon", "lat", "colour", "size", "icon", *(["share_label"] if shares is not None else [])]
    data = frame[columns].fillna({"road": "–"})
    atlas = {"icon_atlas": pdk.types.String(_icon_atlas()), "icon_mapping": ICON_MAPPING}
    marks = {"get_position": ["lon", "lat"], "get_icon": "icon", "get_size": "size", "size_units": PIXELS,
             "get_color": "colour", "pickable": True, "auto_highlight": True, **atlas}
    layers = [
        pdk.Layer("IconLayer", data=data[~frame["programme"]], id="neighbour-posts", **marks),
        pdk.Layer("IconLayer", data=data[frame["programme"]], id="posts", **marks),
    ]
    if labels:
        label_data = post_labels(frame, view, lang=lang, selected=selected, canvas=canvas, style=label_style)
        layers.append(text_layer("post-labels", label_data, size_px=label_style.size_px, colour=POST_INK,
                                 placed=True))
    if selected is not None and (data["code"] == selected).any():
        ring = data[data["code"] == selected]
        ring = ring.assign(ring=ring["size"] / 2 + SELECTED_RING_GAP_PX)[["lon", "lat", "ring"]]
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=ring, id="selected-ring",
            get_position=["lon", "lat"], get_radius="ring", radius_units=PIXELS, stroked=True,
            filled=False, get_line_color=[20, 20, 20], line_width_min_pixels=3, pickable=False,
        ))
    return layers


def post_tooltip(lang: str, shares: bool = False) -> dict:
    """Tooltip template: static text from i18n, data only through {placeholders} (`shares`: the layers carry
    share_label, post_layers(shares=...))."""
    share_line = f"{t('map.tooltip.share', lang)}: {{share_label}}<br/>" if shares else ""
    return {
        "html": (
            "<b>{name}</b><br/>{country_name} · {type_label}<br/>"
            f"{share_line}{t('map.tooltip.status', lang)}: {{status_label}}<br/>"
            f"{t('map.tooltip.flow', lang)}: {{flow_label}}"
        ),
        "style": {"backgroundColor": "#13263A", "color": "white", "fontSize": "13px"},
    }


# The region layers of base_layers: the same data on every run, and most of a deck's JSON.
REGION_LAYER_IDS = ("sea", "countries", "borders", "country-labels")
_DECK_LANG: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # deck -> language of its region
_VIEW_LABELS: weakref.WeakSet = weakref.WeakSet()  # country-label layers placed for a view (base_layers(view=...))


@lru_cache(maxsize=4)
def _region_json(lang: str) -> dict[str, str]:
    """Each region layer as compact JSON text, written once per language by pydeck's public Layer.to_json:
    the region never changes while the app runs."""
    return {layer.id: json.dumps(json.loads(layer.to_json()), separators=(",", ":"))
            for layer in base_layers(lang) if layer.id in REGION_LAYER_IDS}


class RegionDeck(pdk.Deck):
    """A Deck that does not turn the region into JSON again on every run (before the outlines were served as
    static files they were most of the JSON, and serialising them took about a quarter of a map page's run;
    inline, when static serving is off, they still are). Only public pydeck is used: the
    deck is written by Deck.to_json without its region layers (the public `layers` attribute, restored
    after), then each region layer's cached text takes its place in the layer list."""

    # A deck cached by a page (st.cache_data) comes back as an unpickled copy: its language travels with it,
    # else the copy would fall back to pydeck's own JSON (indented: three times the bytes on every run).
    def __getstate__(self) -> dict:
        return {**self.__dict__, "_region_lang": _DECK_LANG.get(self),
                "_view_labels": [i for i, layer in enumerate(self.layers) if layer in _VIEW_LABELS]}

    def __setstate__(self, state: dict) -> None:
        lang = state.pop("_region_lang", None)
        view_labels = state.pop("_view_labels", [])
        self.__dict__.update(state)
        if lang:
            _DECK_LANG[self] = lang
        for i in view_labels:
            _VIEW_LABELS.add(self.layers[i])

    def to_json(self) -> str:
        lang = _DECK_LANG.get(self)
        layers = list(self.layers)
        regional = [layer.id in REGION_LAYER_IDS and layer not in _VIEW_LABELS for layer in layers]
        if not lang or not any(regional):
            return json.dumps(json.loads(super().to_json()), sort_keys=True, separators=(",", ":"))
        self.layers = [layer for layer, region in zip(layers, regional, strict=True) if not region]
        try:
            spec = json.loads(super().to_json())
        finally:
            self.layers = layers
        others = iter(spec["layers"])
        spec["layers"] = [f"@@region:{layer.id}@@" if region else next(others)
                          for layer, region in zip(layers, regional, strict=True)]
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
        cached = _region_json(lang)
        for layer, region in zip(layers, regional, strict=True):
            if region:
                text = text.replace(json.dumps(f"@@region:{layer.id}@@"), cached[layer.id], 1)
        return text


# Every map's controller: dragged, never zoomed by the wheel, a pinch or a key, so that the view's zoom is the one
# the page chose (the map page's +/- buttons; deck.gl's zoom widget is not in Streamlit's deck.gl) and the scale
# bar under each map, computed for that zoom, stays true.
PAN_ONLY = {"dragPan": True, "scrollZoom": False, "doubleClickZoom": False, "touchZoom": False, "keyboard": False,
            "dragRotate": False, "touchRotate": False}


def make_deck(layers: list[pdk.Layer], lang: str, *, online_basemap: bool = False,
              view: dict | None = None, tooltip: dict | None = None) -> pdk.Deck:
    """A deck with no basemap (offline) unless `online_basemap` is asked for.

    `tooltip` defaults to the posts' template; any other must use {field} placeholders only. Dragged, never
    zoomed by the reader (PAN_ONLY).
    """
    kwargs = {"map_provider": "carto", "map_style": "light"} if online_basemap else {"map_provider": None}
    deck = RegionDeck(
        layers=names_above_marks(layers),
        initial_view_state=pdk.ViewState(**(view or INITIAL_VIEW)),
        tooltip=tooltip or post_tooltip(lang),
        views=[pdk.View(type="MapView", controller=PAN_ONLY)],
        **kwargs,
    )
    _DECK_LANG[deck] = lang
    return deck


def share_legend_items(lang: str) -> list[tuple[str, str]]:
    """(label, css colour) for the legend of posts coloured by their operational share."""
    return [(t(f"share.{key}", lang), "rgb({},{},{})".format(*SHARE_COLOURS[key])) for key in SHARE_CLASSES]


def legend_items(lang: str) -> list[tuple[str, str, str]]:
    """(label, css colour, symbol) for the status legend: the symbol its marks carry ("" for none)."""
    return [
        (t(f"status.{s}", lang), "rgb({},{},{})".format(*STATUS_COLOURS[s]), STATUS_SYMBOLS.get(s, ""))
        for s in OVERALL_ORDER
    ]
