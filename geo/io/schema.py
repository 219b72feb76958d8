"""The language a kind's file is described in: a Field (type, limits, aliases in English, Spanish and HXL)
and a KindSpec (its fields and key). Each kind's own spec lives in its domain package (geo.kinds lists them);
this module knows no kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geo import reference
from geo.i18n import has, languages, t

FORMATS = ("csv", "xlsx", "geojson", "gpkg")


def shown_number(value: float | None) -> str:
    """A number as a message shows it: whole numbers without a decimal point."""
    return "–" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


# ------------------------------------------------------------------------------------------ fields
@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text code iso3 choice int number coord money date month bool codes
    required: bool = False
    aliases: tuple[str, ...] = ()
    hxl: str = ""
    max_len: int = 200
    choices: tuple[str, ...] = ()
    labels: str | None = None  # i18n prefix whose es/en labels are accepted for a choice
    minimum: float | None = None
    maximum: float | None = None
    multiline: bool = False
    pattern: str | None = None  # a code's format (for "codes": each code of the list)
    spellings: tuple[tuple[str, str], ...] = ()  # (how people write it, the choice it means), besides labels

    def value_problem(self, value: object) -> tuple[str, dict[str, Any]] | None:
        """THE range rule of a number field (int, money), for a value already read as a number: the cell
        parser and each kind's row rules (the form's path) call it, so both give the same key. Below zero
        where zero is the least, outside [minimum, maximum], or a fraction where a whole number is due."""
        if value is None or isinstance(value, bool) or self.type not in ("int", "money"):
            return None
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return None  # not a number at all: the kind's own rule says what it expects
        if number != number:
            return None
        limits = {"min": shown_number(self.minimum), "max": shown_number(self.maximum)}
        if self.type == "int" and not number.is_integer():
            return "data.err.integer", {"value": str(value), **limits}
        if self.minimum == 0 and number < 0:
            return "data.err.negative", {"value": str(value)}
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            return "data.err.range", {"value": str(value), **limits}
        return None


@dataclass(frozen=True)
class KindSpec:
    kind: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    point: tuple[str, str] | None = None  # fields a point geometry fills (lon, lat)
    # A partial file names the key and the columns it updates; the others keep their stored values (records
    # with a form). Without it (whole aggregate rows) every required column must be there.
    partial: bool = True

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _fold(text: object) -> str:
    return reference.fold(str(text)).replace("–", "-").replace("—", "-")


def header_key(name: object) -> str:
    """Comparable form of a column header: folded snake_case, or a canonical HXL tag (#tag+attrs sorted)."""
    text = str(name).strip().lstrip("\ufeff")
    if text.startswith("#"):
        parts = [p for p in re.sub(r"\s+", "", text.lower()).split("+") if p]
        return "+".join([parts[0], *sorted(parts[1:])]) if parts else "#"
    return re.sub(r"[^a-z0-9]+", "_", _fold(text)).strip("_")

def _choice_lookup(spec_field: Field) -> dict[str, str]:
    lookup = {_fold(v): v for v in spec_field.choices}
    if spec_field.labels:
        for value in spec_field.choices:
            for lang in languages():  # a label in any language the app speaks
                key = f"{spec_field.labels}{value}"
                if has(key):
                    lookup.setdefault(_fold(t(key, lang)), value)
    for alias, value in spec_field.spellings:
        lookup.setdefault(_fold(alias), value)
    return lookup
