"""Issue 23's caches per filter and data version: what a new session on a shared link no longer rebuilds is
never stale after a write (the write bumps the data version, geo.db.data_version, which keys every cache)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from geo.access.auth import Actor
from geo.io.imports import import_data
from geo.posts.queries import PostFilters, posts_frame
from tests.data_helpers import seeded_sqlite

REPO = Path(__file__).resolve().parent.parent
NEW_NAME = "Puesto Renombrado Prueba"


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    engine = seeded_sqlite(tmp_path, flows_rows=300)
    monkeypatch.setenv("DATABASE_URL", str(engine.url))
    return engine


def overview_map_json() -> str:
    at = AppTest.from_file(str(REPO / "screens" / "overview.py"), default_timeout=90)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    decks = [e.proto.json for e in at.get("deck_gl_json_chart")]
    assert decks
    return decks[0]


def test_the_overview_maps_cached_posts_follow_a_write(seeded: Engine) -> None:
    """The headline map's post marks are cached per filter and data version: a second session gets them
    from the cache, and a posts import renaming a post shows its new name at the next session's run."""
    first = overview_map_json()
    posts = posts_frame(seeded, PostFilters(("GTM",), (), ()))
    shown = posts[[f'"code":"{code}"' in first for code in posts["code"]]]
    assert len(shown) >= 3 and NEW_NAME not in first
    code, old_name = shown.iloc[0]["code"], str(shown.iloc[0]["name"])
    assert overview_map_json() == first  # the same marks from the cache
    report = import_data(seeded, Actor("ana", "editor"), "posts", f"code,name\n{code},{NEW_NAME}\n".encode(),
                         "rename.csv")
    assert report.ok, [p.line("en") for p in report.problems]
    after = overview_map_json()
    assert f'"code":"{code}"' in after and f'"name":"{NEW_NAME}"' in after
    assert after.count(f'"name":"{old_name}"') == first.count(f'"name":"{old_name}"') - 1


def map_profile_title(code: str) -> str:
    at = AppTest.from_file(str(REPO / "screens" / "map.py"), default_timeout=90)
    at.query_params["lang"] = "es"
    at.query_params["post"] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return next(s.value for s in at.subheader)


def test_the_maps_cached_post_profile_follows_a_write(seeded: Engine) -> None:
    """A post's profile (the panel a link with ?post= opens) is cached per data version: a posts import
    renaming the post shows its new name in the panel at the next session's run."""
    posts = posts_frame(seeded, PostFilters(("SLV",), (), ()))
    code, old_name = str(posts.iloc[0]["code"]), str(posts.iloc[0]["name"])
    assert map_profile_title(code) == old_name
    report = import_data(seeded, Actor("ana", "editor"), "posts", f"code,name\n{code},{NEW_NAME}\n".encode(),
                         "rename.csv")
    assert report.ok, [p.line("en") for p in report.problems]
    assert map_profile_title(code) == NEW_NAME


def test_region_wide_highlights_are_shared_and_follow_a_write(seeded: Engine) -> None:
    """The month's region-wide facts (mirror gaps, "where next"), computed once for every scope, give each
    scope the highlights it had computed alone; kept per data version (views/highlights.py), a posts import
    renaming an uncovered post shows in the "where next" ranking at the next call."""
    from geo.overview import highlights as hl
    from views import highlights as view

    month = hl.default_month(seeded)
    shared = view._region_wide(month)
    assert shared.where_next is not None and len(shared.where_next)
    for countries in ((), ("HND", "SLV")):
        scope = hl.Scope(countries)
        assert hl.find_highlights(seeded, month, scope, shared) == hl.find_highlights(seeded, month, scope)
    again = view._region_wide(month)  # from the cache
    assert again.gaps == shared.gaps and again.where_next.equals(shared.where_next)
    code = shared.where_next.iloc[0]["uncovered_codes"].split(", ")[0]
    report = import_data(seeded, Actor("ana", "editor"), "posts", f"code,name\n{code},{NEW_NAME}\n".encode(),
                         "rename.csv")
    assert report.ok, [p.line("en") for p in report.problems]
    assert NEW_NAME not in shared.where_next.iloc[0]["uncovered_names"]
    assert NEW_NAME in view._region_wide(month).where_next.iloc[0]["uncovered_names"]
