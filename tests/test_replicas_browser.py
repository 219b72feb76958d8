"""Two replicas behind HAProxy (`python -m geo serve --replicas 2`), driven in Chromium.

One server start for the module: the real command, on a copy of the session's seeded database. Each test
pins its browser to a replica with the balancer's own affinity cookie (ca4_replica=r1|r2), exactly as the
balancer would after a first request, so the cases below really cross replicas:

- sign-in on one replica holds on the other (the signed cookie is verified by whichever replica; a forged
  one by neither);
- an upload and its import reach the replica holding the session (the uploader posts a separate HTTP request);
- an edit on one replica after another replica saved the same record is refused as stale;
- the presentation mode on each replica;
- killing the replica a signed-in browser is on: the browser reconnects through the balancer to the other
  replica, still signed in, and what was saved is there;
- SIGTERM stops the balancer and every replica, exit 0.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser import REPO, SCREENSHOTS, free_port, wait_idle
from tests.support import copy_sqlite

pytestmark = pytest.mark.browser

ADMIN = "replicadmin"
PASSWORD = "correct horse battery staple"
SIGNED_IN = f"Signed in: {ADMIN}"


@dataclass
class Served:
    url: str
    port: int
    database_url: str
    process: subprocess.Popen
    replicas: dict[str, int]  # name -> pid
    balancer_pid: int
    output: list[str]


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))


@pytest.fixture(scope="module")
def served(app_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from geo.access.auth import SYSTEM
    from geo.access.users import create_user
    from geo.db import make_engine

    database_url = copy_sqlite(app_db_url, Path(tmp_path_factory.mktemp("replicas")) / "replicas.sqlite")
    engine = make_engine(database_url)
    create_user(engine, SYSTEM, ADMIN, "admin", PASSWORD)
    engine.dispose()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "geo", "serve", "--replicas", "2", "--port", str(port), "--host", "127.0.0.1"],
        cwd=REPO, env={**os.environ, "DATABASE_URL": database_url}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
    output: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not any(line.startswith("serving on") for line in output):
            assert process.poll() is None, "geo serve exited:\n" + "\n".join(output)
            assert time.monotonic() < deadline, "geo serve did not start:\n" + "\n".join(output)
            with contextlib.suppress(queue.Empty):
                output.append(lines.get(timeout=1))
        replicas = {m[1]: int(m[2]) for m in (re.match(r"replica (r\d): \S+ \(pid (\d+)\)", line) for line in output)
                    if m}
        balancer = next(int(m[1]) for m in (re.search(r"HAProxy pid (\d+)", line) for line in output) if m)
        assert sorted(replicas) == ["r1", "r2"], output
        yield Served(f"http://127.0.0.1:{port}", port, database_url, process, replicas, balancer, output)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def _context(browser, served: Served, replica: str | None, token: str | None = None):
    """A browser context; pinned to a replica by the balancer's cookie, signed in by a token's cookie."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    cookies = []
    if replica:
        cookies.append({"name": "ca4_replica", "value": replica, "url": served.url})
    if token:
        cookies.append({"name": "ca4_session", "value": token, "url": served.url})
    if cookies:
        context.add_cookies(cookies)
    return context


def _replica_of(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "ca4_replica"), None)


def _token(served: Served) -> str:
    from geo.access import sessions
    from geo.db import make_engine

    engine = make_engine(served.database_url)
    try:
        return sessions.issue(engine, ADMIN)
    finally:
        engine.dispose()


def _open(context, served: Served, path: str):
    page = context.new_page()
    page.goto(f"{served.url}/{path}")
    page.locator('[data-testid="stMain"]').first.wait_for(timeout=60_000)
    wait_idle(page, 60_000)
    return page


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_sign_in_on_one_replica_holds_on_the_other_and_an_upload_reaches_the_sessions_replica(
        browser, served: Served) -> None:
    context = _context(browser, served, None)
    try:
        page = _open(context, served, "data?lang=en")
        first = _replica_of(context)
        assert first in served.replicas  # the balancer chose one and said so in its cookie
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Sign in", exact=True).first.click()
        sidebar.get_by_label("User name", exact=True).fill(ADMIN)
        sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
        sidebar.get_by_role("button", name="Sign in").click()
        page.get_by_text(SIGNED_IN).first.wait_for(timeout=60_000)
        page.wait_for_function("document.cookie.includes('ca4_session=')", timeout=60_000)
        wait_idle(page)

        # The upload: a new air post, through the uploader (its own HTTP request) and the import button.
        csv = b"code,name,country_iso3,type,lon,lat\nGTM-RPL,Aeropuerto de prueba,GTM,air,-90.527,14.583\n"
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Kind of data").first.click()
        page.get_by_role("option", name="Posts", exact=True).click()
        wait_idle(page)
        page.locator('input[type="file"]').set_input_files(
            files=[{"name": "new_post.csv", "mimeType": "text/csv", "buffer": csv}])
        page.get_by_text("new_post.csv").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Import", exact=True).click()
        page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=60_000)
        _no_exception(page)
        assert _replica_of(context) == first  # the whole session stayed on its replica
        from geo.db import make_engine

        engine = make_engine(served.database_url)
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT name FROM posts WHERE code = 'GTM-RPL'")).scalar()
        engine.dispose()
        assert stored == "Aeropuerto de prueba"

        # The same browser, sent to the other replica: signed in there by the same cookie, verified there.
        other = next(name for name in served.replicas if name != first)
        context.add_cookies([{"name": "ca4_replica", "value": other, "url": served.url}])
        again = _open(context, served, "data?lang=en")
        again.get_by_text(SIGNED_IN).first.wait_for(timeout=30_000)
        assert _replica_of(context) == other
        _no_exception(again)

        # A forged token (its signature altered) signs in nowhere.
        token = next(c["value"] for c in context.cookies() if c["name"] == "ca4_session")
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        context.add_cookies([{"name": "ca4_session", "value": forged, "url": served.url}])
        refused = _open(context, served, "data?lang=en")
        assert refused.get_by_text(SIGNED_IN).count() == 0
        assert refused.get_by_text("Sign in", exact=True).count() >= 1
    finally:
        context.close()


def _edit_tab(page) -> None:
    """Open the Edit tab and wait for its form (a rerun still drawing the page may redraw the tabs: the
    click is repeated until the tab is the selected one)."""
    tab = page.get_by_role("tab", name="Edit", exact=True)
    save = page.get_by_role("button", name="Save changes")
    deadline = time.monotonic() + 90
    while not save.is_visible():
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
        if time.monotonic() > deadline:
            page.screenshot(path=str(SCREENSHOTS / "replicas_edit_tab_failed.png"), full_page=True)
            raise AssertionError("the Edit tab's form was never drawn")
        page.wait_for_timeout(250)


def _save_notes(page, notes: str) -> None:
    area = page.get_by_label("Notes", exact=True)
    area.fill(notes)
    page.get_by_role("button", name="Save changes").click()


def test_an_edit_on_one_replica_is_refused_as_stale_after_the_other_replica_saved(browser, served: Served) -> None:
    token = _token(served)
    first, second = _context(browser, served, "r1", token), _context(browser, served, "r2", token)
    try:
        pages = [_open(context, served, "infrastructure?lang=en") for context in (first, second)]
        for page in pages:  # both signed in by the cookie; both load the same record (the form's first)
            page.get_by_text(SIGNED_IN).first.wait_for(timeout=30_000)
            _edit_tab(page)
        _save_notes(pages[1], "Saved through replica 2")
        pages[1].get_by_text("Saved:").first.wait_for(timeout=60_000)
        _save_notes(pages[0], "Saved through replica 1, on a stale copy")
        pages[0].get_by_text("Not saved:").first.wait_for(timeout=60_000)
        pages[0].screenshot(path=str(SCREENSHOTS / "replicas_stale_edit.png"), full_page=True)
        assert [_replica_of(c) for c in (first, second)] == ["r1", "r2"]
        for page in pages:
            _no_exception(page)
    finally:
        first.close()
        second.close()


def test_presentation_mode_on_each_replica(browser, served: Served) -> None:
    for replica in ("r1", "r2"):
        context = _context(browser, served, replica)
        try:
            page = _open(context, served, "?present=1&lang=en")
            page.get_by_text("Slide 1 of").first.wait_for(timeout=60_000)
            wait_idle(page)
            _no_exception(page)
            assert page.locator('[data-testid="stSidebar"]').count() == 0  # the slides alone
            assert _replica_of(context) == replica
        finally:
            context.close()


def test_killing_the_replica_a_signed_in_browser_is_on_moves_it_to_the_other(browser, served: Served) -> None:
    context = _context(browser, served, "r1", _token(served))
    try:
        page = _open(context, served, "infrastructure?lang=en")
        page.get_by_text(SIGNED_IN).first.wait_for(timeout=30_000)
        _edit_tab(page)
        saved = "Saved through replica 2"  # what the stale-save test stored
        expect(page.get_by_label("Notes", exact=True)).to_have_value(saved, timeout=30_000)

        os.kill(served.replicas["r1"], signal.SIGKILL)
        # Streamlit's page notices the lost websocket and reconnects; the balancer finds r1 gone and sends
        # it to r2, which starts a fresh session: signed in again from the cookie, the page run anew.
        deadline = time.monotonic() + 60
        while _replica_of(context) != "r2":  # the balancer's cookie (HttpOnly: not visible to the page)
            assert time.monotonic() < deadline, "the browser was not sent to the other replica"
            page.wait_for_timeout(200)
        page.get_by_text(SIGNED_IN).first.wait_for(timeout=60_000)
        wait_idle(page)
        _edit_tab(page)
        expect(page.get_by_label("Notes", exact=True)).to_have_value(saved, timeout=30_000)  # nothing lost
        page.screenshot(path=str(SCREENSHOTS / "replicas_after_failover.png"), full_page=True)
        _no_exception(page)
    finally:
        context.close()


def test_sigterm_stops_the_balancer_and_every_replica(served: Served) -> None:
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=30) == 0
    for pid in [*served.replicas.values(), served.balancer_pid]:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
