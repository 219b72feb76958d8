"""Every restricted page guards itself: a fresh server's first request on a deep link, signed out.

A new Streamlit server once served its very first run in the old pages/-folder mode (/admin ran
pages/admin.py alone, without app.py's navigation or sign-in gate); the scripts now live in screens/, but
a page's safety must not depend on how it is reached. So each case below starts its own server (the point
of the test) and makes that deep link its first request; the page must stop at its own `ui.guard`.

With CA4_REQUIRE_LOGIN=1 no page is reached at all: app.py draws the sign-in form before its navigation, for
every page and every process alike. That gate is checked on fresh servers' first requests (a restricted page
and the map among them: no name, table, tab, map or canvas drawn) in test_first_request_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser import SCREENSHOTS, running_app, wait_idle
from tests.support import copy_sqlite

pytestmark = pytest.mark.browser

ADMIN = "guardadmin"  # a user (and, through its creation, an audit entry) that must not leak
PASSWORD = "correct horse battery staple"
LOCKS = {  # what a signed-out visitor sees instead of the page, without CA4_REQUIRE_LOGIN
    "admin": "This page is for administrators only.",
    "audit": "This page is for editors and administrators: sign in with an editor account.",
    "data": "Sign in with an editor or administrator account to import data.",
}
DRAWN = '[data-testid="stHeading"], [data-testid="stDataFrame"], [data-testid="stFileUploader"]'
HEADINGS = {"admin": "Administration", "audit": "Audit log"}  # page titles that must not be drawn


@pytest.fixture(scope="module")
def guarded_db_url(app_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the seeded database with an admin user, so /admin and /audit have something to leak."""
    from geo.access.auth import SYSTEM
    from geo.access.users import create_user
    from geo.db import make_engine

    url = copy_sqlite(app_db_url, Path(tmp_path_factory.mktemp("guards")) / "guards.sqlite")
    engine = make_engine(url)
    create_user(engine, SYSTEM, ADMIN, "admin", PASSWORD)  # also writes a "user create" audit entry
    engine.dispose()
    return url


CASES = [(path, False) for path in ("admin", "audit", "data")]  # (path, CA4_REQUIRE_LOGIN)


@pytest.fixture(scope="module")
def fresh_servers(guarded_db_url: str) -> Iterator[dict[tuple[str, bool], str]]:
    """One new server per case, all started (and stopped) at once: a start is mostly imports, and
    stopping one waits for its shutdown, so in turn they would cost seconds each. Before its case's
    first request a server is asked nothing but its health, which runs no script."""
    servers = {case: running_app(guarded_db_url, {"CA4_REQUIRE_LOGIN": "1" if case[1] else "0"})
               for case in CASES}
    started: dict[tuple[str, bool], str] = {}

    def start(case: tuple[str, bool]) -> None:
        started[case] = servers[case].__enter__()

    with ThreadPoolExecutor(len(CASES)) as pool:
        try:
            list(pool.map(start, CASES))  # raises the first failure, after every start has ended
            yield started
        finally:
            list(pool.map(lambda case: servers[case].__exit__(None, None, None), list(started)))


@pytest.fixture(scope="module")
def first_visits(browser, fresh_servers: dict[tuple[str, bool], str]) -> Iterator[dict[tuple[str, bool], object]]:
    """Each case's deep link opened as its server's first request, all before any is checked, so the
    first runs (each server's own process) overlap; each test then waits for its page's state."""
    contexts = []
    pages = {}
    try:
        for path, login in CASES:
            contexts.append(browser.new_context(viewport={"width": 1280, "height": 800}))
            pages[path, login] = contexts[-1].new_page()
            pages[path, login].goto(f"{fresh_servers[path, login]}/{path}?lang=en")
        yield pages
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("path", ["admin", "audit", "data"])
def test_restricted_page_first_on_a_fresh_server_shows_no_restricted_data(first_visits: dict, path: str) -> None:
    page = first_visits[path, False]
    lock = LOCKS[path]
    # Wait for the run to draw something (its lock, or what it must not show), then for it to end.
    page.get_by_text(lock).or_(page.locator(DRAWN)).first.wait_for(timeout=30_000)
    wait_idle(page)
    page.screenshot(path=str(SCREENSHOTS / f"guard_{path}_open.png"), full_page=True)
    body = page.locator("body").inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert ADMIN not in body
    if path in HEADINGS:
        assert page.get_by_role("heading", name=HEADINGS[path]).count() == 0
        # the user table (/admin) and the audit rows (/audit) are both st.dataframe grids
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert "Role" not in body and "Change" not in body  # their column headers
        assert page.get_by_text("Sign in", exact=True).count() >= 1  # the page stopped: the way in is offered
    if path == "data":
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert page.locator('input[type="file"]').count() == 0
        # /data is public (export, quality): only the staff-only kinds must not be offered
        _assert_public_export_kinds_only(page)
    assert page.get_by_text(lock).count() >= 1, "the page did not stop at its guard"


def _assert_public_export_kinds_only(page) -> None:
    """The export tab offers a signed-out visitor the public kinds, never the staff-only ones."""
    from geo.access.auth import ANONYMOUS, SYSTEM
    from geo.i18n import t
    from geo.io.exports import exportable_kinds

    page.get_by_role("tab", name="Export").click()
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Kind of data").first.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    shown = set(options.all_inner_texts())
    public = {t(f"data.kind.{k}", "en") for k in exportable_kinds(ANONYMOUS)}
    staff_only = {t(f"data.kind.{k}", "en") for k in exportable_kinds(SYSTEM)} - public
    assert staff_only, "no staff-only kind to check"
    assert shown == public
    page.keyboard.press("Escape")
