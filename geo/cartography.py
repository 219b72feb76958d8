"""A map's cartographic basics, decided on the server: the scale bar of a view, the size key of proportional
marks, round values for any key, where a country's name goes (on the visible part of its land) and THE rule
that fits a map to its region. Pure functions of views and frames; tested without a browser
(tests/test_cartography.py). geo.maps, the map page and the map image (geo.map_image) draw what this decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo import reference
from geo.i18n import fmt_number
from geo.i18n.names import names_column
from geo.placement import COUNTRY_LABEL_STYLE, TILE_PX, LabelStyle, fit_view, view_bounds, world_px

# Web Mercator at zoom 0 on the equator, for 256-px tiles: 2πR / 256 metres a pixel. deck.gl counts zoom on a
# 512-px world (geo.placement.TILE_PX), so its zoom z draws 256-px tiles' zoom z + 1: half the metres a pixel.
EQUATOR_M_PER_PX_256 = 156543.03392


def metres_per_pixel(latitude: float, zoom: float) -> float:
    """Ground metres per CSS pixel of a deck.gl map at `latitude` and deck.gl `zoom`."""
    return EQUATOR_M_PER_PX_256 * math.cos(math.radians(latitude)) / 2 ** zoom / (TILE_PX / 256)


def nice_below(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above `value` (0 for 0 or less)."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (5, 2, 1) if step * power <= value * (1 + 1e-9))


@dataclass(frozen=True)
class ScaleBar:
    metres: float
    length_px: float
    label: str


def distance_label(metres: float, lang: str) -> str:
    """50 km, 500 m: a round distance in the page's number style."""
    if metres >= 1000:
        return f"{fmt_number(metres / 1000, lang)} km"
    return f"{fmt_number(metres, lang)} m"


def scale_bar(view: dict, lang: str, max_px: float = 140.0) -> ScaleBar:
    """The longest round distance (1, 2 or 5 times a power of ten) drawn in at most `max_px` pixels at the
    view's centre latitude and zoom."""
    per_px = metres_per_pixel(float(view["latitude"]), float(view["zoom"]))
    metres = nice_below(per_px * max_px)
    return ScaleBar(metres, metres / per_px, distance_label(metres, lang))


def key_values(top: float, count: int = 3) -> list[float]:
    """Round values for a key of quantities up to `top`: the largest round value not above it, then about a
    quarter and a twenty-fifth of it (distinct, above zero), largest first."""
    values: list[float] = []
    for divisor in (1, 4, 25)[:count]:
        value = nice_below(top / divisor)
        if value > 0 and value not in values:
            values.append(value)
    return values


# The posts' proportional marks: by area, the square root of a post's flow over the busiest one's.
MARK_MIN_PX = 12.0
MARK_RANGE_PX = 22.0


def mark_size_px(values: pd.Series, top: float) -> pd.Series:
    """Mark size in pixels of `values` when the busiest shown is `top`."""
    return MARK_MIN_PX + MARK_RANGE_PX * (values.clip(lower=0) / (top if top > 0 else 1.0)).map(math.sqrt)


NEIGHBOUR_MARK_PX = 11.0  # neighbours' posts: one small size, context only


def mark_frame(posts: pd.DataFrame) -> pd.DataFrame:
    """lon, lat and size in pixels of the posts' marks as geo.maps.post_layers draws them (geo.posts.queries.posts_frame
    or a frame with its size already: posts_map_frame)."""
    if "size" in posts:
        return posts[["lon", "lat", "size"]]
    programme = posts["country_iso3"].isin(reference.CA4)
    flow = posts["recent_flow"]
    size = mark_size_px(flow, float(flow.max()) if len(flow) else 0.0).where(programme, NEIGHBOUR_MARK_PX)
    return pd.DataFrame({"lon": posts["lon"], "lat": posts["lat"], "size": size})


def size_key(flows: pd.Series, lang: str) -> list[tuple[float, str]]:
    """(mark size in pixels, persons in the page's number style) for the size key of marks sized by
    `flows` (mark_size_px): what a mark of a given size means."""
    top = float(flows.max()) if len(flows) else 0.0
    values = key_values(top)
    sizes = mark_size_px(pd.Series(values, dtype=float), top)
    return [(round(float(size), 1), fmt_number(value, lang)) for size, value in zip(sizes, values, strict=True)]


# ------------------------------------------------------------------------------------------- fitting
def fitted_view(bounds: tuple[float, float, float, float], canvas: tuple[float, float],
                padding_px: float = 10.0) -> dict:
    """THE fitting rule of every regional map: `bounds` whole in a canvas of `canvas` (width, height) pixels,
    as close as fits, zoom rounded down to tenths (a few pixels' difference in width keeps the view)."""
    view = fit_view(bounds, *canvas, padding_px=padding_px)
    return {**view, "zoom": math.floor(view["zoom"] * 10) / 10}


def contains(outer: tuple[float, float, float, float], inner: tuple[float, float, float, float]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


# ------------------------------------------------------------------------------------ country names
# Preferred points for the names the representative point places badly: Mexico's and Panama's clipped shapes
# would put theirs at the frame's edge; the others sit where the posts' marks leave room. Each is on land
# (tests/test_cartography.py checks every one against the full-resolution boundaries).
_PREFERRED = {"SLV": (-88.85, 13.8), "MEX": (-91.5, 17.9), "PAN": (-80.3, 8.4), "CRI": (-84.1, 9.95),
              "BLZ": (-88.7, 17.3)}


@lru_cache(maxsize=2)
def country_label_points(lang: str) -> pd.DataFrame:
    """Each display country's name (capitals, word space doubled: at 14 px a single one read "COSTARICA")
    at a point on its land."""
    frame = reference.countries(display=True)
    points = frame.geometry.representative_point()  # inside the polygon, unlike the centroid
    labels = pd.DataFrame({
        "iso3": frame["iso3"],
        "label": names_column(frame, lang, "country", "iso3").str.upper().str.replace(" ", "  "),
        "lon": points.x,
        "lat": points.y,
    })
    for iso3, (lon, lat) in _PREFERRED.items():
        labels.loc[labels["iso3"] == iso3, ["lon", "lat"]] = (lon, lat)
    return labels


@lru_cache(maxsize=1)
def _land() -> dict[str, shapely.Geometry]:
    frame = reference.countries(display=True)
    return dict(zip(frame["iso3"], frame.geometry, strict=True))


def country_labels_in_view(lang: str, view: dict, canvas: tuple[float, float],
                           style: LabelStyle = COUNTRY_LABEL_STYLE) -> pd.DataFrame:
    """The country names a view shows, each on the visible part of its land, whole inside the canvas: at its
    preferred point when that shows, else at a point inside the part of its polygon the canvas shows (with room
    for the name), else left out (zoomed to San Salvador's airport, "EL SALVADOR" goes inland, not to sea)."""
    rows = []
    land = _land()
    for row in country_label_points(lang).itertuples(index=False):
        width = len(row.label) * style.char_em * style.size_px + 2 * style.padding_px
        height = style.line_em * style.size_px + 2 * style.padding_px
        inner = (canvas[0] - width, canvas[1] - height)
        if inner[0] <= 0 or inner[1] <= 0:
            continue
        box = shapely.box(*view_bounds(view, inner))  # where the name's centre keeps the name in the canvas
        visible = land[row.iso3].intersection(box)
        if visible.is_empty:
            continue
        point = shapely.Point(row.lon, row.lat)
        if not visible.contains(point):
            part = max(getattr(visible, "geoms", [visible]), key=lambda piece: piece.area)
            degrees_per_px = 360 / (TILE_PX * 2 ** float(view["zoom"]))
            if part.bounds[2] - part.bounds[0] < 0.5 * width * degrees_per_px:
                continue  # a sliver of the country: its name would print mostly over the sea or a neighbour
            point = part.representative_point()
        rows.append({"iso3": row.iso3, "label": row.label, "lon": round(point.x, 4), "lat": round(point.y, 4)})
    return pd.DataFrame(rows, columns=["iso3", "label", "lon", "lat"])


# ------------------------------------------------------------------------- country names clear of marks
def _lonlat(x: np.ndarray, y: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of geo.placement.world_px: lon/lat of Web Mercator pixels at `zoom`."""
    scale = TILE_PX * 2 ** zoom / (2 * math.pi)
    return np.degrees(x / scale - math.pi), np.degrees(2 * np.arctan(np.exp(math.pi - y / scale)) - math.pi / 2)


def name_box_px(label: str, style: LabelStyle = COUNTRY_LABEL_STYLE) -> tuple[float, float]:
    """(width, height) in pixels of a country's name drawn in `style`, centred on its point."""
    return (len(label) * style.char_em * style.size_px + 2 * style.padding_px,
            style.line_em * style.size_px + 2 * style.padding_px)


def names_covered(labels: pd.DataFrame, marks: pd.DataFrame, zoom: float,
                  style: LabelStyle = COUNTRY_LABEL_STYLE) -> list[str]:
    """The countries (iso3) whose name's box meets a mark (lon, lat, size in pixels) at `zoom`."""
    if labels.empty or marks.empty:
        return []
    mx, my = world_px(marks["lon"], marks["lat"], zoom)
    half = marks["size"].to_numpy(dtype=float) * MARK_DRAWN_SHARE / 2
    covered = []
    for row in labels.itertuples(index=False):
        x, y = world_px([row.lon], [row.lat], zoom)
        w, h = name_box_px(row.label, style)
        if np.any((np.abs(mx - x[0]) < w / 2 + half) & (np.abs(my - y[0]) < h / 2 + half)):
            covered.append(row.iso3)
    return covered


MARK_DRAWN_SHARE = 52 / 64  # a mark's shape fills 52 of its icon's 64 pixels (geo.maps' icon atlas)
NAME_SEARCH_PX = 140.0  # how far a covered name may move, in pixels, looking for room
NAME_STEP_PX = 6.0


def names_clear_of_marks(labels: pd.DataFrame, marks: pd.DataFrame, view: dict, canvas: tuple[float, float],
                         style: LabelStyle = COUNTRY_LABEL_STYLE) -> pd.DataFrame:
    """THE rule that keeps a country's name clear of the posts' marks: a name whose box meets a mark (`marks`:
    lon, lat, size in pixels, as drawn) moves to the nearest point, within NAME_SEARCH_PX, that is on its own
    visible land, keeps the whole name inside the canvas and meets no mark (nor another country's name); where no
    such point exists it stays (the maps draw country names above the marks, with their halo: geo.maps.make_deck),
    so a name is never covered. El Salvador, whose posts line its borders, gets its name inland."""
    if labels.empty or marks.empty:
        return labels
    zoom = float(view["zoom"])
    land = _land()
    mx, my = world_px(marks["lon"], marks["lat"], zoom)
    half = marks["size"].to_numpy(dtype=float) * MARK_DRAWN_SHARE / 2
    cx, cy = world_px([view["longitude"]], [view["latitude"]], zoom)
    left, top = cx[0] - canvas[0] / 2, cy[0] - canvas[1] / 2
    steps = np.arange(-NAME_SEARCH_PX, NAME_SEARCH_PX + 1, NAME_STEP_PX)
    dx, dy = (grid.ravel() for grid in np.meshgrid(steps, steps / 2))
    order = np.argsort(np.hypot(dx, 2 * dy), kind="stable")  # nearest first, moving sideways before up or down
    dx, dy = dx[order], dy[order]
    points = {}
    boxes: list[tuple[float, float, float, float]] = []
    for row in labels.itertuples(index=False):
        x0, y0 = (float(v[0]) for v in world_px([row.lon], [row.lat], zoom))
        w, h = name_box_px(row.label, style)
        near = (np.abs(mx - x0) < NAME_SEARCH_PX + w / 2 + half) & (np.abs(my - y0) < NAME_SEARCH_PX + h / 2 + half)
        nx, ny, nh = mx[near], my[near], half[near]
        x, y = x0 + dx, y0 + dy
        free = np.ones(len(x), dtype=bool)
        if len(nx):
            free = ~np.any((np.abs(nx[None, :] - x[:, None]) < w / 2 + nh[None, :])
                           & (np.abs(ny[None, :] - y[:, None]) < h / 2 + nh[None, :]), axis=1)
        free &= ((x - w / 2 >= left) & (x + w / 2 <= left + canvas[0])
                 & (y - h / 2 >= top) & (y + h / 2 <= top + canvas[1]))
        for ox0, oy0, ox1, oy1 in boxes:  # clear of the names already placed
            free &= ~((x + w / 2 > ox0) & (x - w / 2 < ox1) & (y + h / 2 > oy0) & (y - h / 2 < oy1))
        px, py = x0, y0
        if not free[0]:  # covered where it stands: the nearest free point on its own land
            lon, lat = _lonlat(x[free], y[free], zoom)
            inside = shapely.contains_xy(land[row.iso3], lon, lat) if len(lon) else np.array([], dtype=bool)
            if inside.any():
                k = int(np.argmax(inside))
                points[row.iso3] = (round(float(lon[k]), 4), round(float(lat[k]), 4))
                px, py = x[free][k], y[free][k]
        boxes.append((px - w / 2, py - h / 2, px + w / 2, py + h / 2))
    moved = labels.copy()
    if points:
        at = moved["iso3"].map(points)
        has = at.notna()
        moved.loc[has, "lon"] = [p[0] for p in at[has]]
        moved.loc[has, "lat"] = [p[1] for p in at[has]]
    return moved


# Every map's layers of marks (posts, venues, hubs, crossings' rings), whatever page draws them.
MARK_LAYER_IDS = ("neighbour-posts", "posts", "flow-posts", "ws-posts", "ws-venues", "ws-suggested",
                  "ws-uncovered-ring", "exchange-posts", "context-posts", "crossing-rings", "hubs")


def names_above_marks(layers: list[Any]) -> list[Any]:
    """The deck's layers (by id) with the country names just after the last layer of posts' marks, before the
    posts' names (placed clear of them); geo.maps.make_deck draws every map so. A mark never covers a country's
    name: names_clear_of_marks moves it off the marks where its land has room; where it has none, the name and its
    halo print over the marks."""
    at = max((i for i, layer in enumerate(layers) if layer.id in MARK_LAYER_IDS), default=-1)
    names = [i for i, layer in enumerate(layers) if layer.id == "country-labels"]
    if not names or names[0] > at:
        return list(layers)
    name = layers[names[0]]
    rest = [layer for i, layer in enumerate(layers) if i != names[0]]
    return [*rest[:at], name, *rest[at:]]
