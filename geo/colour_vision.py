"""How legend colours look to people with the common colour-vision deficiencies, and how far apart they are.

Simulation: Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of color
vision deficiency", IEEE TVCG 15(6), the severity-1.0 matrices (dichromacy: protanopia, deuteranopia,
tritanopia), applied to linear sRGB. Difference: CIEDE2000 (Sharma, Wu and Dalal 2005's formulation) between
CIELAB colours (D65). Pure numpy; tests/test_colour_vision.py holds every legend of the app to a minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np

RGB = Sequence[int]

# Machado et al. 2009, Table 1, severity 1.0 (the strongest case: a legend that holds there holds for milder).
MACHADO_2009 = {
    "protan": np.array([[0.152286, 1.052583, -0.204868],
                        [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968],
                        [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779],
                        [-0.078411, 0.930809, 0.147602],
                        [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *MACHADO_2009)


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear: np.ndarray) -> np.ndarray:
    c = np.clip(linear, 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(rgb: RGB, vision: str) -> tuple[float, float, float]:
    """The sRGB colour (0-255 floats) a person with `vision` ("normal", "protan", "deutan", "tritan") sees."""
    colour = np.asarray(rgb[:3], dtype=float)
    if vision == "normal":
        return tuple(colour)
    seen = _to_srgb(MACHADO_2009[vision] @ _to_linear(colour))
    return tuple(float(v) for v in seen)


def to_lab(rgb: Iterable[float]) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour given as 0-255 values."""
    linear = _to_linear(np.asarray(list(rgb)[:3], dtype=float))
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375],
                    [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    else:
        dhp = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    dhp_big = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp / 2))
    lp_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    else:
        hp_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(hp_bar - 30)) + 0.24 * np.cos(np.radians(2 * hp_bar))
         + 0.32 * np.cos(np.radians(3 * hp_bar + 6)) - 0.20 * np.cos(np.radians(4 * hp_bar - 63)))
    d_theta = 30 * np.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / np.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return float(np.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dhp_big / s_h) ** 2
                         + r_t * (dcp / s_c) * (dhp_big / s_h)))


def difference(rgb1: RGB, rgb2: RGB, vision: str = "normal") -> float:
    """CIEDE2000 between two sRGB colours as a person with `vision` sees them."""
    return delta_e_2000(to_lab(simulate(rgb1, vision)), to_lab(simulate(rgb2, vision)))


def closest_pair(colours: dict[str, RGB], vision: str) -> tuple[float, str, str]:
    """The smallest difference between two of `colours` under `vision`, and which two."""
    return min((difference(colours[a], colours[b], vision), a, b) for a, b in combinations(colours, 2))


def parse_css(colour: str) -> tuple[int, int, int]:
    """'rgb(1,2,3)', 'rgba(1,2,3,0.5)' or '#0a0b0c' as an RGB triple (the legends' swatches are written so)."""
    colour = colour.strip()
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    inside = colour[colour.index("(") + 1:colour.index(")")]
    return tuple(int(float(v)) for v in inside.split(",")[:3])
