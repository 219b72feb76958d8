"""Every user-visible string, in Spanish and English, and locale formatting of numbers and dates.

Strings live in the modules of this package (one per area of the app: common, map, flows, ...), each
defining `STRINGS = {key: {"es": ..., "en": ...}}`. They are merged here; a key defined twice or missing
a language is an error at import time, so no page can show an untranslated string.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Mapping

LANGUAGES = ("es", "en")
LANGUAGE_NAMES = {"es": "Español", "en": "English"}

_MONTHS = {
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_MONTHS_LONG = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in getattr(module, "STRINGS", {}).items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} defined twice (again in {info.name})")
            missing = [lang for lang in LANGUAGES if not texts.get(lang)]
            if missing:
                raise ValueError(f"i18n key {key!r} in {info.name} lacks {', '.join(missing)}")
            merged[key] = dict(texts)
    return merged


STRINGS: Mapping[str, Mapping[str, str]] = _load()


def normalise_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "es"


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled. Unknown keys raise KeyError."""
    text = STRINGS[key][normalise_lang(lang)]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in STRINGS


def fmt_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """1,234.5 in English, 1.234,5 in Spanish; '–' for missing values."""
    if value is None:
        return "–"
    try:
        if value != value:  # NaN
            return "–"
    except TypeError:
        return "–"
    text = f"{value:,.{decimals}f}"
    if normalise_lang(lang) == "es":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_compact(value: int, lang: str) -> str:
    """A key figure that fits a metric card: 12,83 M / 12.83 M from ten million up, else every digit."""
    if abs(value) >= 10_000_000:
        return fmt_number(value / 1_000_000, lang, 2) + " M"
    return fmt_number(value, lang)


def fmt_percent(value: float | None, lang: str, decimals: int = 0) -> str:
    return "–" if value is None else f"{fmt_number(value, lang, decimals)} %"


def fmt_date(value: dt.date | None, lang: str) -> str:
    """22 nov 2026 in Spanish, 22 Nov 2026 in English."""
    if value is None:
        return "–"
    return f"{value.day} {_MONTHS[normalise_lang(lang)][value.month - 1]} {value.year}"


def fmt_month(value: dt.date, lang: str) -> str:
    """noviembre 2026 / November 2026."""
    return f"{_MONTHS_LONG[normalise_lang(lang)][value.month - 1]} {value.year}"


def month_abbr(month: int, lang: str) -> str:
    return _MONTHS[normalise_lang(lang)][month - 1]
