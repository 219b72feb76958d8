"""Training workshops as a record kind: the file's meaning checks (codes that must exist, a key once per
file), the import's row writer and the export query. Registered in geo.kinds. Every rule of a workshop
(dates, scope and pair, venue on land in the region, participants) is in geo.workshops.records and runs
on the merged row in save_workshop, for the forms and the imports alike."""

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
from geo.models import AGENCIES, SEXES, Post, Project, Workshop, WorkshopParticipants, WorkshopPost
from geo.workshops.fields import WORKSHOPS
from geo.workshops.records import save_workshop


def checks(ctx: Context) -> FileCheck:
    def check(parsed: Parsed, out: _Collector) -> None:
        duplicates(parsed, ("code",), out)
        exists(parsed, "project_code", ctx.projects, out, "data.err.unknown_project")
        for name in ("venue_country_iso3", "pair_a", "pair_b"):
            exists(parsed, name, ctx.countries, out, "data.err.unknown_country")
        known_posts = set(ctx.post_ids)
        numbers = parsed.rows.tolist()
        for position, codes in enumerate(parsed.frame["posts"].tolist()):
            unknown = [c for c in (codes or ()) if c not in known_posts]
            if unknown and position not in parsed.bad:
                out.add(int(numbers[position]), parsed.labels.get("posts", "posts"), "data.err.unknown_post",
                        value=", ".join(unknown[:5]))
                parsed.bad.add(position)

    return check


_PARTICIPANTS = [f"participants_{a}_{s}" for a in AGENCIES for s in SEXES]
_OWN = [n for n in WORKSHOPS.names if n not in ("code", "project_code", "posts", *_PARTICIPANTS)]


def save_row(conn: Connection, actor: Actor, ctx: Context, record: Mapping[str, Any], present: set[str],
             at: dt.datetime) -> Saved:
    values = given(record, _OWN, present) | project_of(record, ctx, present)
    if present & set(_PARTICIPANTS):  # participants as "agency.sex": count; no column: keep what is stored
        values["participants"] = {f"{a}.{s}": int(record.get(f"participants_{a}_{s}") or 0)
                                  for a in AGENCIES for s in SEXES}
    if "posts" in present:
        values["posts"] = list(record.get("posts") or ())
    return save_workshop(conn, actor, record["code"], values, at=at)


def export_rows(conn: Connection) -> ExportRows:
    own = [n for n in WORKSHOPS.names if n not in ("project_code", "posts", *_PARTICIPANTS)]
    result = conn.execute(
        select(Workshop.id, Project.code.label("project_code"), *(getattr(Workshop, n) for n in own))
        .outerjoin(Project, Project.id == Workshop.project_id)
        .order_by(Workshop.code)
    ).mappings().all()
    parts: dict[int, dict[str, int]] = {}
    for workshop_id, agency, sex, count in conn.execute(
            select(WorkshopParticipants.workshop_id, WorkshopParticipants.agency, WorkshopParticipants.sex,
                   WorkshopParticipants.count)):
        parts.setdefault(workshop_id, {})[f"participants_{agency}_{sex}"] = int(count)
    attended: dict[int, list[str]] = {}
    for workshop_id, code in conn.execute(
            select(WorkshopPost.workshop_id, Post.code).join(Post, Post.id == WorkshopPost.post_id)):
        attended.setdefault(workshop_id, []).append(code)
    rows, points = [], []
    for r in result:
        row = dict(r)
        counts = parts.get(row["id"], {})
        row |= {name: counts.get(name, 0) for name in _PARTICIPANTS}
        row["posts"] = tuple(sorted(attended.get(row["id"], [])))
        rows.append(row)
        points.append(None if row["venue_lon"] is None or row["venue_lat"] is None
                      else (float(row["venue_lon"]), float(row["venue_lat"])))
    return rows, points


# A rule's field (or "field:key") -> the file's columns it is about
KIND = RecordKind("workshops", WORKSHOPS, checks=checks, export_rows=export_rows, save_row=save_row,
                  columns_of={"project_id": ("project_code",), "dates": ("end_date",), "pair": ("pair_a",),
                              "venue": ("venue_lon", "venue_lat"), "venue:data.err.lon_sign": ("venue_lon",),
                              "venue:ws.err.venue_name": ("venue_name",)})
