"""One-shot conversion (issue 22): the string tables of geo/i18n/*.py -> one gettext catalog per language.

Before the switch every user-visible string lived in `STRINGS = {key: {"es": ..., "en": ...}}` dicts, one
module per area of the app. This reads those dicts (importing the modules, so computed values come out as the
app saw them) and writes geo/i18n/locales/<lang>/LC_MESSAGES/messages.po, the layout pybabel, Poedit and
Weblate know. Keys are the msgids (a monolingual catalog: the Spanish one is the reference).

It can be re-run as long as a dict module exists: it writes a catalog that does not exist yet, and otherwise
appends the keys a catalog lacks, leaving every entry already there as it is (catalogs are edited by hand
too); a key whose text differs between a dict and a catalog is reported (exit 1), not overwritten. It checks
that every catalog reads back to the dicts' texts before it returns.

    python scripts/i18n_dicts_to_po.py            # write or complete the catalogs
    python scripts/i18n_dicts_to_po.py --check    # only say what is missing or different (exit 1 if anything)
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import pkgutil
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PACKAGE = REPO / "geo" / "i18n"
LOCALES = PACKAGE / "locales"
# The catalog's Language header is the CLDR locale its numbers and dates follow (geo.i18n reads it):
# Spanish as written in Guatemala, El Salvador, Honduras and Nicaragua, never Spain's "es".
HEADER_LOCALES = {"es": "es_GT", "en": "en"}
HEADER_COMMENT = """\
# CA4 Border Monitor: every user-visible string, one catalog per language (geo/i18n reads them at start).
# msgid is the key the code asks for (t("key", lang)); msgstr is the text. {name} fields are filled by the
# code and must stay as they are. The Language header is the locale numbers and dates follow."""
FIXED_DATE = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)  # a fixed header date: re-runs give no diff noise


def dict_strings() -> dict[str, dict[str, str]]:
    """key -> {lang: text} from every module of geo/i18n that still defines STRINGS, in module order."""
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules([str(PACKAGE)]), key=lambda m: m.name):
        module = importlib.import_module(f"geo.i18n.{info.name}")
        for key, texts in getattr(module, "STRINGS", {}).items():
            if key in merged:
                raise SystemExit(f"key {key!r} defined twice (again in {info.name})")
            merged[key] = dict(texts)
    return merged


def catalog_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def render(lang: str, texts: dict[str, str]) -> bytes:
    catalog = Catalog(locale=HEADER_LOCALES.get(lang, lang), project="CA4 Border Monitor", version="1",
                      creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False,
                      header_comment=HEADER_COMMENT)
    for key, text in texts.items():
        catalog.add(key, text)
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False)  # width 0: one line a string, diffs stay readable
    return out.getvalue()


def entries_text(texts: dict[str, str]) -> str:
    """`msgid`/`msgstr` pairs as a .po file writes them (escaped by Babel), to append to a catalog."""
    catalog = Catalog()
    for key, text in texts.items():
        catalog.add(key, text)
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=True)
    return out.getvalue().decode("utf-8")


def append_entries(po_text: str, texts: dict[str, str]) -> str:
    """The catalog's text with `texts` appended: entries already there are left exactly as they are."""
    return po_text.rstrip("\n") + "\n\n" + entries_text(texts) if texts else po_text


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    strings = dict_strings()
    if not strings:
        print("no STRINGS dicts left in geo/i18n: nothing to convert (the catalogs are the source now)")
        return 0
    langs = sorted({lang for texts in strings.values() for lang in texts})
    conflicts = 0
    for lang in langs:
        path = catalog_path(lang)
        existing = read_catalog(path)
        texts = {key: t[lang] for key, t in strings.items() if t.get(lang)}
        missing = {key: text for key, text in texts.items() if key not in existing}
        # Once catalogs exist they may be edited by hand: a text that differs is reported, never overwritten.
        differ = sorted(k for k in texts if k in existing and existing[k] != texts[k])
        conflicts += len(differ)
        print(f"{lang}: {len(texts)} keys in the dicts, {len(missing)} missing from the catalog"
              f"{' (' + ', '.join(missing) + ')' if missing else ''}; {len(differ)} with another text in the"
              f" catalog{' (' + ', '.join(differ) + ')' if differ else ''}")
        if args.check:
            conflicts += len(missing)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(render(lang, texts))
        else:
            path.write_text(append_entries(path.read_text(encoding="utf-8"), missing), encoding="utf-8")
        back = read_catalog(path)
        if any(back.get(k) != v for k, v in texts.items() if k not in differ):  # every text given back exactly
            raise SystemExit(f"{path}: does not read back to the dicts' texts")
    return 1 if conflicts else 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="geo/i18n string dicts -> gettext .po catalogs")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if a catalog lacks a key or differs")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
