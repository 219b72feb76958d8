"""Rule helpers several kinds share: a value against its field's range, and a point against the region.

A rule returns problems as {field: (i18n key, params)}: the edit forms (through each kind's save function)
and the imports (at the row and column of the file) report the same key for the same value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo import reference
from geo.io.schema import KindSpec, shown_number

Problem = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class CountryName:
    """A country in a message's parameters, worded in the reader's language when shown (names, not codes):
    geo.io.report.Problem and the forms' problem lines call text(lang)."""

    iso3: str | None

    def text(self, lang: str) -> str:
        from geo.i18n import t

        return reference.country_name(self.iso3, lang) if self.iso3 else t("rule.no_country", lang)

    def __str__(self) -> str:
        return self.iso3 or "-"


def range_problems(spec: KindSpec, values: Mapping[str, Any], names: tuple[str, ...] | None = None
                   ) -> dict[str, Problem]:
    """{field: problem} for every number field of `spec` in `values` outside its range."""
    problems: dict[str, Problem] = {}
    for f in spec.fields:
        if (names is None or f.name in names) and f.name in values:
            problem = f.value_problem(values[f.name])
            if problem:
                problems[f.name] = problem
    return problems


def _in_region(lon: float, lat: float) -> bool:
    minx, miny, maxx, maxy = reference.REGION_BOUNDS
    return minx <= lon <= maxx and miny <= lat <= maxy


def coordinate_problem(lon: float, lat: float) -> Problem | None:
    """Outside the region: say so, and suggest the likely typo (swapped, or the minus sign lost)."""
    lon, lat = float(lon), float(lat)
    if _in_region(lon, lat):
        return None
    if _in_region(lat, lon):
        return "data.err.swapped", {"lon": shown_number(lon), "lat": shown_number(lat)}
    if _in_region(-abs(lon), lat):
        return "data.err.lon_sign", {"lon": shown_number(lon), "fixed": shown_number(-abs(lon))}
    return "data.err.outside_region", {"lon": shown_number(lon), "lat": shown_number(lat)}


def point_problem(lon: object, lat: object) -> Problem | None:
    """A place's point: outside the region (coordinate_problem), or at sea / outside the region's countries."""
    problem = coordinate_problem(float(lon), float(lat))  # type: ignore[arg-type]
    if problem:
        return problem
    if reference.country_of_point(float(lon), float(lat)) is None:  # type: ignore[arg-type]
        return "data.err.venue_not_on_land", {"lon": shown_number(float(lon)),  # type: ignore[arg-type]
                                              "lat": shown_number(float(lat))}  # type: ignore[arg-type]
    return None


def coordinate_columns(key: str, labels: Mapping[str, str], lon: str, lat: str) -> str:
    """The column(s) a coordinate problem is about: the longitude for a lost sign, else both."""
    lon_label, lat_label = labels.get(lon, lon), labels.get(lat, lat)
    if key == "data.err.lon_sign" or lon_label == lat_label:
        return lon_label
    return f"{lon_label}, {lat_label}"
