"""Cell parsers by type (text, code, number, date, month, bool, ...): a raw cell in, a value or an
(i18n key, parameters) problem out. One registry, used by every kind."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from geo.io.schema import Field, KindSpec, _choice_lookup, _fold, shown_number
from geo.io.style import Evidence, FileStyle
from geo.io.table import Table, _blank

EARLIEST = dt.date(1990, 1, 1)


# ------------------------------------------------------------------------------------------ cells
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# What a spreadsheet would execute at the start of a cell (OWASP "CSV injection"). A lone "-" (a dash for
# "none") is text. A leading apostrophe is the spreadsheet's own "this is text" mark: '=x is stored as =x
# (and exports write it back with the apostrophe), so such text keeps its characters.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = FORMULA_START
_MONTH_NAMES = {
    **{_fold(n): i for i, n in enumerate(("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                          "septiembre", "octubre", "noviembre", "diciembre"), start=1)},
    **{_fold(n): i for i, n in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                          "september", "october", "november", "december"), start=1)},
    **{_fold(n): i for i, n in enumerate(("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct",
                                          "nov", "dic"), start=1)},
    **{_fold(n): i for i, n in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"), start=1)},
    "sept": 9, "setiembre": 9,
}
CellResult = tuple[Any, tuple[str, dict[str, Any]] | None]


def _err(key: str, **params: Any) -> tuple[None, tuple[str, dict[str, Any]]]:
    return None, (key, params)


def _shown(value: object) -> str:
    text = _CONTROL.sub("?", str(value)).replace("\r", "?").replace("\n", "?")
    return text if len(text) <= 40 else text[:37] + "…"


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # pd.Timestamp too
        midnight = value.hour == value.minute == value.second == 0
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(value: object, f: Field, formulas: bool = True) -> CellResult:
    """Text within its length, without control characters. `formulas`: the file is a spreadsheet's (CSV,
    XLSX), where text beginning like a formula is flagged and a leading apostrophe is the "text" mark;
    GeoJSON and GeoPackage text is kept as it is (exports neutralise it for spreadsheets)."""
    text = _as_text(value)
    if f.multiline:
        text = text.replace("\r\n", "\n")
        if _CONTROL.search(text.replace("\n", "")):
            return _err("data.err.control")
    elif _CONTROL.search(text) or "\n" in text or "\r" in text:
        return _err("data.err.control")
    fixed = mojibake_fix(text)
    if fixed is not None:  # never stored: the file was decoded wrongly once, somewhere before it came here
        return _err("data.err.mojibake", value=_shown(text), fixed=_shown(fixed))
    if not formulas:
        pass
    elif text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]  # the apostrophe said "text, not a formula": keep the text as typed after it
    elif looks_like_formula(text):
        return _err("data.err.formula", value=_shown(text))
    if len(text) > f.max_len:
        return _err("data.err.too_long", max=f.max_len)
    return text, None


def mojibake_fix(text: str) -> str | None:
    """The likely right text when `text` is mojibake (UTF-8 read once as Windows-1252 or Latin-1 and saved
    again: "San CristÃ³bal" for "San Cristóbal"), else None. ftfy finds it: its badness heuristic says the
    text looks garbled, and its encoding fix must change it (so an odd but real "Â" alone is kept)."""
    if text.isascii():
        return None
    from ftfy import fix_encoding
    from ftfy.badness import is_bad

    if not is_bad(text):
        return None
    fixed = fix_encoding(text)
    return fixed if fixed != text else None


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet run this cell as a formula? (= + - @ tab or CR first; a lone "-" is a dash.)"""
    return text.startswith(FORMULA_START) and text != "-"


def parse_code(value: object, f: Field, formulas: bool = True) -> CellResult:
    text, error = parse_text(value, f, formulas)
    if error:
        return None, error
    text = text.upper()
    if f.pattern and not re.fullmatch(f.pattern, text):
        return _err("data.err.code_format", value=_shown(text))
    return text, None


def parse_iso3(value: object, f: Field) -> CellResult:
    text = _as_text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        return _err("data.err.iso3", value=_shown(text))
    return text, None


def _number_text(value: object) -> str:
    return str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-")


def parse_number(value: object, decimal_comma: bool, grouping: bool) -> float | None:
    """A float from a cell, or None. `grouping` allows thousands separators (money, counts), never for
    coordinates, where "-89.123" must stay -89.123 in any locale."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal | np.integer | np.floating):
        try:
            number = float(value)
        except OverflowError:  # an int beyond 1e308 (JSON allows any)
            return None
        return number if math.isfinite(number) else None
    text = _number_text(value)
    if grouping and decimal_comma and re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    elif grouping and not decimal_comma and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"[+-]?\d*,\d+", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_MAX_DIGITS = 18  # more digits than any field's maximum: out of range without converting (no huge ints)


def _exact_integer(value: object) -> int | None:
    """An integer read exactly (no float rounding) from an int cell or plain digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, str):
        text = _number_text(value)
        if _INTEGER_TEXT.fullmatch(text) and len(text.lstrip("+-")) <= _MAX_DIGITS:
            return int(text)
    return None


def _too_many_digits(value: object) -> bool:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return abs(int(value)) >= 10 ** _MAX_DIGITS
    text = _number_text(value) if isinstance(value, str) else ""
    return bool(_INTEGER_TEXT.fullmatch(text)) and len(text.lstrip("+-")) > _MAX_DIGITS


_GROUPED = {".": re.compile(r"[+-]?\d{1,3}(\.\d{3})+"), ",": re.compile(r"[+-]?\d{1,3}(,\d{3})+")}


def _grouped_mark(value: object) -> str | None:
    """"." for 1.000 or 12.500.000, "," for 1,000: a whole number written with a thousands mark (or a
    decimal with exactly three decimals: which one, only the file can tell)."""
    if not isinstance(value, str):
        return None
    text = _number_text(value)
    return next((mark for mark, pattern in _GROUPED.items() if pattern.fullmatch(text)), None)


def parse_numeric(value: object, f: Field, decimal_comma: bool, style: FileStyle | None = None) -> CellResult:
    """A number within the field's range. Every int and money field has both bounds (geo.io.schema), so a
    value that would overflow a column (or Python's C long) is reported here, by row and column. A whole
    number written with a thousands mark (1.000, 1,000) is read with the file's one mark (FileStyle), and
    reported when the file's marks are ambiguous: "1.000" never becomes 1."""
    mark = _grouped_mark(value) if f.type == "int" else None
    if mark is not None:
        if style is None or style.grouping != mark:
            why = "data.err.grouping_mixed" if style is not None and style.grouping_mixed else "data.err.grouping"
            return _err(why, value=_shown(value), mark=mark)
        value = _number_text(value).replace(mark, "")
    if _too_many_digits(value):
        return _err("data.err.range", value=_shown(value), min=_num(f.minimum), max=_num(f.maximum))
    exact = _exact_integer(value) if f.type == "int" else None
    try:
        number = exact if exact is not None else parse_number(value, decimal_comma, grouping=f.type != "coord")
    except (OverflowError, ValueError):
        number = None
    if number is None:
        return _err("data.err.integer" if f.type == "int" else "data.err.number", value=_shown(value))
    if f.type == "int" and exact is None:
        if not float(number).is_integer() or abs(number) >= 10 ** _MAX_DIGITS:
            key = "data.err.integer" if not float(number).is_integer() else "data.err.range"
            return _err(key, value=_shown(value), min=_num(f.minimum), max=_num(f.maximum))
        number = int(number)
    problem = f.value_problem(number)  # the range rule the forms apply too, shown with the cell as written
    if problem:
        return _err(problem[0], **{**problem[1], "value": _shown(value)})
    return number, None


_num = shown_number

# How a person in the region types a figure into a form: 88,900.00 or 88,900 or 88900 (point for decimals, comma
# for thousands, geo.i18n's style), read by THE cell rule above as a file in that style is read.
REGION_STYLE = FileStyle(decimal_comma=False, comma_grouped=(0, "", ""))


def parse_typed(value: object, f: Field) -> CellResult:
    """A figure typed into a form (text) read by the import's rule (parse_numeric) in the region's style, with the
    field's range: (number, None), or (None, (key, params)) naming the text as typed ("88.900,00" is not a
    number here: Spain's style would silently read 88.9 as a thousandth of it). Blank is (None, None)."""
    if _blank(value) or (isinstance(value, str) and not value.strip()):
        return None, None
    return parse_numeric(value.strip() if isinstance(value, str) else value, f, False, REGION_STYLE)


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_SLASHED = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


def to_date(value: object, serials: bool, month_first: bool = False) -> dt.date | bool | None:
    """A date, or False when the value is not a date at all, or None when it names an impossible day.
    12/03/2025 is day first (as Central America writes it) unless `month_first` (the file's other dates
    show it writes the month first: FileStyle)."""
    if isinstance(value, pd.Timestamp):
        return False if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if serials and isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 20_000 <= value <= 80_000:  # an Excel day number (1954–2119)
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return False
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                         r"(?:Z|[+-]\d{2}:?\d{2})?)?", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return _make_date(y, m, d)
    match = _SLASHED.fullmatch(text)
    if match:  # day first, as written in Central America, unless the file writes the month first
        d, m, y = (int(g) for g in match.groups())
        if month_first:
            d, m = m, d
        return _make_date(y + 2000 if y < 100 else y, m, d)
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return _make_date(y, m, d)
    match = re.fullmatch(r"(\d{1,2})(?:\s+de)?[\s-]+([a-z]+)\.?(?:\s+de)?[\s-]+(\d{4})", _fold(text))
    if match and match.group(2) in _MONTH_NAMES:
        return _make_date(int(match.group(3)), _MONTH_NAMES[match.group(2)], int(match.group(1)))
    return False


def parse_date(value: object, f: Field, serials: bool, month_first: bool = False) -> CellResult:
    date = to_date(value, serials, month_first)
    if date is False:
        return _err("data.err.date", value=_shown(value))
    if date is None:
        return _err("data.err.date_impossible", value=_shown(value))
    if not (1900 <= date.year <= 2100):
        return _err("data.err.date_range", value=_shown(value))
    return date, None


def parse_file_month(value: object, f: Field, serials: bool, month_first: bool = False) -> CellResult:
    """A month cell as offices write it (2025-11, 11/2025, nov 2025, a date, an Excel day number): the
    spellings of a file, a superset of THE month of links and the CLI (geo.periods.parse_month), which it
    reads the same (tests/test_periods_scope.py)."""
    text = _fold(value) if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text) if text else None
    if match:
        month = _make_date(int(match.group(1)), int(match.group(2)), 1)
        return (month, None) if month else _err("data.err.date_impossible", value=_shown(value))
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text) if text else None
    if match:
        month = _make_date(int(match.group(2)), int(match.group(1)), 1)
        return (month, None) if month else _err("data.err.date_impossible", value=_shown(value))
    match = re.fullmatch(r"([a-z]+)\.?(?:\s+de)?[\s-]+(\d{4})", text) if text else None
    if match and match.group(1) in _MONTH_NAMES:
        return dt.date(int(match.group(2)), _MONTH_NAMES[match.group(1)], 1), None
    date, error = parse_date(value, f, serials, month_first)
    if error:
        return None, ("data.err.month", {"value": _shown(value)})
    return date.replace(day=1), None


_TRUE = {"true", "1", "yes", "si", "verdadero", "x", "y", "s"}
_FALSE = {"false", "0", "no", "falso", "n"}


def parse_bool(value: object, f: Field) -> CellResult:
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    text = _fold(_as_text(value))
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return _err("data.err.bool", value=_shown(value))


def parse_codes(value: object, f: Field, formulas: bool = True) -> CellResult:
    text, error = parse_text(value, f, formulas)
    if error:
        return None, error
    codes = [c for c in re.split(r"[;,\s|]+", text.upper()) if c]
    bad = [c for c in codes if f.pattern and not re.fullmatch(f.pattern, c)]
    if bad:
        return _err("data.err.code_format", value=_shown(bad[0]))
    return tuple(sorted(set(codes))), None


def parse_column(raw: pd.Series, f: Field, *, decimal_comma: bool, serials: bool,
                 formulas: bool = True, text_only: bool = False,
                 style: FileStyle | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse one column. Returns (values, errors); each distinct raw value is parsed once. `text_only`
    (CSV) says every cell is a str or None: distinct values are then found by pd.factorize, in C, where
    other formats need a key that keeps 1, 1.0, "1" and True apart (_cache_key, in Python)."""
    lookup = _choice_lookup(f) if f.type == "choice" else None
    style = style or FileStyle(decimal_comma=decimal_comma)
    month_first = style.month_first

    def one(value: object) -> CellResult:
        if _blank(value):
            return None, None
        if f.type in ("text",):
            return parse_text(value, f, formulas)
        if f.type == "code":
            return parse_code(value, f, formulas)
        if f.type == "iso3":
            return parse_iso3(value, f)
        if f.type == "choice":
            found = lookup.get(_fold(_as_text(value)))
            if found is None:
                return _err("data.err.choice", value=_shown(value), allowed=", ".join(f.choices))
            return found, None
        if f.type in ("int", "number", "coord", "money"):
            return parse_numeric(value, f, decimal_comma, style)
        if f.type == "date":
            return parse_date(value, f, serials, month_first)
        if f.type == "month":
            return parse_file_month(value, f, serials, month_first)
        if f.type == "bool":
            return parse_bool(value, f)
        if f.type == "codes":
            return parse_codes(value, f, formulas)
        raise ValueError(f.type)

    if text_only:  # CSV: every cell is a str (or None for a missing one), so equal values parse alike
        codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=False)
        results = [one(u) for u in uniques]  # each distinct value parsed once, then spread by code (in C)
        value_array = np.empty(len(results), dtype=object)
        error_array = np.empty(len(results), dtype=object)
        value_array[:] = [r[0] for r in results]
        error_array[:] = [r[1] for r in results]
        return (pd.Series(value_array[codes], index=raw.index, dtype=object),
                pd.Series(error_array[codes], index=raw.index, dtype=object))
    keys = raw.map(_cache_key)
    parsed: dict[Any, CellResult] = {}
    for k, v in zip(keys.tolist(), raw.tolist(), strict=True):
        if k not in parsed:
            parsed[k] = one(v)
    values = pd.Series([parsed[k][0] for k in keys.tolist()], index=raw.index, dtype=object)
    errors = pd.Series([parsed[k][1] for k in keys.tolist()], index=raw.index, dtype=object)
    return values, errors


def _cache_key(value: object) -> Any:
    """A hashable key that keeps 1 (int), 1.0 (float), '1' and True apart where parsing may differ."""
    if _blank(value):
        return ("blank",)
    return (type(value).__name__, value if isinstance(value, str | int | float | bool) else repr(value))


def _distinct_text(table: Table, index: int, limit: int | None = None) -> tuple[list[Any], list[str]]:
    """The column's cells and its distinct text cells, in order of first appearance (both in C: itemgetter
    and dict.fromkeys; a chunk of 50,000 rows takes a few milliseconds)."""
    records = table.values[:limit] if limit else table.values
    try:
        column = list(map(itemgetter(index), records))
    except IndexError:  # a row shorter than the header (a spreadsheet's trailing blanks)
        column = [r[index] if len(r) > index else None for r in records]
    return column, [v for v in dict.fromkeys(column) if isinstance(v, str)]


def _first_matching(table: Table, column: list[Any], distinct: list[str], label: str, test: Any) -> Evidence | None:
    """(row, column, cell) of the first text cell for which `test(text)` holds; each distinct cell tested once."""
    for value in distinct:
        if test(value.strip()):
            return int(table.rows[column.index(value)]), label, value.strip()
    return None


def _slashed_order(text: str, day_first: bool) -> bool:
    match = _SLASHED.fullmatch(text)
    if not match:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return (first > 12 >= second) if day_first else (second > 12 >= first)


def _slashed_either_way(text: str) -> bool:
    """03/04/2025: a date that reads as 3 April or 4 March (12/12/2025 reads the same both ways)."""
    match = _SLASHED.fullmatch(text)
    return bool(match) and int(match.group(1)) <= 12 and int(match.group(2)) <= 12 \
        and match.group(1).lstrip("0") != match.group(2).lstrip("0")


def file_style(table: Table, columns: dict[str, int], spec: KindSpec, decimal_comma: bool | None = None,
               labels: dict[str, str] | None = None) -> FileStyle:
    """The FileStyle of `table` (a whole file, or one chunk: then give the file's `decimal_comma`)."""
    if decimal_comma is None:
        decimal_comma = _decimal_comma(table, columns, spec)
    labels = labels or {}
    dot = comma = day = month = either = None
    point_decimal = comma_decimal = False
    for f in spec.fields:
        if f.name not in columns or f.type not in ("int", "money", "number", "date"):
            continue
        index, label = columns[f.name], labels.get(f.name, f.name)
        limit = 2000 if f.type in ("money", "number") else None
        column, distinct = _distinct_text(table, index, limit)
        if f.type == "int":
            marked = [v for v in distinct if "." in v or "," in v]  # most counts are plain digits
            dot = dot or _first_matching(table, column, marked, label, lambda v: _grouped_mark(v) == ".")
            comma = comma or _first_matching(table, column, marked, label, lambda v: _grouped_mark(v) == ",")
        elif f.type in ("money", "number"):
            point_decimal = point_decimal or _first_matching(
                table, column, distinct, label, lambda v: bool(re.fullmatch(r"-?\d+\.(\d{1,2}|\d{4,})", v))) is not None
            comma_decimal = comma_decimal or _first_matching(
                table, column, distinct, label, lambda v: bool(re.fullmatch(r"-?\d+,(\d{1,2}|\d{4,})", v))) is not None
        else:
            slashed = [v for v in distinct if "/" in v or "." in v or v[2:3] == "-" or v[1:2] == "-"]
            day = day or _first_matching(table, column, slashed, label, lambda v: _slashed_order(v, day_first=True))
            month = month or _first_matching(table, column, slashed, label,
                                             lambda v: _slashed_order(v, day_first=False))
            either = either or _first_matching(table, column, slashed, label, _slashed_either_way)
    return FileStyle(decimal_comma, dot, comma, point_decimal, comma_decimal, day, month, either)


def _decimal_comma(table: Table, columns: dict[str, int], spec: KindSpec) -> bool:
    """Does the file write decimals with a comma? Semicolon and tab CSVs (Spanish Excel) do, and so does
    any file whose decimal columns hold text like "12,5"."""
    if table.text_numbers and table.separator in (";", "\t"):
        return True
    for f in spec.fields:
        if f.type in ("money", "number", "coord") and f.name in columns:
            index = columns[f.name]
            for row in table.values[:2000]:
                value = row[index] if index < len(row) else None
                if isinstance(value, str) and re.fullmatch(r"\s*-?\d+,(\d{1,2}|\d{4,})\s*", value):
                    return True
    return False
