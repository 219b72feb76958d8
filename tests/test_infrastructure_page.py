"""The infrastructure page under AppTest (views, the edit form, stale edits, roles) and in Chromium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui
from geo.access.auth import Actor
from geo.db import make_engine
from geo.i18n import t
from geo.upgrades import records as up
from tests.support import copy_sqlite

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "screens" / "infrastructure.py")


@pytest.fixture
def page_db(app_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private copy of the seeded app database: these tests write to it."""
    url = copy_sqlite(app_db_url, tmp_path / "infra.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    yield url


def run(lang: str = "en", actor: Actor | None = None, tab: str | None = None, **query: str) -> AppTest:
    """Run the page, signed in as `actor` (as the sidebar's sign-in leaves it), or anonymously, with the
    tab `tab` open (infra.tab.<tab>; the page runs only the open tab)."""
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.query_params["lang"] = lang
    if actor is not None:
        at.session_state[ui.ACTOR_KEY] = actor
    if tab is not None:
        open_tab(at, tab, lang)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def open_tab(at: AppTest, tab: str, lang: str = "en") -> AppTest:
    at.session_state["infra_tab"] = t(f"infra.tab.{tab}", lang)
    return at


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, [b.label for b in at.button]
    return found[0]


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_page_shows_the_programme_for_viewers(page_db: str, lang: str) -> None:
    at = run(lang, tab="edit")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == {"es": "Infraestructura de los puestos", "en": "Infrastructure of the posts"}[lang]
    assert "muestra" in texts(at.warning).lower() or "sample" in texts(at.warning).lower()
    labels = [m.label for m in at.metric]
    assert len(labels) == 6
    components = up.components_frame(make_engine(page_db))
    operational = int((components["status"] == "operational").sum())
    assert at.metric[0].value == f"{operational} / {len(components)}"
    # Viewers see why they cannot edit, and no form.
    sign_in = {"es": "Inicie sesión como editor", "en": "Sign in as an editor"}[lang]
    assert sign_in in texts(at.info)
    assert not [b for b in at.button if b.label in ("Save changes", "Guardar cambios")]
    # The scope of the programme is said on the page.
    assert ("CA4" in texts(at.caption))


def test_only_the_open_tab_runs(page_db: str) -> None:
    at = run("en")  # the map tab: its deck, not the budget table or the edit form's hint
    assert not at.exception
    assert len(at.get("deck_gl_json_chart")) == 1
    assert not [d for d in at.dataframe if "Planned" in d.value.columns]
    budget = open_tab(at, "budget").run()
    assert [d for d in budget.dataframe if "Planned" in d.value.columns]
    assert not budget.get("deck_gl_json_chart")


def test_budget_table_total_equals_the_rows(page_db: str) -> None:
    at = run("en", tab="budget")
    table = next(d.value for d in at.dataframe if "Planned" in d.value.columns)
    planned = table["Planned"].str.replace(",", "").astype(float)
    assert table["Country"].iloc[-1] == "Total"
    assert planned.iloc[:-1].sum() == planned.iloc[-1]
    assert planned.iloc[-1] == pytest.approx(up.components_frame(make_engine(page_db))["budget_planned"].sum())


def test_overdue_table_lists_exactly_the_overdue_components(page_db: str) -> None:
    at = run("en", tab="timeline")
    table = next(d.value for d in at.dataframe if "Days overdue" in d.value.columns)
    assert len(table) == up.programme_summary(make_engine(page_db))["overdue"]
    assert (table["Days overdue"] > 0).all()


def test_an_editor_saves_through_the_form_and_it_is_audited(page_db: str) -> None:
    at = run("en", actor=Actor("ana", "editor"), tab="edit")
    assert not at.exception, [e.value for e in at.exception]
    post = at.selectbox(key="infra_edit_post").value
    component = at.selectbox(key="infra_edit_component").value
    before = up.component_record(make_engine(page_db), post, component)
    at.text_area(key="infra_e_notes").input("Installed, awaiting acceptance")
    at.text_input(key="infra_e_agency").input("DGM Guatemala")
    button(at, "Save changes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Saved" in texts(at.success), texts(at.error)
    engine = make_engine(page_db)
    after = up.component_record(engine, post, component)
    assert after["notes"] == "Installed, awaiting acceptance" and after["version"] == before["version"] + 1
    assert after["updated_by"] == "ana"
    changes = up.changes_since(engine, before["updated_at"].date())
    mine = changes[changes["entity_key"] == f"{post}/{component}"]
    assert set(mine["field"]) == {"notes", "agency"}
    # The change appears in the "what changed since" list of the page.
    open_tab(at, "changes").run()
    listing = next(d.value for d in at.dataframe if "New value" in d.value.columns)
    assert "Installed, awaiting acceptance" in listing["New value"].tolist()


def test_a_broken_rule_is_explained_and_nothing_saved(page_db: str) -> None:
    # An admin: any status change passes the workflow check.
    at = run("en", actor=Actor("ana", "admin"), tab="edit")
    post = at.selectbox(key="infra_edit_post").value
    component = at.selectbox(key="infra_edit_component").value
    before = up.component_record(make_engine(page_db), post, component)
    at.selectbox(key="infra_e_status").set_value("operational")
    at.number_input(key="infra_e_progress").set_value(100)
    at.date_input(key="infra_e_completion_date").set_value(None)
    button(at, "Save changes").click().run()
    errors = texts(at.error)
    assert "Not saved" in errors
    assert "Completion date: an operational component needs a completion date." in errors
    assert up.component_record(make_engine(page_db), post, component)["version"] == before["version"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_amounts_are_shown_and_typed_in_the_regions_style(page_db: str, lang: str) -> None:
    """The budget fields show 88,900 (not Streamlit's '88900.00') and take what a person types in that style;
    a text that is no number in it ('88.900,00', Spain's) is refused naming the field, and nothing is saved."""
    from geo.i18n import fmt_number
    from geo.upgrades.tables import field_label

    at = run(lang, actor=Actor("ana", "editor"), tab="edit")
    post = at.selectbox(key="infra_edit_post").value
    component = at.selectbox(key="infra_edit_component").value
    engine = make_engine(page_db)
    before = up.component_record(engine, post, component)
    shown = at.text_input(key="infra_e_budget_planned").value
    assert shown == fmt_number(before["budget_planned"], lang, 0 if float(before["budget_planned"]).is_integer() else 2)
    planned = max(float(before["budget_planned"]), float(before["budget_committed"] or 0)) + 1234.5
    at.text_input(key="infra_e_budget_planned").input(fmt_number(planned, lang, 2))  # e.g. '89,134.50'
    at.text_input(key="infra_e_budget_spent").input("88.900,00")
    save = "Guardar cambios" if lang == "es" else "Save changes"
    button(at, save).click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = texts(at.error)
    assert f"{field_label('budget_spent', lang)}: " in errors and "88.900,00" in errors, errors
    assert up.component_record(engine, post, component)["version"] == before["version"]  # nothing half-written
    at.text_input(key="infra_e_budget_spent").input(fmt_number(before["budget_spent"], lang, 2))
    button(at, save).click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = up.component_record(engine, post, component)
    assert after["version"] == before["version"] + 1, texts(at.error)
    assert float(after["budget_planned"]) == planned and float(after["budget_spent"]) == float(before["budget_spent"])
    assert at.text_input(key="infra_e_budget_planned").value == fmt_number(planned, lang, 2)


def test_a_stale_edit_is_refused_with_what_changed(page_db: str) -> None:
    at = run("en", actor=Actor("ana", "editor"), tab="edit")
    post = at.selectbox(key="infra_edit_post").value
    component = at.selectbox(key="infra_edit_component").value
    # Meanwhile, Ben saves the same component from another session.
    engine = make_engine(page_db)
    seen = up.component_record(engine, post, component)
    up.update_component(engine, Actor("ben", "editor"), post, component, seen,
                        {**seen, "notes": "Ben's note", "agency": "Ben's agency"})
    at.text_area(key="infra_e_notes").input("Ana's note")
    button(at, "Save changes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "ben changed this component" in texts(at.error)
    meanwhile = next(d.value for d in at.dataframe if "When you opened it" in d.value.columns)
    assert set(meanwhile["Field"]) == {"Notes", "Responsible agency"}
    assert "Ben's note" in meanwhile["Now"].tolist()
    assert up.component_record(engine, post, component)["notes"] == "Ben's note"  # nothing overwritten
    # Reloading takes the current version; then Ana's save goes through.
    button(at, "Discard and reload").click().run()
    at.text_area(key="infra_e_notes").input("Ana's note")
    button(at, "Save changes").click().run()
    assert "Saved" in texts(at.success)
    assert up.component_record(engine, post, component)["notes"] == "Ana's note"


def test_only_admins_see_the_catalogue_and_can_add_to_it(page_db: str) -> None:
    at = run("en", actor=Actor("ana", "editor"), tab="edit")
    assert not [e for e in at.expander if e.label == "Component catalogue (admins)"]
    at = run("en", actor=Actor("root", "admin"), tab="edit")
    assert [e for e in at.expander if e.label == "Component catalogue (admins)"]
    at.text_input(key="infra_t_code").input("cctv")
    at.text_input(key="infra_t_name_en").input("Video surveillance")
    at.text_input(key="infra_t_name_es").input("Videovigilancia")
    button(at, "Add to the catalogue").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "cctv" in up.catalogue(make_engine(page_db))["code"].tolist()
    assert "Component 'cctv' added" in texts(at.success)


def test_an_editor_adds_a_new_catalogue_component_to_a_post(page_db: str) -> None:
    engine = make_engine(page_db)
    up.add_component_type(engine, Actor("root", "admin"), "cctv", "Video surveillance", "Videovigilancia", "equipment")
    at = run("en", actor=Actor("ana", "editor"), tab="edit")
    post = at.selectbox(key="infra_edit_post").value
    assert "Video surveillance" in at.selectbox(key="infra_add_code").options  # only types the post lacks
    assert not set(at.selectbox(key="infra_add_code").options) & set(at.selectbox(key="infra_edit_component").options)
    at.selectbox(key="infra_add_code").set_value("cctv")
    assert at.text_input(key="infra_add_planned").value == "0"
    at.text_input(key="infra_add_planned").input("12,000")  # as the region writes it
    at.text_input(key="infra_add_agency").input("DGM")
    button(at, "Add (status: planned)").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Added: {post}/cctv." in texts(at.success)
    added = up.component_record(engine, post, "cctv")
    assert added["status"] == "planned" and added["budget_planned"] == 12000.0 and added["project_id"] is not None
    # The post's component list now offers it for editing.
    assert "Video surveillance" in at.selectbox(key="infra_edit_component").options


# ------------------------------------------------------------------------------ browser
@pytest.mark.browser
def test_page_draws_in_the_browser(browser, app_url: str) -> None:
    from tests.browser import SCREENSHOTS, wait_for_canvas_drawn, wait_idle

    url = app_url
    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    try:
        page = context.new_page()
        outside: list[str] = []
        local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
        page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
        # Straight to the page: every request runs app.py (tests/test_first_request_browser.py).
        page.goto(f"{url}/infrastructure?lang=en")
        page.wait_for_selector("h1:has-text('Infrastructure of the posts')", timeout=60_000)
        wait_idle(page)
        png = wait_for_canvas_drawn(page)
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / "infrastructure_map.png").write_bytes(png)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stDeckGlJsonChart"]').count() == 1  # tabs are lazy: the map only
        # Every tab opens with no exception and draws its chart (tabs run when opened).
        for name in ("Post × component matrix", "Timeline", "Budget"):
            page.get_by_role("tab", name=name).click()
            page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=30_000)
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, name
        page.get_by_role("tab", name="Recent changes").click()
        wait_idle(page)
        page.get_by_role("tab", name="Information exchange").click()
        wait_idle(page)
        wait_for_canvas_drawn(page)
        page.screenshot(path=str(SCREENSHOTS / "infrastructure_exchange.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert outside == [], f"the page made outside requests: {outside[:5]}"
    finally:
        context.close()


@pytest.mark.browser
def test_two_coordinators_in_two_browsers_the_second_save_is_refused(browser, page_db: str) -> None:
    """Ana and Ben sign in, open the same component; Ana saves, Ben's save is refused with what changed.
    A server of its own: the test writes to its own copy of the database."""
    from geo.access.auth import SYSTEM
    from geo.access.users import create_user
    from tests.browser import SCREENSHOTS, running_app, wait_for_canvas_drawn, wait_idle, wait_quiet

    engine = make_engine(page_db)
    for name in ("ana", "ben"):
        create_user(engine, SYSTEM, name, "editor", "correct horse battery staple")

    contexts = []

    def open_edit_tab(url: str, name: str):
        contexts.append(browser.new_context(viewport={"width": 1280, "height": 1200}))  # one user each
        page = contexts[-1].new_page()
        frames: list = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
        page.goto(f"{url}/infrastructure?lang=en")  # straight to the page: every request runs app.py
        # its map runs the page once more with the width the browser reports: sign in after that run
        wait_for_canvas_drawn(page)
        wait_quiet(page, frames)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Sign in").first.click()
        sidebar.locator('input[type="text"]').first.fill(name)
        sidebar.locator('input[type="password"]').fill("correct horse battery staple")
        sidebar.locator('button:has-text("Sign in")').last.click()
        page.wait_for_selector(f'[data-testid="stSidebar"] :text("{name}")', timeout=30_000)
        wait_idle(page)
        page.get_by_role("tab", name="Edit").click()
        page.get_by_role("button", name="Save changes").wait_for(timeout=30_000)
        return page

    with running_app(page_db) as url:
        try:
            ana = open_edit_tab(url, "ana")
            ben = open_edit_tab(url, "ben")
            ana.get_by_label("Notes").fill("Ana: installed")
            ana.get_by_role("button", name="Save changes").click()
            ana.wait_for_selector("text=Saved:", timeout=30_000)
            ben.get_by_label("Notes").fill("Ben: not installed")
            ben.get_by_role("button", name="Save changes").click()
            ben.wait_for_selector("text=ana changed this component", timeout=30_000)
            SCREENSHOTS.mkdir(exist_ok=True)
            ben.screenshot(path=str(SCREENSHOTS / "infrastructure_stale_edit.png"), full_page=True)
            assert ben.locator('[data-testid="stException"]').count() == 0
        finally:
            for context in contexts:
                context.close()
    notes = up.changes_since(engine, dt.date.today() - dt.timedelta(days=1))
    notes = notes[notes["field"] == "notes"]
    assert notes["new_value"].tolist() == ["Ana: installed"]  # Ben's save wrote nothing
