"""Languages are data: every catalog is complete, and a new one works with no code change.

The strings live in geo/i18n/locales/<lang>/LC_MESSAGES/messages.po (read through Babel); the reference
records' names in other languages in the same catalogs (`name.<kind>.<code>`, geo/i18n/names.py).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from streamlit.testing.v1 import AppTest

from geo import i18n, reference
from geo.i18n import fmt_date, fmt_number, languages, t
from geo.i18n.check import catalog_problems
from geo.i18n.names import display_name, names_column
from geo.programme.catalogue import COMPONENT_TYPES

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "geo" / "i18n" / "locales"


def spanish() -> dict[str, str]:
    return i18n.catalogs()["es"].texts


# ------------------------------------------------------------------ the catalogs shipped
def test_the_catalogs_are_the_languages() -> None:
    assert languages() == ("es", "en")
    assert [p.parent.parent.name for p in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))] == ["en", "es"]
    assert len(spanish()) > 900


def test_every_catalog_translates_every_key_with_the_same_placeholders() -> None:
    assert catalog_problems() == []


def test_every_catalog_is_a_plain_po_file_babel_reads() -> None:
    """What a translator's tool opens: one entry per key, nothing fuzzy or empty, the locale in the header."""
    for lang, locale in (("es", "es_GT"), ("en", "en")):
        with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle)
        assert str(catalog.locale) == locale
        entries = [m for m in catalog if m.id]
        assert all(m.string and not m.fuzzy and not m.context for m in entries)
        assert {m.id for m in entries} == set(spanish())
        # Babel keeps the last of two entries for one key silently (msgfmt refuses the file): none may repeat
        ids = re.findall(r'^msgid "(.+)"$', (LOCALES / lang / "LC_MESSAGES" / "messages.po").read_text(), re.M)
        assert sorted(k for k in set(ids) if ids.count(k) > 1) == [], lang


def test_no_string_table_is_left_in_python() -> None:
    """The catalogs are the one place for a string: no module of geo/i18n defines one any more."""
    tables = [p.name for p in (REPO / "geo" / "i18n").glob("*.py") if re.search(r'"es":\s*"', p.read_text("utf-8"))]
    assert tables == [], f"string tables in Python: {tables} (move them with scripts/i18n_dicts_to_po.py)"


def _write_catalog(folder: Path, lang: str, texts: dict[str, str], locale: str | None = None) -> Path:
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale=locale or lang)
    for key, text in texts.items():
        catalog.add(key, text)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_a_missing_translation_or_placeholder_is_caught(tmp_path: Path) -> None:
    texts = dict(spanish())
    del texts["app.title"]
    texts["common.data_as_of"] = "Data as of"  # {date} lost
    texts["app.not_a_key"] = "stale"
    catalog = i18n.read_catalog("fr", _write_catalog(tmp_path, "fr", texts, "fr"))
    problems = catalog_problems({**i18n.catalogs(), "fr": catalog})
    assert len(problems) == 3, problems
    assert any("app.title has no translation" in p for p in problems)
    assert any("common.data_as_of has placeholders [], es has ['date']" in p for p in problems)
    assert any("app.not_a_key is not a key of the es catalog" in p for p in problems)


def test_keys_used_in_code_exist() -> None:
    """Every literal t("key", ...) in the code names a defined key."""
    sources = [*REPO.glob("*.py"), *REPO.glob("screens/*.py"), *REPO.glob("views/*.py"), *REPO.glob("geo/**/*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.+\-]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if not i18n.has(k))
    assert not missing, f"keys used but not defined: {missing}"


def test_number_and_date_formats() -> None:
    assert i18n.babel_locale("es") == "es_GT"  # the catalog's Language header
    assert fmt_number(1234.5, "es", 1) == "1,234.5"  # es_GT, not Spain's 1.234,5
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_number(1234567, "es") == "1,234,567"
    assert fmt_number(None, "en") == "—"
    assert fmt_date(dt.date(2026, 11, 22), "es") == "22/11/2026"
    assert fmt_date(dt.date(2026, 11, 22), "en") == "22/11/2026"


def test_language_changes_text() -> None:
    assert t("app.title", "es") == "Monitor de Fronteras CA4"
    assert t("app.title", "en") == "CA4 Border Monitor"
    assert t("app.title", "xx") == t("app.title", "es")  # unknown language falls back to Spanish
    assert i18n.language_name("es") == "Español" and i18n.language_name("en") == "English"
    with pytest.raises(KeyError):
        t("no.such.key", "es")


def test_compact_figures_fit_a_card() -> None:
    from geo.i18n import fmt_compact

    assert fmt_compact(53_545_612, "es") == "53.55 M"
    assert fmt_compact(53_545_612, "en") == "53.55 M"
    assert fmt_compact(9_999_999, "es") == "9,999,999"  # every digit below ten million


def test_record_names_follow_the_language() -> None:
    assert reference.country_name("GTM", "es") == "Guatemala"
    assert reference.country_name("DOM", "en") == "Dominican Republic"
    assert reference.country_name("BLZ", "es") == "Belice" and reference.country_name("BLZ", "en") == "Belize"
    record = {"name_es": "Captura biométrica", "name_en": "Biometric capture"}
    assert display_name("component_type", "biometrics", "en", record) == "Biometric capture"
    assert display_name("component_type", "biometrics", "fr", record) == "Captura biométrica"


# ------------------------------------------------------------------ a pseudo-language, with no code change
_ACCENTS = str.maketrans("aeiouAEIOUcnCN", "áéíöüÁÉÍÖÜçñÇÑ")
# Markup a string may carry (HTML tags, a Markdown link's target, an address): left as it is.
_MARKUP = re.compile(r"(<[^>]*>|\]\([^)]*\)|https?://\S+)")


def pseudo(text: str) -> str:
    """'Datos al {date}' -> '⟦Dátös ál {date}⟧': every letter visibly changed, every {placeholder} kept."""
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(text):
        pieces = _MARKUP.split(literal)
        literal = "".join(p if i % 2 else p.translate(_ACCENTS) for i, p in enumerate(pieces))
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            out.append("{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "⟦" + "".join(out) + "⟧"


@pytest.fixture()
def pseudo_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """An "xx" catalog built from the Spanish one, in a folder of its own, read as the app reads catalogs:
    through CA4_LOCALE_DIR. It translates every country's name and one component type's (the others must
    fall back to Spanish)."""
    texts = {key: pseudo(text) for key, text in spanish().items()}
    texts["app.language_name"] = "Pseudo"
    countries = {r.iso3: r.name_es for r in reference.countries().itertuples()}
    texts |= {f"name.country.{iso3}": pseudo(name) for iso3, name in countries.items()}
    code, _, name_es, *_ = COMPONENT_TYPES[0]
    texts[f"name.component_type.{code}"] = pseudo(name_es)
    _write_catalog(tmp_path, "xx", texts, "xx")
    monkeypatch.setenv("CA4_LOCALE_DIR", str(tmp_path))
    i18n.load_catalogs()
    yield texts
    monkeypatch.delenv("CA4_LOCALE_DIR")
    i18n.load_catalogs()
    assert languages() == ("es", "en")


def test_pseudo_language_needs_no_code_change(pseudo_language: dict[str, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.config import SettingsError, settings

    assert languages() == ("es", "en", "xx")
    assert catalog_problems() == []
    assert t("app.title", "xx") == "⟦Möñítör dé Fröñtérás ÇÁ4⟧"
    assert t("common.data_as_of", "xx", date="22 nov 2026") == "⟦Dátös ál 22 nov 2026⟧"
    assert t("app.title", "es") == "Monitor de Fronteras CA4"  # the others are untouched
    assert fmt_number(1234.5, "xx", 1) == "1,234.5"  # a locale CLDR does not know formats like Spanish
    # Names: translated where the catalog has them, Spanish where not, without a column or a migration.
    assert reference.country_name("GTM", "xx") == "⟦Güátémálá⟧"
    frame = __import__("pandas").DataFrame(
        [{"code": c, "name_es": es, "name_en": en} for c, en, es, *_ in COMPONENT_TYPES])
    shown = names_column(frame, "xx", "component_type").tolist()
    assert shown[0] == pseudo(COMPONENT_TYPES[0][2])
    assert shown[1:] == [es for _, _, es, *_ in COMPONENT_TYPES[1:]]
    # The setting accepts the new language and lists it among the accepted ones.
    monkeypatch.setenv("CA4_LANG", "xx")
    assert settings().default_lang == "xx"
    monkeypatch.setenv("CA4_LANG", "fr")
    with pytest.raises(SettingsError) as refused:
        settings()
    assert "es, en o xx" in refused.value.message("es")


def test_pseudo_language_renders_the_app(pseudo_language: dict[str, str], app_env: str) -> None:
    """The whole app under AppTest with ?lang=xx: the overview's title, the language switch, and no string
    of the Spanish or English catalogs on screen (every interface text came from the new catalog)."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [title.value for title in at.title]
    assert titles == [t("ov.title", "xx")] and titles[0].startswith("⟦")
    assert t("app.title", "xx") in "\n".join(m.value for m in at.sidebar.markdown)
    switch = at.sidebar.button_group[0]
    assert switch.value == "xx" and switch.options == ["Español", "English", "Pseudo"]
    shown = "\n".join(str(e.value) for e in [*at.title, *at.header, *at.subheader, *at.caption, *at.warning,
                                            *at.info, *at.metric, *at.markdown] if isinstance(e.value, str))
    leaks = [key for key, text in spanish().items()
             if len(text) >= 12 and " " in text and "{" not in text
             and (text in shown or t(key, "en") in shown)]
    assert leaks == [], f"strings shown from another catalog: {leaks[:10]}"


def test_pseudo_language_names_records_on_the_pages_that_show_them(pseudo_language: dict[str, str],
                                                                     app_env: str) -> None:
    """The pages that show reference names run in the new language: translated names where the catalog has
    them (countries), Spanish where not (most component types), and no exception."""
    shown = {}
    for page in ("screens/map.py", "screens/infrastructure.py", "screens/projects.py"):
        at = AppTest.from_file(str(REPO / page), default_timeout=90)
        at.query_params["lang"] = "xx"
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title[0].value.startswith("⟦"), page
        shown[page] = at
    options = [str(o) for box in shown["screens/infrastructure.py"].multiselect for o in box.options]
    assert "⟦Güátémálá⟧" in options  # a country named from the catalog
    tables = shown["screens/projects.py"].table
    cells = [str(v) for table in tables for v in table.value.to_numpy().ravel()]
    assert "Pasaporte centroamericano" in cells  # a project component with no translation: its Spanish name
