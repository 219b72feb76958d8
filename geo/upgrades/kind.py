"""Posts' upgrade components as a record kind: the file's meaning checks (the post, component and project
must exist; a key once per file), the import's row writer and the export query. Registered in geo.kinds.
The component's rules run on the merged row in geo.upgrades.records.save_component, as for the form."""

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
from geo.models import Post, PostComponent, Project
from geo.upgrades.fields import UPGRADES
from geo.upgrades.records import save_component


def checks(ctx: Context) -> FileCheck:
    def check(parsed: Parsed, out: _Collector) -> None:
        duplicates(parsed, UPGRADES.key, out)
        exists(parsed, "post_code", ctx.post_ids, out, "data.err.unknown_post")
        exists(parsed, "component_code", ctx.components, out, "data.err.unknown_component")
        exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")

    return check


_OWN = [n for n in UPGRADES.names if n not in ("post_code", "component_code", "project_code")]


def save_row(conn: Connection, actor: Actor, ctx: Context, record: Mapping[str, Any], present: set[str],
             at: dt.datetime) -> Saved:
    values = given(record, _OWN, present) | project_of(record, ctx, present)
    return save_component(conn, actor, record["post_code"], record["component_code"], values, at=at)


def export_rows(conn: Connection) -> ExportRows:
    fields = [n for n in UPGRADES.names if n not in ("post_code", "project_code")]
    result = conn.execute(
        select(Post.code.label("post_code"), Project.code.label("project_code"), Post.lon, Post.lat,
               *(getattr(PostComponent, n) for n in fields))
        .join(Post, Post.id == PostComponent.post_id)
        .outerjoin(Project, Project.id == PostComponent.project_id)
        .order_by(Post.code, PostComponent.component_code)
    ).mappings().all()
    # each component carries its post's point, for mapping
    return [dict(r) for r in result], [(float(r["lon"]), float(r["lat"])) for r in result]


KIND = RecordKind("upgrades", UPGRADES, checks=checks, export_rows=export_rows, save_row=save_row,
                  columns_of={"project_id": ("project_code",)})
