"""Derive data/posts.csv from data/posts_source.csv: place every post consistently with the reference map.

    python scripts/place_posts.py

posts_source.csv holds each post's identity and the location of the real facility as recorded (see
data/POSTS_PROVENANCE.md). Natural Earth's 1:10m border is generalised, so a facility that sits on a
bridge may fall a few hundred metres off the line, or on the wrong side of it. Such a post is moved to
the nearest point that is on its own side, 250 m from the Natural Earth line, and the move is written
in the `placement` column. Posts that already satisfy the rule keep their coordinates. The script is
deterministic and prints what it moved.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import shapely
from pyproj import Transformer
from shapely.ops import nearest_points

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import reference
from geo.posts.checks import land_post_problem, point_post_problem

DATA = Path(__file__).resolve().parent.parent / "data"
INSET_M = 250.0
_TO_WGS84 = Transformer.from_crs(reference.METRIC_CRS, "EPSG:4326", always_xy=True)


def _own_side_point(anchor: shapely.Point, country: str, towards: shapely.Point) -> shapely.Point:
    """The point INSET_M from `anchor` inside `country`, in the direction closest to `towards`."""
    shape = reference._metric_countries()[country]
    best, best_d = None, math.inf
    for step in range(72):
        angle = 2 * math.pi * step / 72
        candidate = shapely.Point(anchor.x + INSET_M * math.cos(angle), anchor.y + INSET_M * math.sin(angle))
        if shape.contains(candidate):
            d = candidate.distance(towards)
            if d < best_d:
                best, best_d = candidate, d
    if best is None:
        raise ValueError(f"no point of {country} within {INSET_M} m of {anchor}")
    return best


def place(row: pd.Series) -> tuple[float, float, str]:
    lon, lat = float(row.lon), float(row.lat)
    note = str(row.source)
    if row.type == "land":
        problem = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, lon, lat)
        if problem is None:
            return lon, lat, note
        line = reference._metric_border(row.country_iso3, row.neighbour_iso3)
        point = reference.to_metric(lon, lat)
        anchor = line.interpolate(line.project(point))
    else:
        problem = point_post_problem(row.country_iso3, lon, lat, row.type)
        if problem is None:
            return lon, lat, note
        shape = reference._metric_countries()[row.country_iso3]
        point = reference.to_metric(lon, lat)
        anchor = nearest_points(shape.boundary, point)[0]
    moved = _own_side_point(anchor, row.country_iso3, point)
    new_lon, new_lat = _TO_WGS84.transform(moved.x, moved.y)
    distance = moved.distance(point)
    return (round(new_lon, 5), round(new_lat, 5),
            f"{note}; moved {distance:,.0f} m onto its own side of the Natural Earth 1:10m line "
            f"(recorded position: {problem})")


def main() -> int:
    source = pd.read_csv(DATA / "posts_source.csv", dtype=str, keep_default_na=False)
    out = source.drop(columns=["source"]).copy()
    placements = []
    for i, row in source.iterrows():
        lon, lat, note = place(row)
        out.loc[i, "lon"], out.loc[i, "lat"] = f"{lon:.5f}", f"{lat:.5f}"
        placements.append(note)
        if "moved" in note:
            print(f"{row.code}: {note.split('; ', 1)[1]}")
    out["placement"] = placements
    out.to_csv(DATA / "posts.csv", index=False, lineterminator="\n", encoding="utf-8")
    print(f"wrote {len(out)} posts to {DATA / 'posts.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
