"""Derive data/reference/ from the Natural Earth and GeoNames copies in data/sources/.

    python scripts/build_reference.py [--source DIR] [--out DIR]

Deterministic: running it twice gives byte-identical files (a test checks the committed ones).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import box
from shapely.ops import linemerge

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.reference import CA4  # the programme's countries, defined once

REPO = Path(__file__).resolve().parent.parent
METRIC_CRS = "EPSG:32616"  # UTM 16N suits the CA4

# ISO 3166-1 numeric -> (alpha-3, English, Spanish)
REGION = {
    "320": ("GTM", "Guatemala", "Guatemala"),
    "222": ("SLV", "El Salvador", "El Salvador"),
    "340": ("HND", "Honduras", "Honduras"),
    "558": ("NIC", "Nicaragua", "Nicaragua"),
    "484": ("MEX", "Mexico", "México"),
    "084": ("BLZ", "Belize", "Belice"),
    "188": ("CRI", "Costa Rica", "Costa Rica"),
    "591": ("PAN", "Panama", "Panamá"),
}
REGION_FRAME = (-94.5, 6.8, -76.5, 19.5)  # lon/lat: southern Mexico to Panama

# Context countries of the wide frame (projects choropleth: Mexico to the Dominican Republic).
WIDE = {
    **REGION,
    "214": ("DOM", "Dominican Republic", "República Dominicana"),
    "840": ("USA", "United States", "Estados Unidos"),
    "192": ("CUB", "Cuba", "Cuba"),
    "332": ("HTI", "Haiti", "Haití"),
    "388": ("JAM", "Jamaica", "Jamaica"),
    "170": ("COL", "Colombia", "Colombia"),
    "862": ("VEN", "Venezuela", "Venezuela"),
    "044": ("BHS", "Bahamas", "Bahamas"),
    "630": ("PRI", "Puerto Rico", "Puerto Rico"),
    "218": ("ECU", "Ecuador", "Ecuador"),
}
WIDE_FRAME = (-118.5, 5.0, -59.0, 33.0)
ISO2_TO_ISO3 = {"GT": "GTM", "SV": "SLV", "HN": "HND", "NI": "NIC", "MX": "MEX", "BZ": "BLZ", "CR": "CRI",
                "PA": "PAN"}
DISPLAY_TOLERANCE_M = 300  # a few hundred metres: invisible at regional zoom, 10x lighter
WIDE_TOLERANCE_M = 1500
_GEOD = Geod(ellps="WGS84")


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Repair (make_valid) and keep only the polygonal parts (make_valid may add lines/points)."""
    fixed = shapely.make_valid(geometry)
    parts = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def countries_in(source: Path, table: dict, frame: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    world = gpd.read_file(source / "ne_10m_admin0_countries.topojson", layer="countries")
    world = world.set_crs("EPSG:4326", allow_override=True)
    rows = world[world["id"].isin(list(table))].copy()
    rows["geometry"] = [polygonal(g).intersection(box(*frame)) for g in rows.geometry]
    rows["iso3"] = rows["id"].map(lambda i: table[i][0])
    rows["name_en"] = rows["id"].map(lambda i: table[i][1])
    rows["name_es"] = rows["id"].map(lambda i: table[i][2])
    rows["is_ca4"] = rows["iso3"].isin(CA4)
    rows = rows[~rows.geometry.is_empty]
    out = gpd.GeoDataFrame(rows[["iso3", "name_en", "name_es", "is_ca4"]], geometry=rows.geometry.values,
                           crs="EPSG:4326")
    return out.sort_values("iso3").reset_index(drop=True)


def shared_border(a: shapely.Geometry, b: shapely.Geometry, a_metric: shapely.Geometry,
                  b_metric: shapely.Geometry) -> shapely.Geometry | None:
    """The boundary two countries share: exact intersection, else A's boundary within 50 m of B."""
    line = a.boundary.intersection(b.boundary)
    parts = [g for g in shapely.get_parts(line) if g.geom_type in ("LineString", "MultiLineString")]
    if not parts or sum(p.length for p in parts) < 1e-4:
        near = a_metric.boundary.intersection(b_metric.buffer(50))
        if near.is_empty:
            return None
        return "metric", near
    merged = linemerge(shapely.union_all(parts)) if len(parts) > 1 else parts[0]
    return "wgs84", merged


def borders_of(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    metric = countries.to_crs(METRIC_CRS)
    rows = []
    for i in range(len(countries)):
        for j in range(i + 1, len(countries)):
            a, b = countries.iloc[i], countries.iloc[j]
            if not a.geometry.buffer(0.01).intersects(b.geometry):
                continue
            found = shared_border(a.geometry, b.geometry, metric.geometry.iloc[i], metric.geometry.iloc[j])
            if found is None:
                continue
            crs, line = found
            if crs == "metric":
                line = gpd.GeoSeries([line], crs=METRIC_CRS).to_crs("EPSG:4326").iloc[0]
            if line.is_empty or line.length < 1e-4:
                continue
            iso_a, iso_b = sorted([a.iso3, b.iso3])
            names = {r.iso3: r for r in (a, b)}
            rows.append({
                "pair": f"{iso_a}-{iso_b}", "iso_a": iso_a, "iso_b": iso_b,
                "name_en": f"{names[iso_a].name_en} – {names[iso_b].name_en}",
                "name_es": f"{names[iso_a].name_es} – {names[iso_b].name_es}",
                "length_km": round(_GEOD.geometry_length(line) / 1000, 1),
                "geometry": line,
            })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").sort_values("pair").reset_index(drop=True)


def simplified(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    out = frame.to_crs(METRIC_CRS)
    out["geometry"] = out.geometry.simplify(tolerance_m, preserve_topology=True)
    out = out.to_crs("EPSG:4326")
    out["geometry"] = shapely.make_valid(out.geometry.values)
    return out


def write_geojson(frame: gpd.GeoDataFrame, path: Path, precision: int) -> None:
    """Compact, stable GeoJSON (sorted keys, fixed precision) so rebuilds are byte-identical."""
    geometry = shapely.set_precision(frame.geometry.values, 10 ** -precision)
    features = []
    for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), geometry, strict=True):
        mapped = json.loads(shapely.to_geojson(geom))
        features.append({"type": "Feature", "properties": props, "geometry": mapped})
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                    encoding="utf-8")


def gazetteer(source: Path) -> pd.DataFrame:
    places = pd.read_csv(source / "geonames_ca_places.csv", dtype={"admin1_code": str}, keep_default_na=False)
    minx, miny, maxx, maxy = REGION_FRAME
    places = places[places["longitude"].between(minx, maxx) & places["latitude"].between(miny, maxy)]
    places = places[places["country_iso2"].isin(list(ISO2_TO_ISO3))]
    out = pd.DataFrame({
        "geonameid": places["geonameid"].astype(int),
        "name": places["name"],
        "country_iso3": places["country_iso2"].map(ISO2_TO_ISO3),
        "admin1_code": places["admin1_code"],
        "lat": places["latitude"].round(5),
        "lon": places["longitude"].round(5),
        "population": places["population"].astype(int),
    })
    return out.sort_values("geonameid").reset_index(drop=True)


def build(source: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    countries = countries_in(source, REGION, REGION_FRAME)
    borders = borders_of(countries)
    files = {
        "countries.geojson": (countries, 5),
        "countries_display.geojson": (simplified(countries, DISPLAY_TOLERANCE_M), 4),
        "borders.geojson": (borders, 5),
        "borders_display.geojson": (simplified(borders, DISPLAY_TOLERANCE_M), 4),
        "countries_wide_display.geojson": (simplified(countries_in(source, WIDE, WIDE_FRAME), WIDE_TOLERANCE_M), 3),
    }
    written = []
    for name, (frame, precision) in files.items():
        write_geojson(frame, out / name, precision)
        written.append(out / name)
    places = out / "places.csv"
    gazetteer(source).to_csv(places, index=False, lineterminator="\n", encoding="utf-8")
    written.append(places)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO / "data" / "sources")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "reference")
    args = parser.parse_args(argv)
    if not (args.source / "ne_10m_admin0_countries.topojson").exists():
        print(f"source not found: {args.source}", file=sys.stderr)
        return 2
    for path in build(args.source, args.out):
        print(f"{path.relative_to(args.out.parent.parent) if args.out.is_relative_to(REPO) else path}: "
              f"{path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
