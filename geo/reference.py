"""Countries, border lines and the gazetteer, from data/reference/ (derived by scripts/build_reference.py).

Loaded once per process. Geometry in EPSG:4326; distances in metres in a metric CRS, never in degrees.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.i18n.names import display_name

METRIC_CRS = "EPSG:32616"  # UTM 16N: suits the CA4
# Lambert azimuthal equal-area centred on the region: areas in km² without distortion.
EQUAL_AREA_CRS = "+proj=laea +lat_0=13 +lon_0=-86 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
CA4 = ("GTM", "SLV", "HND", "NIC")
REGION_BOUNDS = (-94.5, 6.8, -76.5, 19.5)  # minlon, minlat, maxlon, maxlat

_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def data_dir() -> Path:
    return Path(os.environ.get("CA4_DATA_DIR", Path(__file__).resolve().parent.parent / "data")) / "reference"


@lru_cache(maxsize=8)
def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(data_dir() / name).set_crs("EPSG:4326", allow_override=True)


def countries(display: bool = False) -> gpd.GeoDataFrame:
    """The region's countries (iso3, name_en, name_es, is_ca4, geometry). A copy: callers may mutate."""
    frame = _read("countries_display.geojson" if display else "countries.geojson").copy()
    frame["is_ca4"] = frame["is_ca4"].astype(bool)
    return frame


def countries_wide() -> gpd.GeoDataFrame:
    """Mexico to the Dominican Republic with context countries, display-simplified."""
    return _read("countries_wide_display.geojson").copy()


def borders(display: bool = False) -> gpd.GeoDataFrame:
    """One line per neighbouring pair (pair "GTM-SLV", iso_a, iso_b, names, length_km)."""
    return _read("borders_display.geojson" if display else "borders.geojson").copy()


@lru_cache(maxsize=64)
def _border(a: str, b: str, display: bool) -> shapely.Geometry | None:
    iso_a, iso_b = sorted((a, b))
    frame = borders(display)
    match = frame[(frame["iso_a"] == iso_a) & (frame["iso_b"] == iso_b)]
    return None if match.empty else match.geometry.iloc[0]


def border_between(a: str, b: str, display: bool = False) -> shapely.Geometry | None:
    """The border line of two countries (order-insensitive), or None if they are not neighbours."""
    return _border(a, b, display)


@lru_cache(maxsize=64)
def _metric_border(a: str, b: str) -> shapely.Geometry | None:
    line = border_between(a, b)
    return None if line is None else shapely.transform(line, _metric_xy)


@lru_cache(maxsize=1)
def _metric_countries() -> dict[str, shapely.Geometry]:
    frame = countries().to_crs(METRIC_CRS)
    return dict(zip(frame["iso3"], frame.geometry, strict=True))


def _metric_xy(coords: np.ndarray) -> np.ndarray:
    x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def to_metric(lon: float, lat: float) -> shapely.Point:
    return shapely.Point(*_TO_METRIC.transform(lon, lat))


@lru_cache(maxsize=1)
def _country_index() -> tuple[shapely.STRtree, list[str], list[shapely.Geometry]]:
    frame = countries()
    geoms = list(frame.geometry)
    for g in geoms:
        shapely.prepare(g)
    return shapely.STRtree(geoms), list(frame["iso3"]), geoms


def country_of_point(lon: float, lat: float) -> str | None:
    """ISO3 of the region country containing the point (full-precision polygons), else None."""
    tree, codes, _ = _country_index()
    point = shapely.Point(lon, lat)
    for i in tree.query(point, predicate="intersects"):
        return codes[int(i)]
    return None


def distance_to_border_m(lon: float, lat: float, a: str, b: str) -> float:
    """Distance in metres from the point to the a–b border line (inf if they share none)."""
    line = _metric_border(a, b)
    return float("inf") if line is None else float(line.distance(to_metric(lon, lat)))


def distance_to_country_m(lon: float, lat: float, iso3: str) -> float:
    """Distance in metres from the point to a country's polygon (0 inside)."""
    shape = _metric_countries().get(iso3)
    return float("inf") if shape is None else float(shape.distance(to_metric(lon, lat)))


@lru_cache(maxsize=2)
def _names() -> dict[str, dict[str, str]]:
    frame = countries()
    names = {r.iso3: {"name_es": r.name_es, "name_en": r.name_en} for r in frame.itertuples()}
    names["DOM"] = {"name_es": "República Dominicana", "name_en": "Dominican Republic"}
    return names


def country_name(iso3: str | None, lang: str) -> str:
    """Country name in the language (geo.i18n.names' rule); unknown codes are returned as given."""
    if not iso3:
        return "–"
    record = _names().get(iso3)
    return iso3 if record is None else display_name("country", iso3, lang, record)


def fold(text: str) -> str:
    """Accent- and case-insensitive key: 'San Cristóbal' and 'san cristobal' fold alike."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@lru_cache(maxsize=1)
def _gazetteer() -> pd.DataFrame:
    frame = pd.read_csv(data_dir() / "places.csv", dtype={"admin1_code": str}, keep_default_na=False,
                        encoding="utf-8")
    frame["name_key"] = frame["name"].map(fold)
    return frame


def gazetteer() -> pd.DataFrame:
    """GeoNames places of the region (geonameid, name, country_iso3, admin1_code, lat, lon, population)."""
    return _gazetteer().copy()


def find_places(query: str, country_iso3: str | None = None, limit: int = 10) -> pd.DataFrame:
    """Places matching `query` ignoring accents and case: exact, then prefix, then substring matches."""
    key = fold(query)
    if not key:
        return gazetteer().iloc[0:0]
    frame = _gazetteer()
    if country_iso3:
        frame = frame[frame["country_iso3"] == country_iso3]
    names = frame["name_key"]
    rank = pd.Series(3, index=frame.index)
    rank[names.str.contains(key, regex=False)] = 2
    rank[names.str.startswith(key)] = 1
    rank[names == key] = 0
    hits = frame.assign(_rank=rank)[rank < 3]
    hits = hits.sort_values(["_rank", "population", "geonameid"], ascending=[True, False, True])
    return hits.drop(columns="_rank").head(limit).reset_index(drop=True)
