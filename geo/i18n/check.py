"""What is wrong with the catalogs, as a list of sentences (empty: every language is complete).

Spanish is the reference: every other catalog must translate each of its keys, with the same {placeholders},
and hold no key Spanish does not know (a stale or mistyped one). Reference names (`name.<kind>.<code>`) are
optional in every catalog: a record without one shows its Spanish name.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from geo.i18n import NAME_PREFIX, SOURCE_LANGUAGE, LanguageCatalog, catalogs
from geo.i18n.names import KINDS


def placeholders(text: str) -> set[str] | None:
    """The {fields} of a text, or None when it is not a valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def catalog_problems(found: Mapping[str, LanguageCatalog] | None = None) -> list[str]:
    found = catalogs() if found is None else found
    if SOURCE_LANGUAGE not in found:
        return [f"no {SOURCE_LANGUAGE} catalog: it is the reference every other language translates"]
    source = {k: v for k, v in found[SOURCE_LANGUAGE].texts.items() if not k.startswith(NAME_PREFIX)}
    problems = []
    for lang, catalog in sorted(found.items()):
        where = f"{lang} ({catalog.path})"
        problems += [f"{where}: {key} has no translation (empty or fuzzy)" for key in catalog.untranslated]
        for key, text in sorted(catalog.texts.items()):
            if key.startswith(NAME_PREFIX):
                if key[len(NAME_PREFIX):].split(".", 1)[0] not in KINDS:
                    problems.append(f"{where}: {key} names no kind of record ({', '.join(KINDS)})")
                continue
            if key not in source:
                problems.append(f"{where}: {key} is not a key of the {SOURCE_LANGUAGE} catalog")
                continue
            fields, wanted = placeholders(text), placeholders(source[key])
            if fields is None:
                problems.append(f"{where}: {key} has unbalanced braces: {text!r}")
            elif fields != wanted:
                problems.append(f"{where}: {key} has placeholders {sorted(fields)}, "
                                f"{SOURCE_LANGUAGE} has {sorted(wanted or ())}")
        problems += [f"{where}: {key} has no translation" for key in sorted(source)
                     if key not in catalog.texts and key not in catalog.untranslated]
    return problems
