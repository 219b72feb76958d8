"""The derived reference geography is sound, light and reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import reference

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "data" / "sources"  # the raw sources, in the repository (data/sources/SOURCES.md)
OFFICIAL_KM2 = {"GTM": 108_889, "SLV": 21_041, "HND": 112_492, "NIC": 130_373}
# Border lengths of the Natural Earth 1:10m lines (km); ranges wide enough for a rebuild, tight enough to
# catch a broken derivation (a missing segment, a coastline taken for a border).
BORDER_KM = {
    "GTM-SLV": (140, 180), "GTM-HND": (200, 260), "HND-SLV": (290, 360), "HND-NIC": (700, 850),
    "GTM-MEX": (850, 960), "BLZ-GTM": (230, 280), "CRI-NIC": (260, 320), "CRI-PAN": (260, 320),
}


def test_all_region_countries_present_and_valid() -> None:
    frame = reference.countries()
    assert set(frame["iso3"]) == {"GTM", "SLV", "HND", "NIC", "MEX", "BLZ", "CRI", "PAN"}
    assert frame.geometry.is_valid.all()
    assert set(frame.loc[frame["is_ca4"], "iso3"]) == set(reference.CA4)
    assert dict(zip(frame["iso3"], frame["name_es"], strict=True))["PAN"] == "Panamá"


@pytest.mark.parametrize("iso3", sorted(OFFICIAL_KM2))
def test_ca4_area_within_three_percent(iso3: str) -> None:
    frame = reference.countries().to_crs(reference.EQUAL_AREA_CRS)
    km2 = float(frame.loc[frame["iso3"] == iso3].area.iloc[0]) / 1e6
    official = OFFICIAL_KM2[iso3]
    assert abs(km2 - official) / official <= 0.03, f"{iso3}: {km2:,.0f} km² vs official {official:,} km²"


@pytest.mark.parametrize("pair", sorted(BORDER_KM))
def test_border_line_for_every_neighbouring_pair(pair: str) -> None:
    a, b = pair.split("-")
    line = reference.border_between(b, a)  # order-insensitive
    assert line is not None and not line.is_empty
    assert line.geom_type in ("LineString", "MultiLineString")
    low, high = BORDER_KM[pair]
    length = float(reference.borders().set_index("pair").loc[pair, "length_km"])
    assert low <= length <= high, f"{pair}: {length} km"


def test_non_neighbours_have_no_border() -> None:
    assert reference.border_between("GTM", "NIC") is None
    assert reference.distance_to_border_m(-90, 14, "GTM", "NIC") == float("inf")


def test_display_versions_are_lighter_and_valid() -> None:
    folder = reference.data_dir()
    for name in ("countries", "borders"):
        full, light = folder / f"{name}.geojson", folder / f"{name}_display.geojson"
        assert light.stat().st_size < full.stat().st_size
    assert reference.countries(display=True).geometry.is_valid.all()
    assert reference.countries_wide().geometry.is_valid.all()
    assert {"MEX", "DOM", "PAN"} <= set(reference.countries_wide()["iso3"])


def test_every_file_is_small_and_documented() -> None:
    folder = reference.data_dir()
    provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    for path in folder.iterdir():
        assert path.stat().st_size < 2 * 1024 * 1024, path.name
        if path.name != "PROVENANCE.md":
            assert path.name in provenance, f"{path.name} is not described in PROVENANCE.md"


@pytest.mark.parametrize("lon, lat, iso3", [
    (-90.51, 14.64, "GTM"), (-89.19, 13.69, "SLV"), (-87.21, 14.09, "HND"), (-86.27, 12.13, "NIC"),
    (-84.09, 9.93, "CRI"), (-88.2, 17.5, "BLZ"), (-87.6, 13.2, None),  # the last one is in the Gulf of Fonseca
])
def test_country_of_point(lon: float, lat: float, iso3: str | None) -> None:
    assert reference.country_of_point(lon, lat) == iso3


def test_distance_to_border_in_metres() -> None:
    # Ciudad Tecún Umán lies on the Suchiate river, the GTM-MEX border: about 2 km from the line.
    town = reference.find_places("Tecún Umán").iloc[0]
    assert reference.distance_to_border_m(town.lon, town.lat, "GTM", "MEX") < 3_000
    # Guatemala City is about 100 km from El Salvador.
    assert 80_000 < reference.distance_to_border_m(-90.51, 14.64, "GTM", "SLV") < 130_000


def test_gazetteer_ignores_accents_and_case() -> None:
    hits = reference.find_places("San Cristobal")
    assert "San Cristóbal" in set(hits["name"])
    assert reference.find_places("SAN CRISTÓBAL").iloc[0]["name"] == hits.iloc[0]["name"]
    assert reference.find_places("tecun uman", country_iso3="GTM").iloc[0]["name"] == "Ciudad Tecún Umán"
    assert reference.find_places("   ").empty
    assert reference.fold("  Peñas   Blancas ") == "penas blancas"


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_reference", REPO / "scripts" / "build_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(SOURCE, tmp_path):
        committed = reference.data_dir() / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{path.name} differs from a fresh build"
