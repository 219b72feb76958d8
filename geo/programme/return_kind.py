"""Assisted returns as a record kind: the file's meaning checks (codes that must exist, a key once per
file), the import's row writer and the export query (exact counts: for staff). Registered in geo.kinds.
The rules of one count (CA4 only, the month, the range) are in geo.programme.return_records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from geo.access.auth import Actor
from geo.access.editing import Saved
from geo.io.checks import Parsed, duplicates, exists
from geo.io.report import _Collector
from geo.kinds import ExportRows, FileCheck, RecordKind
from geo.kinds.context import Context
from geo.kinds.rows import given, project_of
from geo.models import AssistedReturn, Project
from geo.programme.return_fields import ASSISTANCE
from geo.programme.return_records import save_return_count


def checks(ctx: Context) -> FileCheck:
    def check(parsed: Parsed, out: _Collector) -> None:
        duplicates(parsed, ASSISTANCE.key, out)
        exists(parsed, "country_iso3", ctx.countries, out, "data.err.unknown_country")
        exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")

    return check


def save_row(conn: Connection, actor: Actor, ctx: Context, record: Mapping[str, Any], present: set[str],
             at: dt.datetime) -> Saved:
    values = given(record, ["count", "is_sample"], present) | project_of(record, ctx, present)
    return save_return_count(conn, actor, record["month"], record["country_iso3"], record["category"], values, at=at)


def export_rows(conn: Connection) -> ExportRows:
    result = conn.execute(
        select(AssistedReturn.month, AssistedReturn.country_iso3, AssistedReturn.category,
               AssistedReturn.count, Project.code.label("project_code"), AssistedReturn.is_sample)
        .outerjoin(Project, Project.id == AssistedReturn.project_id)
        .order_by(AssistedReturn.month, AssistedReturn.country_iso3, AssistedReturn.category)
    ).mappings().all()
    return [dict(r) for r in result], [None] * len(result)


KIND = RecordKind("assistance", ASSISTANCE, checks=checks, export_rows=export_rows, save_row=save_row,
                  columns_of={"project_id": ("project_code",)}, located=False, exact_only=True)
