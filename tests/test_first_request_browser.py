"""First contact (issue 28): a fresh server's first request, on any page, in each language, with and without
the sign-in requirement, shows the menu's proper names; a database that cannot be reached shows one message
and the app opens by itself once it is back.

Why a few servers are enough. The wrong menu came from Streamlit's old pages/-folder mode: with a `pages/`
folder beside app.py, a new server served its first runs by running pages/<name>.py alone under a menu of
file names, process-wide, until some run of app.py called st.navigation. That state is decided by the
folder's presence and is per process, not per page. The scripts now
live in screens/, so no run is ever in that mode: a server's first request and any later session's first
request go through the same app.py. So each (language, sign-in) pair gets ONE fresh server whose first request
is a deep link (a different page for each), and then every page is opened as a new session's first request
on a sign-in server, and two pages of other kinds on each other server (an open page runs in full).
test_no_pages_folder keeps the cause out; test_guards_browser.py checks the restricted pages' own guards on
more fresh servers.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from geo.i18n import t
from tests.browser import REPO, SCREENSHOTS, running_app, wait_idle
from tests.support import copy_sqlite

USER, PASSWORD = "firstvisit", "correct horse battery staple"
COMBOS = [("es", False), ("en", False), ("es", True), ("en", True)]  # (language, CA4_REQUIRE_LOGIN)
FIRST = {("es", False): "map?post=GTM-TUM", ("en", False): "flows", ("es", True): "admin", ("en", True): "map"}
RAW_NAMES = {"app", "admin", "audit", "data", "flows", "infrastructure", "map", "overview", "present", "projects",
             "workshops"}
NAV_LINKS = '[data-testid="stSidebarNav"] a'

pytestmark = pytest.mark.browser


def _pages() -> list[tuple[str, str]]:
    import ui

    return [(url, key) for path, key, _icon, url in ui.PAGES if (REPO / path).exists()]


def _menu(page) -> list[str]:
    """The menu's entries (each link holds its icon's name, then its label). Read from the DOM: the slides
    page hides the sidebar by style, the menu is still the one declared."""
    return page.locator(NAV_LINKS).evaluate_all("links => links.map(a => a.textContent)")


def _menu_is(menu: list[str], labels: list[str]) -> bool:
    return len(menu) == len(labels) and all(entry.endswith(label) for entry, label in zip(menu, labels, strict=False))


def _expected(lang: str) -> list[str]:
    return [t(key, lang) for _url, key in _pages()]


def test_no_pages_folder() -> None:
    """The cause, kept out: a pages/ folder beside app.py puts a new server's first runs in Streamlit's
    old folder mode (a page run alone, a menu of file names for every visitor). Page scripts go in screens/
    and into ui.PAGES."""
    assert not (REPO / "pages").exists(), "page scripts live in screens/ (see ui.PAGES), not pages/"
    assert all(path.startswith("screens/") for path, *_ in _pages_all())


def _pages_all():
    import ui

    return [*ui.PAGES, ui.PRESENT_PAGE]


@pytest.fixture(scope="module")
def db_with_user(app_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    from geo.access.auth import SYSTEM
    from geo.access.users import create_user
    from geo.db import make_engine

    url = copy_sqlite(app_db_url, Path(tmp_path_factory.mktemp("first")) / "first.sqlite")
    engine = make_engine(url)
    create_user(engine, SYSTEM, USER, "admin", PASSWORD)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def fresh_servers(db_with_user: str) -> Iterator[dict[tuple[str, bool], str]]:
    """One new server per (language, sign-in), started at once; nothing asked of them but their health."""
    servers = {combo: running_app(db_with_user, {"CA4_REQUIRE_LOGIN": "1" if combo[1] else "0",
                                                 "CA4_LANG": combo[0]}) for combo in COMBOS}
    started: dict[tuple[str, bool], str] = {}

    def start(combo: tuple[str, bool]) -> None:
        started[combo] = servers[combo].__enter__()

    with ThreadPoolExecutor(len(COMBOS)) as pool:
        try:
            list(pool.map(start, COMBOS))
            yield started
        finally:
            list(pool.map(lambda combo: servers[combo].__exit__(None, None, None), list(started)))


def _check_menu(page, lang: str, login: bool, where: str) -> None:
    if login:  # signed out: the sign-in form alone, and no menu at all (least of all one of file names)
        page.get_by_text(t("signin.required", lang)).first.wait_for(timeout=60_000)
        wait_idle(page)
        assert page.locator(NAV_LINKS).count() == 0, where
        # nothing of any page: no table, tab, map or canvas, not the admin user's name; the way in is offered
        drawn = '[data-testid="stDataFrame"], [data-testid="stTabs"], [data-testid="stDeckGlJsonChart"], canvas'
        assert page.locator(drawn).count() == 0, where
        assert USER not in page.locator("body").inner_text(), where
        assert page.get_by_text(t("signin.submit", lang), exact=True).count() >= 1, where
    else:
        page.locator(NAV_LINKS).first.wait_for(state="attached", timeout=60_000)
        menu = _menu(page)
        assert _menu_is(menu, _expected(lang)), f"{where}: {menu}"
        assert not any(entry.lower() in RAW_NAMES for entry in menu), f"{where}: file names in the menu"
    assert page.locator('[data-testid="stException"]').count() == 0, where


def test_every_first_request_shows_the_menus_names(browser, fresh_servers: dict) -> None:
    contexts = {combo: browser.new_context(viewport={"width": 1280, "height": 900}) for combo in COMBOS}
    try:
        # 1. Each server's very first request: a deep link (?lang= absent: CA4_LANG is the server's language).
        firsts = {}
        for combo in COMBOS:
            firsts[combo] = contexts[combo].new_page()
            firsts[combo].goto(f"{fresh_servers[combo]}/{FIRST[combo]}")
        for (lang, login), page in firsts.items():
            wait_idle(page, 120_000)
            _check_menu(page, lang, login, f"first request /{FIRST[lang, login]} ({lang}, login={login})")
            page.screenshot(path=str(SCREENSHOTS / f"first_request_{lang}_{'login' if login else 'open'}.png"))
            page.close()
        # 2. Every page as a new session's first request on the Spanish sign-in server (each stops at the
        # sign-in form, which app.py draws before any page: the language changes its words, not the gate).
        # The menu is decided per process, not per page: each other server gets two more pages of other
        # kinds than its deep link (on the open servers such a request runs its whole page).
        paths = [url for url, _key in _pages()] + ["present", ""]
        more_paths = {("en", True): ["workshops", ""], ("es", False): ["", "workshops"],
                      ("en", False): ["present", "infrastructure"]}
        for url in paths:
            tabs = {}
            for combo in [("es", True)] + [c for c, urls in more_paths.items() if url in urls]:
                tabs[combo] = contexts[combo].new_page()
                tabs[combo].goto(f"{fresh_servers[combo]}/{url}")
            for (lang, login), page in tabs.items():
                _check_menu(page, lang, login, f"/{url} ({lang}, login={login})")
                page.close()
        # 3. Signed in, the sign-in servers show the same menu (on the admin page: light, and the user's own).
        for lang in ("es", "en"):
            page = contexts[lang, True].new_page()
            page.goto(f"{fresh_servers[lang, True]}/admin")
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_label(t("signin.user", lang), exact=True).fill(USER)
            sidebar.get_by_label(t("signin.password", lang), exact=True).fill(PASSWORD)
            sidebar.get_by_role("button", name=t("signin.submit", lang)).click()
            page.locator(NAV_LINKS).first.wait_for(timeout=60_000)
            assert _menu_is(_menu(page), _expected(lang)), _menu(page)
            page.close()
    finally:
        for context in contexts.values():
            context.close()


def test_an_unreachable_database_says_so_and_the_app_opens_once_it_is_back(
        browser, app_db_url: str, tmp_path: Path) -> None:
    """The database file's folder cannot exist (a file stands in its way): the first request, a shared map
    link, shows the one message; once the database is there, the same page opens by itself."""
    blocker = tmp_path / "db"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'ca4.sqlite'}"
    with running_app(url, {"CA4_LANG": "es"}) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 700})
        try:
            page = context.new_page()
            page.goto(f"{base}/map?post=GTM-TUM")
            page.locator('[data-testid="stAlert"]').first.wait_for(timeout=60_000)
            wait_idle(page)
            body = page.locator("body").inner_text()
            assert "No se puede abrir el archivo de la base de datos" in body and str(blocker / "ca4.sqlite") in body
            assert "Traceback" not in body and page.locator('[data-testid="stException"]').count() == 0
            assert page.locator(NAV_LINKS).count() == 0  # one message, no menu leading to more of it
            page.screenshot(path=str(SCREENSHOTS / "database_unreachable_es.png"))
            blocker.unlink()
            blocker.mkdir()
            copy_sqlite(app_db_url, blocker / "ca4.sqlite")
            back = time.monotonic()
            page.get_by_role("heading", name=t("map.title", "es")).wait_for(timeout=60_000)
            assert time.monotonic() - back < 30
            assert page.url.endswith("/map?post=GTM-TUM")  # the page the link named, with its post
            wait_idle(page)
            assert _menu_is(_menu(page), _expected("es")), _menu(page)
        finally:
            context.close()
    shutil.rmtree(blocker, ignore_errors=True)
