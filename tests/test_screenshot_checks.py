"""The screenshot tests' comparisons (tests/screenshot_checks.py), each shown to pass on a good picture and to fail
on a broken one: a label with a vanished or missing letter, a map cut at the canvas's edge, English words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from geo.map_font import served_font
from geo.maps import CA4_BOUNDS, CA4_FILL, POST_INK, SEA
from tests import screenshot_checks as sc

SIZE = 13.0  # the map's post labels (geo.placement's style)


def _drawn(text: str, vanished: int | None = None, *, size: float = SIZE, weight: int = 600,
           line_through: bool = False) -> np.ndarray:
    """A label as a map draws it, rendered independently of the reference (PIL at screen size, hinted): dark ink
    with a white halo over the CA4's fill. `vanished`: the index of a glyph not drawn (its neighbours keep their
    places, as when deck.gl's atlas lost a thin glyph: "Peñas B ancas")."""
    face = ImageFont.truetype(str(served_font()), round(size))
    face.set_variation_by_axes([weight])
    width = int(face.getlength(text)) + 24
    image = Image.new("RGB", (width, int(size * 2)), tuple(CA4_FILL))
    draw = ImageDraw.Draw(image)
    if line_through:  # a border line beside the label, in the crop's margin
        draw.line([(1, 0), (5, int(size * 2))], fill=(120, 60, 60), width=2)
    parts = [(0, text)] if vanished is None else [(0, text[:vanished]),
                                                  (face.getlength(text[:vanished + 1]), text[vanished + 1:])]
    for dx, part in parts:  # halo first, then ink
        draw.text((12 + dx, size * 0.3), part, font=face, fill=(255, 255, 255), stroke_width=2,
                  stroke_fill=(255, 255, 255))
    for dx, part in parts:
        draw.text((12 + dx, size * 0.3), part, font=face, fill=tuple(POST_INK))
    return np.asarray(image)


def _check(label: str, drawn: np.ndarray) -> sc.GlyphCheck:
    return sc.check_label(sc.screen_ink(drawn, POST_INK), sc.reference(label, SIZE))


@pytest.mark.parametrize("label", ["Tegucigalpa", "Peñas Blancas", "Las Tablillas", "El Carmen", "Leimus"])
def test_a_whole_label_keeps_every_letter(label: str) -> None:
    result = _check(label, _drawn(label))
    assert result.missing == (), result
    assert 0.9 <= result.width_ratio <= 1.1


def test_a_border_line_beside_a_label_is_not_its_ink() -> None:
    assert _check("El Carmen", _drawn("El Carmen", line_through=True)).missing == ()


@pytest.mark.parametrize(("label", "vanished"), [("Peñas Blancas", 7), ("Tegucigalpa", 5), ("Las Tablillas", 8),
                                                 ("Las Tablillas", 9), ("El Carmen", 1), ("Leimus", 2)])
def test_a_vanished_thin_glyph_is_found(label: str, vanished: int) -> None:
    """The atlas's old failure: one 'l' or 'i' not drawn, its neighbours in place."""
    result = _check(label, _drawn(label, vanished))
    assert any(m.startswith(repr(label[vanished])) for m in result.missing), (label, vanished, result)


@pytest.mark.parametrize(("label", "drawn"), [("Tegucigalpa", "Tegucgalpa"), ("Peñas Blancas", "Peñas Bancas"),
                                              ("Las Tablillas", "Las Tabllas"), ("El Carmen", "E Carmen")])
def test_a_label_drawn_with_a_letter_removed_fails_against_its_full_text(label: str, drawn: str) -> None:
    assert _check(label, _drawn(drawn)).missing != ()


# Labels as Chromium drew them on the map page (deck.gl's SDF atlas, 13 px semibold with its halo), cut out by
# tests/test_screenshots_browser.py's crop at 1280x800 (2026-12-05): the comparison with PIL's rendering passes
# on them, and fails once one thin glyph's ink is painted out of them.
REAL_CROPS = {"Peñas Blancas": "penas_blancas", "El Carmen": "el_carmen", "Leimus": "leimus",
              "La Mesilla": "la_mesilla"}


def _real(label: str) -> np.ndarray:
    return np.asarray(Image.open(Path(__file__).parent / "fixtures" / f"label_{REAL_CROPS[label]}.png").convert("RGB"))


@pytest.mark.parametrize("label", list(REAL_CROPS))
def test_labels_drawn_by_the_browser_pass(label: str) -> None:
    result = _check(label, _real(label))
    assert result.missing == (), result


@pytest.mark.parametrize(("label", "vanished"), [("Peñas Blancas", 7), ("El Carmen", 1), ("Leimus", 2),
                                                 ("La Mesilla", 6), ("La Mesilla", 7)])
def test_a_browser_drawn_label_with_a_thin_glyph_painted_out_fails(label: str, vanished: int) -> None:
    crop = _real(label).copy()
    char, lo, hi = _check(label, crop).columns[vanished]
    assert char == label[vanished]
    ink = sc.screen_ink(crop, POST_INK) > 0.2
    band = crop[:, lo:hi]
    band[ink[:, lo:hi]] = (255, 255, 255)  # the glyph's ink gone, the halo left
    result = _check(label, crop)
    assert any(m.startswith(repr(char)) for m in result.missing), result


def test_no_ink_at_all_fails() -> None:
    blank = np.full((26, 80, 3), 255, dtype=np.uint8)
    assert _check("El Poy", blank).missing == ("no ink at all",)


def test_the_label_box_follows_deck_gl_anchors() -> None:
    assert sc.label_box(100, 50, 40, 13, "start", "top") == (100, 50, 140, 63)
    assert sc.label_box(100, 50, 40, 13, "middle", "center") == (80, 43.5, 120, 56.5)
    assert sc.label_box(100, 50, 40, 13, "end", "bottom") == (60, 37, 100, 50)


# --------------------------------------------------------------------------------------------- region
def _map(width: int, height: int, land: tuple[int, int, int, int]) -> np.ndarray:
    """A canvas of sea with the region's land filling the box (x0, y0, x1, y1)."""
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = SEA
    x0, y0, x1, y1 = land
    image[max(0, y0):y1 + 1, max(0, x0):x1 + 1] = CA4_FILL
    return image


VIEW = {"longitude": -87.49, "latitude": 14.2931, "zoom": 5.6}


def test_a_region_inside_its_canvas_is_whole() -> None:
    projected = sc.projected_box(CA4_BOUNDS, VIEW, 820, 544)
    land = tuple(round(v) for v in projected)
    mask = sc.colour_mask(_map(820, 544, land), CA4_FILL)
    assert sc.region_problems(mask, projected) == []


def test_a_region_cut_by_the_canvas_fails_by_pixels_and_by_projection() -> None:
    shifted = {**VIEW, "longitude": VIEW["longitude"] + 3}  # the view moved east: Guatemala off the left edge
    projected = sc.projected_box(CA4_BOUNDS, shifted, 820, 544)
    assert projected[0] < 0
    land = tuple(round(v) for v in projected)
    problems = sc.region_problems(sc.colour_mask(_map(820, 544, land), CA4_FILL), projected)
    assert any("left edge" in p for p in problems), problems
    assert any("outside the 820x544 canvas" in p for p in problems), problems


def test_land_drawn_away_from_where_the_view_puts_it_fails() -> None:
    projected = sc.projected_box(CA4_BOUNDS, VIEW, 820, 544)
    x0, y0, x1, y1 = (round(v) for v in projected)
    small = _map(820, 544, (x0 + 100, y0 + 100, x1 - 100, y1 - 100))  # a wrong zoom: half the region's size
    assert any("covers too little" in p for p in sc.region_problems(sc.colour_mask(small, CA4_FILL), projected))
    assert sc.region_problems(np.zeros((544, 820), dtype=bool), projected)[-1].startswith("no pixel")


def test_a_thin_line_of_the_fill_colour_is_not_land() -> None:
    """A label's halo fading over grey land passes through the CA4's cream for a pixel: an opening drops it."""
    image = _map(200, 100, (60, 20, 140, 80))
    image[:, 0] = CA4_FILL  # a one-pixel line along the left edge
    mask = sc.colour_mask(image, CA4_FILL)
    assert sc.edges_touched(mask) == ["left"]
    assert sc.edges_touched(sc.opened(mask)) == []
    assert sc.mask_box(sc.opened(mask)) == (60, 20, 140, 80)
    image[40:60, 0:10] = CA4_FILL  # land running off the canvas
    assert sc.edges_touched(sc.opened(sc.colour_mask(image, CA4_FILL))) == ["left"]


def test_a_stray_pixel_at_the_edge_is_not_land_running_off() -> None:
    mask = np.zeros((100, 100), dtype=bool)
    mask[50, 0] = True
    assert sc.edges_touched(mask) == []
    mask[50:60, 0] = True
    assert sc.edges_touched(mask) == ["left"]


# --------------------------------------------------------------------------------------------- words
def test_streamlit_english_is_found_as_whole_words_only() -> None:
    found = sc.streamlit_english(["Todos", "No results", "Drag and drop file here", "Hasta 50 MB por archivo",
                                  "Uploaded by", "Limite", "Limit 200MB per file"])
    assert {word for word, _ in found} == {"No results", "Drag and drop", "Limit", "200MB", "per file"}
    assert sc.streamlit_english(["Subir archivo", "Sin resultados", "dd/mm/aaaa", "Elija una opción"]) == []
