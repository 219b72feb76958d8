"""The component catalogue (what a post can be upgraded with) as a record kind of its own: its rules and
its one write path, save_component_type (merge, validate, audit through geo.access.editing.save_record),
which the admin's form calls. Only admins extend the catalogue."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from geo.access.auth import Actor, require
from geo.access.editing import Saved, ValidationFailed, save_record
from geo.db import session_scope
from geo.models import ComponentType

TYPE_ENTITY = "component_type"
CATEGORIES = ("equipment", "connectivity", "facility", "other")
TYPE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,23}$")


def validate_component_type(code: str, name_en: str, name_es: str, category: str) -> dict[str, str]:
    """{field: i18n key} for every rule a catalogue entry breaks (empty: valid)."""
    problems: dict[str, str] = {}
    if not TYPE_CODE.match(code or ""):
        problems["code"] = "infra.err.type_code"
    if not (name_en or "").strip():
        problems["name_en"] = "infra.err.type_name"
    if not (name_es or "").strip():
        problems["name_es"] = "infra.err.type_name"
    if category not in CATEGORIES:
        problems["category"] = "infra.err.type_category"
    return problems


def save_component_type(target: Connection | Session, actor: Actor, code: str, given: Mapping[str, Any], *,
                        mode: str = "create", at: dt.datetime | None = None) -> Saved:
    """THE write path of a catalogue entry: the merged entry must pass validate_component_type; a new entry
    without a sort order goes last."""
    require(actor, "admin", "add component types")
    code = (code or "").strip().lower()
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in given.items() if k != "code"}
    if values.get("sort_order") is None and mode == "create" and TYPE_CODE.match(code):
        values["sort_order"] = int(target.execute(select(func.max(ComponentType.sort_order))).scalar() or 0) + 10

    def rules(_stored: Mapping[str, object] | None, merged: dict[str, object]) -> dict[str, str]:
        return validate_component_type(code, str(merged.get("name_en") or ""), str(merged.get("name_es") or ""),
                                       str(merged.get("category") or ""))

    problems = rules(None, {"code": code, **values})  # a malformed code is refused before anything is read
    if "code" in problems:
        raise ValidationFailed(problems)
    return save_record(target, actor, ComponentType, {"code": code}, values, entity=TYPE_ENTITY, key=code,
                       mode=mode, validate=rules, at=at, exists=("code", "infra.err.type_exists"))


def add_component_type(engine: Engine, actor: Actor, code: str, name_en: str, name_es: str, category: str,
                       sort_order: int | None = None) -> None:
    """Add an entry to the component catalogue (admins only), audited: the admin form's save."""
    require(actor, "admin", "add component types")
    with session_scope(engine) as session:
        save_component_type(session, actor, code, {"name_en": name_en, "name_es": name_es, "category": category,
                                                    "sort_order": sort_order})
