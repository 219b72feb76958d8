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

from babel import dates, numbers

LANGUAGES = ("es", "en")
LANGUAGE_NAMES = {"es": "Español", "en": "English"}


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


# Spanish as written in Guatemala, El Salvador, Honduras and Nicaragua (CLDR es_GT/es_SV/es_HN/es_NI agree on
# 1,234.5): never Babel's bare "es", which is Spain's 1.234,5. English is plain CLDR "en".
BABEL_LOCALES = {"es": "es_GT", "en": "en"}
MISSING = "—"  # shown for a missing value in every table, card and report


def babel_locale(lang: str | None) -> str:
    return BABEL_LOCALES[normalise_lang(lang)]


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def _decimal_pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def fmt_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """1,234.5 in both languages (the region writes like English); '—' for missing values."""
    if _missing(value):
        return MISSING
    return numbers.format_decimal(value, format=_decimal_pattern(decimals), locale=babel_locale(lang),
                                  decimal_quantization=True)


def fmt_compact(value: float | int | None, lang: str) -> str:
    """A key figure that fits a metric card: 12.83 M from ten million up, else every digit (1,234,567)."""
    if _missing(value):
        return MISSING
    if abs(value) >= 10_000_000:  # type: ignore[arg-type]
        # Babel's compact form would say "12.83 M" in es_GT but "12.83M" in en; one spelling for both.
        return fmt_number(value / 1_000_000, lang, 2) + " M"  # type: ignore[operator]
    return fmt_number(value, lang)


def fmt_percent(value: float | None, lang: str, decimals: int = 0) -> str:
    """36.8 % from 36.8 (a value already in percent). The space before % is the Spanish norm (RAE) and
    the app's house style in English too, so both languages read alike."""
    if _missing(value):
        return MISSING
    return numbers.format_percent(value / 100, format=_decimal_pattern(decimals) + " %",  # type: ignore[operator]
                                  locale=babel_locale(lang), decimal_quantization=True)


def fmt_money(value: float | int | None, lang: str, currency: str = "EUR", decimals: int = 0) -> str:
    """USD 81,500 / EUR 12,345.50: the ISO code in both languages ("$" would be ambiguous in a region with
    several dollar and peso currencies), the number in the language's style."""
    if _missing(value):
        return MISSING
    return f"{currency} {fmt_number(value, lang, decimals)}"


def _as_date(value: object) -> dt.date | None:
    if _missing(value):
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()  # type: ignore[union-attr]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    raise TypeError(f"not a date: {value!r}")


def fmt_date(value: dt.date | dt.datetime | None, lang: str) -> str:
    """28 nov 2026 / 28 Nov 2026: day first in both languages, the month unambiguous."""
    day = _as_date(value)
    if day is None:
        return MISSING
    return dates.format_date(day, "d MMM y", locale=babel_locale(lang))


def fmt_date_short(value: dt.date | dt.datetime | None, lang: str) -> str:
    """28/11/2026 in Spanish (the region's numeric form); 28 Nov 2026 in English, where 11/28 vs 28/11
    would be ambiguous to half the readers."""
    day = _as_date(value)
    if day is None:
        return MISSING
    if normalise_lang(lang) == "es":
        return dates.format_date(day, "dd/MM/y", locale=babel_locale(lang))
    return fmt_date(day, lang)


def fmt_datetime(value: dt.datetime | None, lang: str, seconds: bool = False) -> str:
    """28/11/2026 14:05 (es) / 28 Nov 2026 14:05 (en): a 24-hour clock in both, as logs are read."""
    if _missing(value):
        return MISSING
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()  # type: ignore[union-attr]
    assert isinstance(value, dt.datetime)
    clock = dates.format_time(value, "HH:mm:ss" if seconds else "HH:mm", locale=babel_locale(lang))
    return f"{fmt_date_short(value, lang)} {clock}"


def fmt_month(value: dt.date | dt.datetime, lang: str) -> str:
    """noviembre 2026 / November 2026."""
    day = _as_date(value)
    if day is None:
        return MISSING
    return dates.format_date(day, "LLLL y", locale=babel_locale(lang))


def fmt_month_short(value: dt.date | dt.datetime, lang: str) -> str:
    """nov 2026 / Nov 2026: a month axis tick or a compact column heading."""
    day = _as_date(value)
    if day is None:
        return MISSING
    return dates.format_date(day, "LLL y", locale=babel_locale(lang))


def month_abbr(month: int, lang: str) -> str:
    """nov / Nov (1-12)."""
    return dates.get_month_names("abbreviated", "stand-alone", locale=babel_locale(lang))[month]


def month_name(month: int, lang: str) -> str:
    """noviembre / November (1-12)."""
    return dates.get_month_names("wide", "stand-alone", locale=babel_locale(lang))[month]


def fmt_yes_no(value: object, lang: str) -> str:
    """Sí / No for a boolean, '—' when unknown: never Python's True/False on screen."""
    if _missing(value):
        return MISSING
    return t("common.yes", lang) if bool(value) else t("common.no", lang)


def fmt_value(value: object, lang: str) -> str:
    """Any stored value as a reader reads it: '—', Sí/No, a date, a number in the locale, or the text."""
    if _missing(value) or value == "":
        return MISSING
    if isinstance(value, bool):
        return fmt_yes_no(value, lang)
    if isinstance(value, dt.date):  # datetimes included: a form's values are days
        return fmt_date(value, lang)
    if isinstance(value, int | float):
        return fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def fmt_count(count: int, key: str, lang: str, **values: object) -> str:
    """'1 cambio', '3 cambios': `key` names a pair of strings `key.one` and `key.other`, each with {n}
    (and any other {placeholders} given as `values`)."""
    form = "one" if count == 1 else "other"  # CLDR's plural rule for both es and en
    return t(f"{key}.{form}", lang, n=fmt_number(count, lang), **values)


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal, then thousands): the region writes 1,234.5 like English."""
    symbols = numbers.get_decimal_symbol(babel_locale(lang)) + numbers.get_group_symbol(babel_locale(lang))
    return symbols


def month_ticks(months: object, lang: str, every: int | None = None) -> dict[str, list]:
    """tickvals/ticktext for a plotly month axis in the page's language (plotly's own locales need a CDN).

    `months` are the axis's month starts (any iterable of dates); at most about 12 labels are kept, every
    `every` months (chosen from the span when not given), January labelled with its year.
    """
    days = sorted({d for d in (_as_date(m) for m in months) if d is not None})  # type: ignore[union-attr]
    days = [d.replace(day=1) for d in days]
    days = sorted(set(days))
    if not days:
        return {"tickvals": [], "ticktext": []}
    if every is None:
        every = next(step for step in (1, 2, 3, 4, 6, 12, 24, 60) if len(days) / step <= 12)
    kept = [d for d in days if (d.year * 12 + d.month - 1) % every == 0] or days[:1]
    text = []
    for i, d in enumerate(kept):
        # The year on the first tick and each January, so a long axis does not repeat it twelve times.
        text.append(fmt_month_short(d, lang) if i == 0 or d.month == 1 or every >= 12 else month_abbr(d.month, lang))
    return {"tickvals": [d.isoformat() for d in kept], "ticktext": text}
