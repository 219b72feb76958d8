"""Legends that stay readable for the common colour-vision deficiencies (issue 27, part B): every legend's
colours are simulated as protan, deutan and tritan viewers see them (Machado 2009, geo.colour_vision) and held
to a minimum CIEDE2000 difference; coverage has no red-to-green ramp; problems carry a symbol as well."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from geo import colour_vision as cv
from geo import maps
from geo.charts import DIRECTION_COLOURS
from geo.flows.charts import SEX_COLOURS
from geo.posts.queries import read_posts_csv
from geo.programme import projects
from geo.upgrades import maps as infra_maps
from geo.upgrades.charts import BUDGET_COLOURS
from geo.upgrades.workflow import SHARE_COLOURS, STATUS_COLOURS, STATUS_SYMBOLS
from geo.workshops import maps as workshop_maps

# CIEDE2000 of about 10 is "clearly different at a glance" in a legend swatch; 12 leaves a margin.
MIN_LEGEND_DIFFERENCE = 12.0


def test_ciede2000_matches_sharma_wu_dalal_test_data() -> None:
    pairs = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425), ((50, 0, 0), (50, -1, 2), 2.3669),
             ((50, 2.5, 0), (73, 25, -18), 27.1492), ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387),
                                                        1.2644)]
    for lab1, lab2, expected in pairs:
        assert cv.delta_e_2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_simulation_keeps_greys_and_merges_red_and_green_for_red_green_deficiencies() -> None:
    for vision in cv.VISIONS:
        assert cv.simulate((128, 128, 128), vision) == pytest.approx((128, 128, 128), abs=1.0)
    red, green = (200, 60, 40), (60, 150, 40)
    assert cv.difference(red, green) > 40
    for vision in ("protan", "deutan"):
        assert cv.difference(red, green, vision) < cv.difference(red, green) / 2


def _legends() -> dict[str, dict[str, tuple[int, int, int]]]:
    return {
        "status": dict(STATUS_COLOURS),
        "status legend": {label: cv.parse_css(css) for label, css, _ in maps.legend_items("es")},
        "operational share": {label: cv.parse_css(css) for label, css in maps.share_legend_items("es")},
        "workshops": {label: cv.parse_css(css) for label, css in workshop_maps.legend_items("es")},
        "exchange": {key: cv.parse_css(css) for key, css, _ in infra_maps.legend_items()},
        "projects": {"one": projects.BENEFIT_FILL, "several": projects.BENEFIT_BOTH_FILL, "none": projects.OTHER_FILL},
        "direction": {key: cv.parse_css(css) for key, css in DIRECTION_COLOURS.items()},
        "sex": {key: cv.parse_css(css) for key, css in SEX_COLOURS.items()},
        "budget": {key: cv.parse_css(css) for key, css in BUDGET_COLOURS.items()},
        "coverage ramp": {f"{pct} %": tuple(workshop_maps.segment_colour(pct)[:3]) for pct in (0, 50, 100)}
        | {"no data": tuple(workshop_maps.NO_SEGMENT_DATA[:3])},
    }


@pytest.mark.parametrize("vision", cv.VISIONS)
def test_every_legend_stays_distinguishable(vision: str) -> None:
    for name, colours in _legends().items():
        gap, a, b = cv.closest_pair(colours, vision)
        assert gap >= MIN_LEGEND_DIFFERENCE, f"{name}: {a} and {b} differ by {gap:.1f} for {vision} vision"


@pytest.mark.parametrize("vision", cv.VISIONS)
def test_status_marks_stand_out_from_the_land_they_sit_on(vision: str) -> None:
    for land in (maps.CA4_FILL, maps.NEIGHBOUR_FILL):
        for status, colour in [*STATUS_COLOURS.items(), *SHARE_COLOURS.items()]:
            assert cv.difference(colour, land, vision) >= 15, (status, land, vision)


def test_coverage_is_no_red_to_green_ramp() -> None:
    stops = [tuple(workshop_maps.segment_colour(pct)[:3]) for pct in range(0, 101, 10)]
    for colour in stops:  # no stop is a green (CIELAB hue 100-170 degrees with some chroma)
        _, a, b = cv.to_lab(colour)
        hue = np.degrees(np.arctan2(b, a)) % 360
        assert not (np.hypot(a, b) > 15 and 100 <= hue <= 170), colour
    for vision in cv.VISIONS:  # the ends stay far apart, and each step of 10 % is visible
        assert cv.difference(stops[0], stops[-1], vision) >= 40
        assert min(cv.difference(x, y, vision) for x, y in pairwise(stops)) >= 3


def test_problems_carry_a_symbol_on_the_map_and_in_the_legend() -> None:
    posts = read_posts_csv().head(6)
    posts = posts.assign(status=["operational", "delayed", "suspended", "planned", "none", "delayed"],
                         recent_flow=100, is_sample=False)
    layers = {layer.id: layer for layer in maps.post_layers(posts, "es", labels=False)}
    marks = pd.concat([pd.DataFrame(layers["posts"].data), pd.DataFrame(layers["neighbour-posts"].data)])
    icons = marks.set_index("code")["icon"]
    for post in posts.itertuples():  # the symbol is cut out of the post's own mark (it stays with it)
        programme = post.country_iso3 in ("GTM", "SLV", "HND", "NIC")
        symbol = post.status in STATUS_SYMBOLS and programme
        assert icons[post.code] == (f"{post.type}-{post.status}" if symbol else
                                    post.type if programme else f"{post.type}-hollow")
        assert icons[post.code] in maps.ICON_MAPPING
    legend = {label: symbol for label, _, symbol in maps.legend_items("en")}
    assert legend["Delayed"] == STATUS_SYMBOLS["delayed"] and legend["Suspended"] == STATUS_SYMBOLS["suspended"]
    assert legend["Operational"] == ""
