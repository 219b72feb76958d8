"""A reference record's name in a language: the one rule, for every page, chart, map, brief and log.

Reference records (countries, component types, projects and their components) carry their names in the two
languages they were entered in, as columns (`name_es`/`name_en`, a project's `title_es`/`title_en`): an admin
adding a component type types both. Any other language finds them in its catalog, keyed by kind and code:

    msgid "name.country.GTM"                      msgstr "Guatemala"
    msgid "name.component_type.biometrics"        msgstr "..."
    msgid "name.project.Q36-805"                  msgstr "..."   (the project's title)
    msgid "name.project_component.Q36-805.2"      msgstr "..."   (its 2nd component, in catalogue order)

so a third language needs no column and no migration. The rule: the record's own column for the language if
it has one, else the catalog's name, else the Spanish name (a record added after the catalog was translated
shows in Spanish until a translator adds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from geo.i18n import _CATALOGS, NAME_PREFIX, SOURCE_LANGUAGE, normalise_lang

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("country", "component_type", "project", "project_component")


@cache
def catalog_names(kind: str, lang: str) -> dict[str, str]:
    """code -> name for one kind, from the language's own catalog (no Spanish fallback here)."""
    prefix = f"{NAME_PREFIX}{kind}."
    texts = _CATALOGS[normalise_lang(lang)].texts
    return {key[len(prefix):]: text for key, text in texts.items() if key.startswith(prefix)}


def clear_cache() -> None:
    """Forget the tables built from the catalogs (geo.i18n.load_catalogs calls it)."""
    catalog_names.cache_clear()


def display_name(kind: str, code: object, lang: str, record: Mapping[str, object], field: str = "name") -> str:
    """The name of one record: `record` holds its columns (`name_es`, `name_en`, ...), `code` its key."""
    lang = normalise_lang(lang)
    own = record.get(f"{field}_{lang}")
    if own:
        return str(own)
    translated = catalog_names(kind, lang).get(str(code))
    return translated if translated else str(record.get(f"{field}_{SOURCE_LANGUAGE}") or code)


def names_column(frame: pd.DataFrame, lang: str, kind: str, code: str = "code", field: str = "name") -> pd.Series:
    """The same rule over a frame (vectorised): `frame` has the `<field>_es` column and the `code` column."""
    lang = normalise_lang(lang)
    own = f"{field}_{lang}"
    if own in frame.columns:
        return frame[own]
    spanish = frame[f"{field}_{SOURCE_LANGUAGE}"]
    table = catalog_names(kind, lang)
    if not table:
        return spanish
    return frame[code].astype(str).map(table).fillna(spanish).rename(spanish.name)
