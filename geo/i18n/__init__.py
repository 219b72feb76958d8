"""Every user-visible string, one gettext catalog per language, and locale formatting of numbers and dates.

Strings live in geo/i18n/locales/<lang>/LC_MESSAGES/messages.po (the layout pybabel, Poedit and Weblate know):
msgid is the key the code asks for, msgstr the text, {placeholders} filled by t(). The languages are the
catalogs present; Spanish (es) is the reference and the fallback: a key another catalog lacks shows in
Spanish (tests/test_i18n.py fails on it, so none ships). CA4_LOCALE_DIR may name a folder of more catalogs in
the same layout; a language there replaces the built-in one of the same code.

A catalog's Language header is the CLDR locale its numbers and dates follow (es_GT for Spanish). Entries
`name.<kind>.<code>` translate reference records' names (geo/i18n/names.py).

The catalogs are read once, at import (about 25 ms for two), into plain dicts: t() is one dict lookup.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError, dates, numbers
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "es"  # the reference catalog and the fallback for any key or language missing elsewhere
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
CATALOG_FILE = Path("LC_MESSAGES") / "messages.po"
LOCALE_DIR_VARIABLE = "CA4_LOCALE_DIR"
NAME_PREFIX = "name."  # catalog entries that translate reference records' names, not UI strings


@dataclass(frozen=True)
class LanguageCatalog:
    """One language's catalog as read: its code (the folder name), file, formatting locale and texts."""

    lang: str
    path: Path
    babel_locale: str
    texts: dict[str, str]  # only translated, non-fuzzy entries, exactly as in the file
    untranslated: tuple[str, ...] = ()  # msgids present with an empty or fuzzy msgstr (shown in Spanish)


def catalog_paths(extra_dir: str | Path | None = None) -> dict[str, Path]:
    """lang -> catalog file: the built-in ones, then those of `extra_dir` (replacing the same code)."""
    found: dict[str, Path] = {}
    for folder in (LOCALES_DIR, *([Path(extra_dir)] if extra_dir else [])):
        for path in sorted(folder.glob(f"*/{CATALOG_FILE.as_posix()}")):
            found[path.parent.parent.name] = path
    return found


def read_catalog(lang: str, path: Path) -> LanguageCatalog:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    texts = {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
    untranslated = tuple(str(m.id) for m in catalog if m.id and str(m.id) not in texts)
    return LanguageCatalog(lang, path, _format_locale(catalog.locale_identifier, lang), texts, untranslated)


def _format_locale(header: str | None, lang: str) -> str:
    """The Language header if CLDR knows it, else the folder's code if CLDR knows that, else Spanish's (a
    pseudo-language such as "xx" still formats numbers and dates)."""
    for candidate in (header, lang):
        if candidate:
            try:
                return str(Locale.parse(candidate.replace("-", "_")))
            except (UnknownLocaleError, ValueError):
                continue
    return "es_GT"


# Filled by load_catalogs(): module globals, so t() does no more than two dict lookups.
_CATALOGS: dict[str, LanguageCatalog] = {}
_TEXTS: dict[str, dict[str, str]] = {}  # lang -> key -> text, Spanish filled in for keys a catalog lacks
_SOURCE_TEXTS: dict[str, str] = {}
_LANGUAGES: tuple[str, ...] = ()


def load_catalogs(extra_dir: str | Path | None = None) -> None:
    """(Re)read every catalog: the built-in ones plus `extra_dir`, by default $CA4_LOCALE_DIR. Called once at
    import; tests call it again after pointing CA4_LOCALE_DIR at a folder of their own."""
    global _SOURCE_TEXTS, _LANGUAGES
    if extra_dir is None:
        extra_dir = os.environ.get(LOCALE_DIR_VARIABLE) or None
    catalogs = {lang: read_catalog(lang, path) for lang, path in catalog_paths(extra_dir).items()}
    if SOURCE_LANGUAGE not in catalogs:
        raise RuntimeError(f"no {SOURCE_LANGUAGE} catalog under {LOCALES_DIR} or {extra_dir}")
    source = catalogs[SOURCE_LANGUAGE].texts
    _CATALOGS.clear()
    _CATALOGS.update(catalogs)
    _TEXTS.clear()
    _TEXTS.update({lang: {**source, **c.texts} for lang, c in catalogs.items()})
    _SOURCE_TEXTS = _TEXTS[SOURCE_LANGUAGE]
    # The reference language first (the default), then the others by code.
    _LANGUAGES = (SOURCE_LANGUAGE, *sorted(lang for lang in catalogs if lang != SOURCE_LANGUAGE))
    from geo.i18n import names  # its lookup tables are built from the catalogs just read

    names.clear_cache()


def languages() -> tuple[str, ...]:
    """The UI's languages: one per catalog present, Spanish first."""
    return _LANGUAGES


def catalogs() -> dict[str, LanguageCatalog]:
    """The catalogs as read, by language (for checks and tools; t() does not go through this)."""
    return dict(_CATALOGS)


def normalise_lang(lang: str | None) -> str:
    return lang if lang in _TEXTS else SOURCE_LANGUAGE  # type: ignore[operator]


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled. Unknown keys raise KeyError; an unknown
    language is Spanish."""
    text = (_TEXTS.get(lang) or _SOURCE_TEXTS)[key]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in _SOURCE_TEXTS


def language_name(lang: str) -> str:
    """A language's own name, from its own catalog ("Español", "English"): what the language switch shows."""
    return t("app.language_name", lang)


def babel_locale(lang: str | None) -> str:
    """The CLDR locale of the language's numbers and dates: es_GT for Spanish (Guatemala, El Salvador,
    Honduras and Nicaragua write 1,234.5; never Babel's bare "es", which is Spain's 1.234,5)."""
    return _CATALOGS[normalise_lang(lang)].babel_locale


def __getattr__(name: str) -> object:
    """Read-only views kept for code written before the catalogs (computed now, so never stale)."""
    if name == "LANGUAGES":
        return _LANGUAGES
    if name == "LANGUAGE_NAMES":
        return {lang: language_name(lang) for lang in _LANGUAGES}
    if name == "BABEL_LOCALES":
        return {lang: c.babel_locale for lang, c in _CATALOGS.items()}
    if name == "STRINGS":
        return {key: {lang: _TEXTS[lang][key] for lang in _LANGUAGES} for key in _SOURCE_TEXTS
                if not key.startswith(NAME_PREFIX)}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MISSING = "—"  # shown for a missing value in every table, card and report

load_catalogs()


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


def fmt_signed(value: float | int | None, lang: str, decimals: int = 0, style: str = "number") -> str:
    """A change with its sign, for a metric's delta: '+1,234', '-3.2 %' (style 'percent'), '+2.5 p. p.'
    (style 'points': percentage points). Nothing to the precision shown reads '0' with no sign ('-0.0' never),
    and Streamlit reads a delta starting with '-' as a fall."""
    if _missing(value):
        return MISSING
    value = round(float(value), decimals)  # type: ignore[arg-type]
    if value == 0:
        value = 0.0
    text = fmt_percent(value, lang, decimals) if style == "percent" else fmt_number(value, lang, decimals)
    if style == "points":
        text += " " + t("format.points", lang)
    return ("+" if value > 0 else "") + text


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
    """THE date style: a date that is a value is written day first, in figures, in every language: 28/11/2026,
    in tables, captions, sentences, the brief and the date fields (DD/MM/YYYY) alike, so one record never reads
    '18 jul 2024' on one screen and '18/07/2024' on another. Words are for periods only: a month ('noviembre de
    2026', fmt_month), a range of months (geo.periods)."""
    return fmt_date_short(value, lang)


def fmt_date_short(value: dt.date | dt.datetime | None, lang: str) -> str:
    """28/11/2026: the region's numeric, day-first form in both languages (the catalog's `format.date_short`,
    dd/MM/y in both; English readers here read dates day first too, and the date fields show DD/MM/YYYY)."""
    day = _as_date(value)
    if day is None:
        return MISSING
    return dates.format_date(day, t("format.date_short", lang), locale=babel_locale(lang))


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored time (UTC: naive ones are UTC, as every write path stores them) in the region's time zone
    (CA4_TIMEZONE, default America/Guatemala, UTC-6)."""
    from geo.config import local_timezone

    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()  # type: ignore[union-attr]
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_timezone())


def utc_start_of_local_day(day: dt.date) -> dt.datetime:
    """The stored (naive UTC) time at which `day` begins in the region: a date filter on stored times uses it,
    so "until 30/11/2026" takes in what is shown as 30/11/2026 20:30."""
    from geo.config import local_timezone

    start = dt.datetime.combine(day, dt.time(), tzinfo=local_timezone())
    return start.astimezone(dt.UTC).replace(tzinfo=None)


def fmt_datetime(value: dt.datetime | None, lang: str, seconds: bool = False) -> str:
    """28/11/2026 08:05 (both languages) for 14:05 UTC: THE formatter of a time shown, in the
    region's time (local_time), a 24-hour clock in both languages, as logs are read."""
    if _missing(value):
        return MISSING
    assert isinstance(value, dt.datetime)
    value = local_time(value)
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


# A month in a chart's hover, as fmt_month writes it ('noviembre 2026' / 'November 2026'): plotly's d3 pattern, its
# month names those of plotly_dates (plotly's own are English and its locales load from a CDN).
MONTH_HOVER = "%B %Y"


def plotly_dates(lang: str) -> dict[str, list[str]]:
    """Plotly's locale date words in the page's language, from Babel (geo.charts.chart_config registers them):
    '%B' writes 'noviembre', '%b' 'nov', as fmt_month and month_abbr do."""
    locale = babel_locale(lang)
    wide = dates.get_month_names("wide", "stand-alone", locale=locale)
    short = dates.get_month_names("abbreviated", "stand-alone", locale=locale)
    days = dates.get_day_names("wide", "stand-alone", locale=locale)
    short_days = dates.get_day_names("abbreviated", "stand-alone", locale=locale)
    week = [6, 0, 1, 2, 3, 4, 5]  # d3 starts on Sunday, Babel on Monday
    return {"months": [wide[m] for m in range(1, 13)], "shortMonths": [short[m] for m in range(1, 13)],
            "days": [days[d] for d in week], "shortDays": [short_days[d] for d in week]}


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
