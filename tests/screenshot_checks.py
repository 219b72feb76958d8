"""What the screenshot tests check, as pure functions on text and pixels (tests/test_screenshot_checks.py tests
them, tests/test_screenshots_browser.py only gathers what the browser shows):

- English on a Spanish page: Streamlit's own words (STREAMLIT_ENGLISH, the one list) in the texts a page shows;
- a map leaves its region: the CA4's land (its fill colour) touching the canvas's edges, and the region's bounds
  projected with the view the browser received falling outside the canvas;
- a label loses letters: each glyph of the label's text, rendered by PIL in the map's font at the map's size,
  must find ink in the screenshot's columns where the glyph stands (a vanished 'l' leaves a gap there).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from geo.map_font import served_font  # the map's font: the Source Sans the app serves
from tests.browser import lonlat_to_pixel

# What Streamlit 1.67 writes in its frontend when the app passes nothing (or cannot pass anything): none may reach
# a Spanish page. Selectbox/multiselect placeholders and their dropdowns' texts, the uploader's button, drop zone
# and size line, an empty date field's format.
STREAMLIT_ENGLISH = ("Choose an option", "Choose options", "No options to select", "No results", "Select all",
                     "Upload", "Drag and drop", "Browse files", "per file", "200MB", "Limit", "YYYY", "MM/DD")


def streamlit_english(texts: Iterable[str], words: Iterable[str] = STREAMLIT_ENGLISH) -> list[tuple[str, str]]:
    """(word, text) for every one of Streamlit's English `words` found as a whole word in `texts`."""
    found = []
    for text in texts:
        for word in words:
            if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text):
                found.append((word, text))
    return found


# ------------------------------------------------------------------------------------------ a map's region
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in canvas pixels (x1, y1 inclusive for pixel boxes)


def colour_mask(rgb: np.ndarray, colour: Iterable[int], tolerance: int = 4) -> np.ndarray:
    """Pixels of an (H, W, 3) image within `tolerance` of `colour` on every channel."""
    target = np.asarray(list(colour)[:3], dtype=int)
    return (np.abs(rgb[..., :3].astype(int) - target) <= tolerance).all(axis=-1)


def opened(mask: np.ndarray, radius: int = 2) -> np.ndarray:
    """`mask` without its parts thinner than 2 radius + 1 pixels (erosion then dilation, the canvas's edges
    repeated): areas of a fill colour stay whole, thin lines of it go (a label's halo fading over grey land
    passes through the CA4's cream for a pixel)."""
    def sweep(values: np.ndarray, combine) -> np.ndarray:
        padded = np.pad(values, radius, mode="edge")
        height, width = values.shape
        out = values.copy()
        for dy in range(2 * radius + 1):
            for dx in range(2 * radius + 1):
                out = combine(out, padded[dy:dy + height, dx:dx + width])
        return out

    return sweep(sweep(mask, np.logical_and), np.logical_or)


def mask_box(mask: np.ndarray) -> Box | None:
    """The smallest box holding every True pixel of `mask`, or None when there is none."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return None
    return float(cols[0]), float(rows[0]), float(cols[-1]), float(rows[-1])


def edges_touched(mask: np.ndarray, margin_px: int = 2, min_run_px: int = 3) -> list[str]:
    """The canvas edges ('left', 'top', 'right', 'bottom') that the region's pixels reach within `margin_px`,
    along at least `min_run_px` pixels (a stray pixel is not land running off the canvas)."""
    height, width = mask.shape
    strips = {"left": mask[:, :margin_px].any(axis=1), "right": mask[:, width - margin_px:].any(axis=1),
              "top": mask[:margin_px, :].any(axis=0), "bottom": mask[height - margin_px:, :].any(axis=0)}
    return [edge for edge, strip in strips.items() if int(strip.sum()) >= min_run_px]


def projected_box(bounds: tuple[float, float, float, float], view: dict, width: float, height: float) -> Box:
    """The box a (min lon, min lat, max lon, max lat) extent covers on a canvas of that size and view."""
    minx, miny, maxx, maxy = bounds
    x0, y0 = lonlat_to_pixel(minx, maxy, view, width, height)
    x1, y1 = lonlat_to_pixel(maxx, miny, view, width, height)
    return x0, y0, x1, y1


def region_problems(mask: np.ndarray, projected: Box, *, slack_px: float = 4.0, min_cover: float = 0.8) -> list[str]:
    """Why the region drawn (the pixels of `mask`) is not whole in its canvas, or [] when it is: land touching an
    edge, no land at all, the projected bounds outside the canvas, or the drawn land not where the projection
    puts it (outside the projected box by more than `slack_px`, or spanning less than `min_cover` of it)."""
    height, width = mask.shape
    problems = [f"the region's land touches the canvas's {edge} edge" for edge in edges_touched(mask)]
    drawn = mask_box(mask)
    if drawn is None:
        return [*problems, "no pixel of the region's land colour on the canvas"]
    x0, y0, x1, y1 = projected
    if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
        problems.append(f"the region's bounds project to {_box_text(projected)}, outside the {width}x{height} canvas")
    dx0, dy0, dx1, dy1 = drawn
    if dx0 < x0 - slack_px or dy0 < y0 - slack_px or dx1 > x1 + slack_px or dy1 > y1 + slack_px:
        problems.append(f"land drawn at {_box_text(drawn)}, beyond the projected bounds {_box_text(projected)}")
    if (dx1 - dx0) < min_cover * (x1 - x0) or (dy1 - dy0) < min_cover * (y1 - y0):
        problems.append(f"land drawn at {_box_text(drawn)} covers too little of the projected {_box_text(projected)}")
    return problems


def _box_text(box: Box) -> str:
    return "(" + ", ".join(f"{v:.0f}" for v in box) + ")"


# ------------------------------------------------------------------------------------------ a label's letters
SUPERSAMPLE = 4  # the reference is drawn this many times larger, then reduced: deck.gl scales its glyphs too


@dataclass(frozen=True)
class Reference:
    """A text rendered by PIL: its ink (H, W floats 0..1, at SUPERSAMPLE times the screen's scale), and each
    character's advance [x0, x1) in the same pixels."""

    text: str
    ink: np.ndarray
    spans: tuple[tuple[str, float, float], ...]


@cache
def reference(text: str, size_px: float, weight: int = 600, font: Path | None = None) -> Reference:
    from PIL import Image, ImageDraw, ImageFont

    big = size_px * SUPERSAMPLE
    face = ImageFont.truetype(str(font or served_font()), round(big))
    with contextlib.suppress(OSError):  # not a variable font: its one weight
        face.set_variation_by_axes([weight])
    pad = round(big * 0.5)
    width = math.ceil(face.getlength(text)) + 2 * pad
    image = Image.new("L", (width, round(big * 1.6)), 0)
    ImageDraw.Draw(image).text((pad, round(big * 0.2)), text, font=face, fill=255)
    spans = tuple((char, pad + face.getlength(text[:i]), pad + face.getlength(text[:i + 1]))
                  for i, char in enumerate(text))
    return Reference(text, np.asarray(image, dtype=float) / 255.0, spans)


def screen_ink(rgb: np.ndarray, ink: Iterable[int], background: int = 255) -> np.ndarray:
    """How much of the text's ink colour each pixel shows (0 on the white halo, 1 on the ink), by luminance."""
    weights = np.array([0.299, 0.587, 0.114])
    ink_l = float(np.dot(np.asarray(list(ink)[:3], dtype=float), weights))
    lum = rgb[..., :3].astype(float) @ weights
    return np.clip((background - lum) / (background - ink_l), 0.0, 1.0)


def _profile(ink: np.ndarray, threshold: float = 0.45) -> np.ndarray:
    return (ink >= threshold).sum(axis=0).astype(float)


@dataclass(frozen=True)
class GlyphCheck:
    missing: tuple[str, ...]  # descriptions of glyphs with no ink where the reference has it
    width_ratio: float  # the drawn ink's width over the reference's
    shift_px: float  # where the reference's left edge sits in the crop
    columns: tuple[tuple[str, int, int], ...] = ()  # each character's advance [lo, hi) in the crop's columns


def check_label(crop_ink: np.ndarray, ref: Reference, *, min_share: float = 0.35,
                width_range: tuple[float, float] = (0.85, 1.15), max_split_gain: float = 0.08) -> GlyphCheck:
    """Compare the column profile of a label's screen crop (ink per pixel, as screen_ink gives) with the
    reference rendering of its full text: the reference is reduced to screen scale at the sub-pixel phase and
    shift that best match the crop, then each glyph's core columns (where the reference's glyph carries at
    least half its densest column) must carry at least `min_share` of the reference's ink there; and the drawn
    ink must be about as wide as the reference's, and no part of the text may sit apart from where the full
    text puts it (a letter missing moves the rest: "Tegucgalpa" against "Tegucigalpa")."""
    screen = _profile(crop_ink)
    if screen.sum() == 0:
        return GlyphCheck(("no ink at all",), 0.0, 0.0, ())
    best = None
    for phase in range(SUPERSAMPLE):
        small, origin = _reduced(ref.ink, phase)
        ref_profile = _profile(small)
        for shift in range(-len(ref_profile), len(screen)):
            score = _overlap(screen, ref_profile, shift)
            if best is None or score > best[0]:
                best = (score, phase, shift, ref_profile, origin)
    _, phase, shift, ref_profile, origin = best
    missing, columns = [], []
    for char, x0, x1 in ref.spans:
        lo = math.floor((x0 + phase) / SUPERSAMPLE) + shift
        hi = math.ceil((x1 + phase) / SUPERSAMPLE) + shift
        columns.append((char, lo, hi))
        if char.isspace():
            continue
        glyph = np.array([ref_profile[c - shift] if 0 <= c - shift < len(ref_profile) else 0.0
                          for c in range(lo, hi)])
        if glyph.max(initial=0) == 0:
            continue
        core = [c for c, v in zip(range(lo, hi), glyph, strict=True) if v >= 0.5 * glyph.max()]
        wanted = sum(ref_profile[c - shift] for c in core)
        got = sum(screen[c] for c in core if 0 <= c < len(screen))
        if got < min_share * wanted:
            missing.append(f"{char!r} (columns {core[0]}-{core[-1]}: ink {got:.0f} of {wanted:.0f})")
    # A letter missing or added moves the glyphs after it: if the reference, cut at some glyph, matches much
    # better with its two parts shifted apart by 2 px or more, the drawn text is not the full text.
    gain, cut_at = _split_gain(screen, ref_profile, shift, best[0], [math.floor((x0 + phase) / SUPERSAMPLE)
                                                                      for _, x0, _ in ref.spans[1:]])
    if gain > max_split_gain:
        missing.append(f"the letters from column {cut_at} on stand apart from those before (match gain {gain:.2f})")
    # The drawn ink's width where the reference's ink stands (2 px either side): border lines and marks near the
    # label, further out, are not the label's.
    inked = np.flatnonzero(ref_profile > 0)
    lo, hi = max(0, inked[0] + shift - 2), min(len(screen), inked[-1] + shift + 3)
    drawn, wanted = _extent(screen[lo:hi]), _extent(ref_profile)
    ratio = drawn / wanted if wanted else 0.0
    if not width_range[0] <= ratio <= width_range[1]:
        missing.append(f"ink {drawn} px wide where the full text is {wanted} px")
    return GlyphCheck(tuple(missing), ratio, shift - origin, tuple(columns))


def _split_gain(screen: np.ndarray, ref_profile: np.ndarray, shift: int, score: float,
                cuts: list[int]) -> tuple[float, int]:
    """How much better (as a share of the reference's ink) the reference matches when cut at one of `cuts` and
    its right part moved 2 to 6 px, and where; (0, 0) when no cut does better than the one shift."""
    best, where = 0.0, 0
    for cut in cuts:
        left, right = ref_profile.copy(), ref_profile.copy()
        left[cut:], right[:cut] = 0.0, 0.0
        base = _overlap(screen, left, shift)
        for moved in (-6, -5, -4, -3, -2, 2, 3, 4, 5, 6):
            gain = (base + _overlap(screen, right, shift + moved) - score) / max(ref_profile.sum(), 1.0)
            if gain > best:
                best, where = gain, cut + shift
    return best, where


def _reduced(ink: np.ndarray, phase: int) -> tuple[np.ndarray, int]:
    """The supersampled ink averaged down to screen pixels, starting `phase` big pixels to the left."""
    height, width = ink.shape
    padded = np.pad(ink, ((0, (-height) % SUPERSAMPLE), (phase, (-(width + phase)) % SUPERSAMPLE)))
    h, w = padded.shape
    return padded.reshape(h // SUPERSAMPLE, SUPERSAMPLE, w // SUPERSAMPLE, SUPERSAMPLE).mean(axis=(1, 3)), 0


def _overlap(screen: np.ndarray, ref: np.ndarray, shift: int) -> float:
    """Agreement of the two profiles with the reference's column 0 at the screen's column `shift`: shared ink
    less the ink either has where the other has none."""
    lo, hi = max(0, shift), min(len(screen), shift + len(ref))
    if hi <= lo:
        return -math.inf
    s, r = screen[lo:hi], ref[lo - shift:hi - shift]
    return float(np.minimum(s, r).sum() - 0.5 * (r.sum() - np.minimum(s, r).sum()))


def _extent(profile: np.ndarray) -> int:
    columns = np.flatnonzero(profile > 0)
    return int(columns[-1] - columns[0] + 1) if len(columns) else 0


def label_box(x: float, y: float, width: float, size_px: float, anchor: str = "middle",
              baseline: str = "center") -> Box:
    """The screen box of a deck.gl TextLayer label drawn at pixel (x, y) (its position plus pixel offset), of
    `width` pixels, one line of `size_px` (lineHeight 1)."""
    left = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    top = y - {"top": 0.0, "center": size_px / 2, "bottom": size_px}[baseline]
    return left, top, left + width, top + size_px
