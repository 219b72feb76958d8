"""Where labels go on a map, decided on the server in screen pixels (Web Mercator as deck.gl projects it):
pixel positions, a view fitted to a canvas, label boxes and their placement without overlaps. Pure geometry
on DataFrames, tested without a browser; geo.maps and geo.overview.slides draw what it places."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Labels are chosen on the server, in screen pixels at the initial view: deck.gl draws every label it is
# given, so two that would collide are never both sent. A label's box is estimated from its font size and
# text length, in Web Mercator pixels as deck.gl projects them (512-px world). Map text is Streamlit's own
# "Source Sans" (geo.map_text.text_layer), measured in Chromium (2026-12): at most 0.49 em a glyph in the posts'
# names at weight 600 and 0.63 em in the country names' bold capitals; the estimates err wide of both.
TILE_PX = 512


@dataclass(frozen=True)
class LabelStyle:
    """How a TextLayer draws its labels, for estimating their boxes."""

    size_px: float = 12.0
    char_em: float = 0.54  # average glyph advance, in ems, erring wide
    line_em: float = 1.25
    padding_px: float = 2.0  # outline and breathing room around the text


POST_LABEL_STYLE = LabelStyle(size_px=13.0, padding_px=3.0)  # 2-px halo (geo.map_text.text_layer) and a pixel
COUNTRY_LABEL_STYLE = LabelStyle(size_px=14.0, char_em=0.68, padding_px=3.0)


def world_px(lon: object, lat: object, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates (deck.gl's, 512-px tiles) of lon/lat at `zoom`."""
    scale = TILE_PX * 2 ** zoom / (2 * math.pi)
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    return scale * (lam + math.pi), scale * (math.pi - np.log(np.tan(math.pi / 4 + phi / 2)))


def fit_view(bounds: tuple[float, float, float, float], width_px: float, height_px: float,
             padding_px: float = 12.0) -> dict:
    """The view state (centre, zoom) showing `bounds` whole in a canvas of the given size (pydeck has no
    fit-bounds at render time, so the zoom is computed here for the narrowest canvas it must fit)."""
    minx, miny, maxx, maxy = bounds
    x0, y0 = world_px([minx, maxx], [maxy, miny], 0)
    span_x, span_y = float(x0[1] - x0[0]), float(y0[1] - y0[0])
    zoom = math.log2(min((width_px - 2 * padding_px) / span_x, (height_px - 2 * padding_px) / span_y))
    centre_y = (y0[0] + y0[1]) / 2 * 2 * math.pi / TILE_PX  # back to Mercator radians
    lat = math.degrees(2 * math.atan(math.exp(math.pi - centre_y)) - math.pi / 2)
    return {"longitude": round((minx + maxx) / 2, 4), "latitude": round(lat, 4), "zoom": round(zoom, 2),
            "pitch": 0, "bearing": 0}


def view_bounds(view: dict, canvas: tuple[float, float]) -> tuple[float, float, float, float]:
    """What a canvas of `canvas` (width, height) pixels shows at `view`, as lon/lat bounds (minx, miny, maxx,
    maxy): the inverse of fit_view, in deck.gl's Web Mercator."""
    zoom = float(view["zoom"])
    cx, cy = world_px([view["longitude"]], [view["latitude"]], zoom)
    scale = TILE_PX * 2 ** zoom / (2 * math.pi)
    xs = np.array([cx[0] - canvas[0] / 2, cx[0] + canvas[0] / 2])
    ys = np.array([cy[0] + canvas[1] / 2, cy[0] - canvas[1] / 2])
    lon = np.degrees(xs / scale - math.pi)
    lat = np.degrees(2 * np.arctan(np.exp(math.pi - ys / scale)) - math.pi / 2)
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])


def _box(x: float, y: float, chars: int, anchor: str, baseline: str, style: LabelStyle) -> tuple:
    """The box of one label whose anchor point is at pixel (x, y) (the mark plus the pixel offset)."""
    width = chars * style.char_em * style.size_px
    height = style.line_em * style.size_px
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    top = y if baseline == "top" else y - height if baseline == "bottom" else y - height / 2
    pad = style.padding_px
    return (left - pad, top - pad, left + width + pad, top + height + pad)


def label_boxes(labels: pd.DataFrame, zoom: float, style: LabelStyle = POST_LABEL_STYLE) -> pd.DataFrame:
    """Pixel boxes (x0, y0, x1, y1; world pixels at `zoom`) of labels drawn by a TextLayer.

    `labels` has label, lon, lat and optionally anchor ("start", "middle", "end"), baseline ("top",
    "center", "bottom") and dx, dy (the pixel offset), as the TextLayer gets them.
    """
    x, y = world_px(labels["lon"], labels["lat"], zoom)
    n = len(labels)
    dx = labels["dx"].to_numpy(dtype=float) if "dx" in labels else np.zeros(n)
    dy = labels["dy"].to_numpy(dtype=float) if "dy" in labels else np.zeros(n)
    anchor = labels["anchor"].tolist() if "anchor" in labels else ["middle"] * n
    baseline = labels["baseline"].tolist() if "baseline" in labels else ["center"] * n
    boxes = [_box(float(x[i] + dx[i]), float(y[i] + dy[i]), len(str(text)), anchor[i], baseline[i], style)
             for i, text in enumerate(labels["label"].tolist())]
    return pd.DataFrame(boxes or np.empty((0, 4)), columns=["x0", "y0", "x1", "y1"], index=labels.index)


def _overlaps(box: np.ndarray, others: np.ndarray) -> bool:
    if not len(others):
        return False
    return bool(np.any((box[0] < others[:, 2]) & (others[:, 0] < box[2])
                       & (box[1] < others[:, 3]) & (others[:, 1] < box[3])))


def overlapping_pairs(boxes: pd.DataFrame) -> list[tuple[int, int]]:
    """Positions (i, j), i < j, of boxes that intersect (touching edges do not count)."""
    values = boxes[["x0", "y0", "x1", "y1"]].to_numpy(dtype=float)
    return [(i, j) for i in range(len(values)) for j in range(i + 1, len(values))
            if _overlaps(values[i], values[j:j + 1])]


def _candidate_positions(radius: float) -> list[dict]:
    """Where a label may sit around its mark, in order of preference: below, right, left, above, then the
    four diagonals (upper right first, as cartographers prefer)."""
    gap = radius + 2
    slant = gap * 0.72  # a diagonal's offset: the corner of the label touches the mark's circle
    return [
        {"anchor": "middle", "baseline": "top", "dx": 0.0, "dy": gap},
        {"anchor": "start", "baseline": "center", "dx": gap + 1, "dy": 0.0},
        {"anchor": "end", "baseline": "center", "dx": -gap - 1, "dy": 0.0},
        {"anchor": "middle", "baseline": "bottom", "dx": 0.0, "dy": -gap},
        {"anchor": "start", "baseline": "bottom", "dx": slant, "dy": -slant},
        {"anchor": "start", "baseline": "top", "dx": slant, "dy": slant},
        {"anchor": "end", "baseline": "bottom", "dx": -slant, "dy": -slant},
        {"anchor": "end", "baseline": "top", "dx": -slant, "dy": slant},
    ]


def place_labels(candidates: pd.DataFrame, view: dict, *, canvas: tuple[float, float],
                 obstacles: pd.DataFrame | None = None, style: LabelStyle = POST_LABEL_STYLE,
                 ranked_obstacles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The labels that fit, highest `priority` first, with the position each takes.

    `candidates`: label, lon, lat, priority and radius (the mark's half-size in pixels). A label is kept
    at the first of its positions (below, right, left, above its mark, then diagonally) whose box stays
    inside the canvas (width, height, centred on the view) and overlaps no kept label and no obstacle box
    (country names, programme marks). `ranked_obstacles` (boxes with a `priority`) stop only labels of no
    higher priority: a busy post's name may cover the edge of a quieter post's mark, never the reverse.
    Pure: the same input gives the same labels; tested without a browser.
    """
    zoom = float(view["zoom"])
    cx, cy = world_px([view["longitude"]], [view["latitude"]], zoom)
    frame_box = (float(cx[0]) - canvas[0] / 2, float(cy[0]) - canvas[1] / 2,
                 float(cx[0]) + canvas[0] / 2, float(cy[0]) + canvas[1] / 2)
    taken = (obstacles[["x0", "y0", "x1", "y1"]].to_numpy(dtype=float) if obstacles is not None
             else np.empty((0, 4)))
    kept: list[dict] = []
    ordered = candidates.sort_values("priority", ascending=False, kind="stable")
    xs, ys = world_px(ordered["lon"], ordered["lat"], zoom)
    ranked = (ranked_obstacles[["x0", "y0", "x1", "y1"]].to_numpy(dtype=float) if ranked_obstacles is not None
              else np.empty((0, 4)))
    ranks = (ranked_obstacles["priority"].to_numpy(dtype=float) if ranked_obstacles is not None else np.empty(0))
    for row, x, y in zip(ordered.itertuples(index=False), xs, ys, strict=True):
        blocking = np.vstack([taken, ranked[ranks >= float(row.priority)]])
        for position in _candidate_positions(float(row.radius)):
            box = np.array(_box(x + position["dx"], y + position["dy"], len(str(row.label)),
                                position["anchor"], position["baseline"], style))
            inside = (box[0] >= frame_box[0] and box[1] >= frame_box[1]
                      and box[2] <= frame_box[2] and box[3] <= frame_box[3]
                      and frame_box[0] <= x <= frame_box[2] and frame_box[1] <= y <= frame_box[3])
            if inside and not _overlaps(box, blocking):
                taken = np.vstack([taken, box])
                kept.append({"label": row.label, "lon": row.lon, "lat": row.lat, **position})
                break
    columns = ["label", "lon", "lat", "anchor", "baseline", "dx", "dy"]
    return pd.DataFrame(kept, columns=columns)
