"""What the database already holds that a file's rows refer to, read once inside an import's transaction."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select

from geo.access.auth import Actor
from geo.models import ComponentType, Country, Post, Project


@dataclass
class Context:
    """The stored references every kind's file checks and writers look up (codes to ids, known codes)."""

    countries: set[str]
    posts: pd.DataFrame  # id, code, name, country_iso3, type, crossing_code, neighbour_iso3, road, lon, lat
    components: set[str]
    projects: dict[str, int]
    actor: Actor | None = None  # who imports: bulk kinds (flows) apply the per-country rule with it

    @property
    def post_ids(self) -> dict[str, int]:
        return dict(zip(self.posts["code"], self.posts["id"].astype(int), strict=True))


def load_context(conn: Connection, actor: Actor | None = None) -> Context:
    query = select(Post.id, Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                   Post.neighbour_iso3, Post.road, Post.lon, Post.lat)
    # A plain DataFrame from the rows: pd.read_sql costs ~10 ms of version checks per call
    posts = pd.DataFrame(conn.execute(query).all(), columns=[c.name for c in query.selected_columns])
    return Context(
        countries=set(conn.execute(select(Country.iso3)).scalars()),
        posts=posts,
        components=set(conn.execute(select(ComponentType.code)).scalars()),
        projects=dict(conn.execute(select(Project.code, Project.id)).all()),
        actor=actor,
    )
