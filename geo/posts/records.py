"""The one write path of a border post (imports today; any future form calls it too).

Posts are reference records: the geography rules (own side of the border, near the crossing's partner) run
on the whole file in geo.io.checks before any row is saved, because they compare posts with each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from geo.access.auth import Actor
from geo.access.editing import Saved, save_record
from geo.models import Post

ENTITY = "post"


def save_post(target: Connection | Session, actor: Actor, code: str, given: Mapping[str, Any], *,
              mode: str = "upsert", at: dt.datetime | None = None) -> Saved:
    """Add or update the post `code` with the fields `given` names (the others keep their stored values)."""
    return save_record(target, actor, Post, {"code": code}, given, entity=ENTITY, key=code, mode=mode,
                       defaults={"is_sample": False}, at=at)
