"""The audit log as a reader sees it: names instead of codes, translated fields and values, dates in the locale.

The log stores codes and text values exactly (`geo.access.audit.as_text`: ISO dates, 'True', None) so it stays
a faithful record; this module only reads it for display. Names come from the database at display time
(a post renamed since shows its current name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select

from geo import reference
from geo.i18n import MISSING, fmt_date, fmt_datetime, fmt_month, fmt_number, fmt_yes_no, has, t
from geo.i18n.names import display_name
from geo.map_text import name_with_country
from geo.models import ComponentType, Post, Workshop

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Fields whose values are codes with a translation (field -> i18n prefix).
_CODED = {"status": "status.", "national_status": "status.", "type": "post_type.", "role": "role.",
          "scope": "ws.scope.", "category": "returns.category.", "agency": "agency."}
_COUNTRY_FIELDS = {"country_iso3", "neighbour_iso3", "venue_country_iso3", "pair_a", "pair_b"}
_FIELD_PREFIXES = ("audit.field.", "infra.field.", "ws.field.")
_DETAIL_SPLIT = re.compile(r"\s*[;,]\s*")
_SELF_NAMED = {"post", "post_component", "workshop", "assisted_return"}


def _text(value: object) -> str | None:
    """A logged cell as text, or None for nothing (None, NaN from pandas, empty, or a stored 'None')."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    return None if text in ("", "None", "nan") else text


@dataclass(frozen=True)
class Names:
    """What the log's codes stand for: posts (name, country), component types, workshop titles."""

    posts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    components: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # code -> {lang: name}
    workshops: Mapping[str, str] = field(default_factory=dict)


def load_names(engine: Engine) -> Names:
    with engine.connect() as conn:
        posts = {code: (name, iso3) for code, name, iso3 in
                 conn.execute(select(Post.code, Post.name, Post.country_iso3)).all()}
        components = {code: {"es": es, "en": en} for code, es, en in
                      conn.execute(select(ComponentType.code, ComponentType.name_es, ComponentType.name_en)).all()}
        workshops = dict(conn.execute(select(Workshop.code, Workshop.title)).all())
    return Names(posts, components, workshops)


def post_label(code: str | None, names: Names, lang: str) -> str:
    """'Tecún Umán (Guatemala)'; an unknown code as given."""
    if not code:
        return MISSING
    if code not in names.posts:
        return code
    name, iso3 = names.posts[code]
    return name_with_country(name, reference.country_name(iso3, lang))


def component_label(code: str | None, names: Names, lang: str) -> str:
    if not code:
        return MISSING
    own = names.components.get(code)
    if own is None:
        return code
    return display_name("component_type", code, lang, {f"name_{lg}": name for lg, name in own.items()})


def entity_label(entity: str | None, lang: str) -> str:
    entity = _text(entity)
    if not entity:
        return MISSING
    return t(f"audit.entity.{entity}", lang) if has(f"audit.entity.{entity}") else entity


def key_label(entity: str | None, key: str | None, names: Names, lang: str) -> str:
    """The record a row is about, by name: 'Tecún Umán (Guatemala) · Captura biométrica'."""
    key = _text(key)
    if key is None:
        return MISSING
    if entity == "post":
        return post_label(key, names, lang)
    if entity == "post_component" and "/" in key:
        post_code, component_code = key.split("/", 1)
        return f"{post_label(post_code, names, lang)} · {component_label(component_code, names, lang)}"
    if entity == "component_type":
        return component_label(key, names, lang)
    if entity == "workshop":
        title = names.workshops.get(key)
        return f"{title} ({key})" if title else key
    if entity == "assisted_return":  # month/country/category, see geo.io.writers
        parts = key.split("/")
        if len(parts) == 3 and _ISO_DATE.match(parts[0]):
            category = f"returns.category.{parts[2]}"
            return " · ".join((fmt_month(parts[0], lang), reference.country_name(parts[1], lang),
                               t(category, lang) if has(category) else parts[2]))
    if entity == "sample" and key.isdigit():
        return t("audit.key.seed", lang, seed=key)
    return key


def field_label(name: str | None, lang: str) -> str:
    name = _text(name)
    if not name:
        return MISSING
    for prefix in _FIELD_PREFIXES:
        if has(prefix + name):
            return t(prefix + name, lang)
    return name


def value_label(field_name: str | None, value: str | None, names: Names, lang: str) -> str:
    """A logged value read aloud: '—' for nothing, Sí/No, translated codes, dates and numbers in the locale."""
    value, field_name = _text(value), _text(field_name)
    if value is None:
        return MISSING
    if value in ("True", "False"):
        return fmt_yes_no(value == "True", lang)
    if field_name == "password":
        return t("audit.password_changed", lang) if "changed" in value else "***"
    if field_name in _CODED and has(_CODED[field_name] + value):
        return t(_CODED[field_name] + value, lang)
    if field_name in _COUNTRY_FIELDS:
        return reference.country_name(value, lang)
    if field_name == "component_code":
        return component_label(value, names, lang)
    if _ISO_DATE.match(value):
        return fmt_date(value, lang)
    if _ISO_DATETIME.match(value):
        return fmt_datetime(pd.Timestamp(value), lang)
    if _NUMBER.match(value) and field_name not in ("code", "crossing_code", "road"):
        decimals = len(value.split(".", 1)[1]) if "." in value else 0
        return fmt_number(float(value), lang, min(decimals, 5))
    return value


def details_label(details: str | None, lang: str) -> str:
    """'file=x.csv; rows=12; added=3' -> 'Archivo: x.csv · Filas: 12 · Nuevos: 3' (unknown parts as given)."""
    details = _text(details)
    if not details:
        return MISSING
    out = []
    for part in _DETAIL_SPLIT.split(details.strip()):
        name, sep, value = part.partition("=")
        if not sep:
            out.append(part)
            continue
        label = t(f"audit.detail.{name}", lang) if has(f"audit.detail.{name}") else name
        shown = fmt_number(int(value), lang) if value.isdigit() else value
        out.append(f"{label}: {shown}")
    return " · ".join(out)


def action_label(action: str | None, lang: str) -> str:
    action = _text(action)
    if not action:
        return MISSING
    return t(f"audit.action.{action}", lang) if has(f"audit.action.{action}") else action


def record_label(entity: str | None, key: str | None, names: Names, lang: str) -> str:
    """What a row is about, in one cell: 'Tecún Umán (Guatemala) · Captura biométrica', 'Usuario: ana'."""
    what, which = entity_label(entity, lang), key_label(entity, key, names, lang)
    if which == MISSING:
        return what
    # A post, a component, a workshop or a month's returns say what they are by their name; a user name, a
    # file name or a seed need the kind of record before them.
    return which if _text(entity) in _SELF_NAMED else f"{what}: {which}"


def change_label(field_name: str | None, old: object, new: object, details: object, names: Names, lang: str) -> str:
    """'Estado: Retrasado → Instalación' for a field change; the import's or seed's details otherwise."""
    if _text(field_name):
        return (f"{field_label(field_name, lang)}: {value_label(field_name, old, names, lang)}"  # type: ignore[arg-type]
                f" → {value_label(field_name, new, names, lang)}")  # type: ignore[arg-type]
    return details_label(details, lang)  # type: ignore[arg-type]


AUDIT_COLUMNS = ("at", "user", "action", "record", "change")


def readable_entries(entries: pd.DataFrame, names: Names, lang: str) -> pd.DataFrame:
    """The rows of geo.quality.audit_entries in five columns that fit 1280 px (when, who, what was done,
    to which record, the change), with names instead of codes and values in the page's language."""
    rows = entries.to_dict("records")
    return pd.DataFrame({
        t("audit.h_at", lang): [fmt_datetime(r["at"], lang, seconds=True) for r in rows],
        # A scoped editor's entries say the scope they were made under: "ana (GTM)".
        t("audit.h_user", lang): [(_text(r["username"]) or MISSING) + (f" ({r['scope']})" if _text(r.get("scope"))
                                                                         else "") for r in rows],
        t("audit.h_action", lang): [action_label(r["action"], lang) for r in rows],
        t("audit.h_record", lang): [record_label(r["entity"], r["entity_key"], names, lang) for r in rows],
        t("audit.h_change", lang): [change_label(r["field"], r["old_value"], r["new_value"], r["details"], names, lang)
                                    for r in rows],
    }, columns=[t(f"audit.h_{h}", lang) for h in AUDIT_COLUMNS])
