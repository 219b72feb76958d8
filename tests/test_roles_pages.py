"""Roles: a viewer cannot write through any page or any function; editors import; admins manage users;
CA4_REQUIRE_LOGIN=1 puts the whole app behind the sign-in form."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import geo
from geo.access.auth import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from geo.access.users import create_user, users_frame
from geo.db import make_engine
from geo.i18n import t
from tests.data_helpers import seeded_sqlite, snapshot

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60
EDITOR = Actor("editor-test", "editor")
ADMIN = Actor("admin-test", "admin")


def run(page: str, actor: Actor | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(REPO / page), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


# ------------------------------------------------------------------------------------------ functions
def write_functions() -> list:
    """Every public geo function taking (engine, actor, ...): the server-side write paths."""
    found = []
    for info in pkgutil.walk_packages(geo.__path__, "geo."):
        if info.name == "geo.__main__":
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            params = list(inspect.signature(function).parameters)
            if params[:2] == ["engine", "actor"]:
                found.append(function)
    return found


def test_the_write_paths_are_found() -> None:
    names = {f"{f.__module__}.{f.__name__}" for f in write_functions()}
    assert {"geo.io.imports.import_data", "geo.access.users.create_user", "geo.access.users.set_role",
            "geo.access.editing.save_one", "geo.upgrades.records.update_component",
            "geo.workshops.records.correct_workshop"} <= names


@pytest.mark.parametrize("function", write_functions(), ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_a_viewer_cannot_write_through_any_function(tmp_path: Path, function) -> None:
    engine = seeded_sqlite(tmp_path, flows_rows=200)
    before = snapshot(engine)
    signature = inspect.signature(function)
    arguments = {name: None for name, p in list(signature.parameters.items())[2:]
                 if p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_KEYWORD}
    for actor in (ANONYMOUS, None, Actor("someone", "viewer")):
        with pytest.raises(PermissionDenied):
            function(engine, actor, **arguments)
    assert snapshot(engine) == before


# ------------------------------------------------------------------------------------------ pages
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_viewer_gets_no_import_controls(app_env: str, lang: str) -> None:
    at = run("screens/data.py", lang=lang)
    assert not at.exception
    assert t("data.viewer_no_import", lang) in texts(at, "info")
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.label in (t("data.import", lang), t("data.check", lang))]
    # Exports are reads: anyone may download.
    assert [b for b in at.button if b.label == t("data.prepare", lang)]


@pytest.mark.parametrize(("actor", "offered"), [(None, False), (Actor("v", "viewer"), False), (EDITOR, True)],
                         ids=["anonymous", "viewer", "editor"])
def test_exact_assisted_returns_are_exported_to_staff_only(app_env: str, actor: Actor | None, offered: bool) -> None:
    """Counts below 5 are "<5" in public; the file with exact counts is not offered to the public."""
    at = run("screens/data.py", actor)
    assert not at.exception
    kinds = next(s for s in at.selectbox if s.key == "export_kind").options
    assert (t("data.kind.assistance", "en") in kinds) is offered
    assert t("data.kind.posts", "en") in kinds
    assert (t("data.export_public_returns", "en") in texts(at, "caption")) is not offered


def test_an_editor_gets_the_upload_form(app_env: str) -> None:
    at = run("screens/data.py", EDITOR)
    assert not at.exception
    assert len(at.get("file_uploader")) == 1
    labels = [b.label for b in at.button]
    assert t("data.check", "en") in labels and t("data.import", "en") in labels


def test_export_download_and_quality_panel(app_env: str) -> None:
    at = run("screens/data.py")
    next(b for b in at.button if b.label == t("data.prepare", "en")).click().run()
    assert not at.exception
    assert at.get("download_button"), "no download after preparing the file"
    subheaders = texts(at, "subheader")
    assert t("quality.last_update", "en") in subheaders and t("quality.counts", "en") in subheaders


@pytest.mark.parametrize("actor", [None, Actor("v", "viewer"), EDITOR], ids=["anonymous", "viewer", "editor"])
def test_admin_page_is_for_admins_only(app_env: str, actor: Actor | None) -> None:
    at = run("screens/admin.py", actor)
    assert not at.exception
    assert t("guard.admin_only", "en") in texts(at, "warning")
    assert not at.dataframe
    # a signed-out visitor is offered the sign-in form, nothing of the page's own inputs
    assert {w.label for w in at.text_input} <= {t("signin.user", "en"), t("signin.password", "en")}


def test_an_admin_adds_a_user_on_the_page(app_env: str) -> None:
    name = f"page-{uuid.uuid4().hex[:8]}"
    at = run("screens/admin.py", ADMIN)
    assert not at.exception
    form_inputs = [w for w in at.text_input if w.label in (t("admin.name", "en"),
                                                            t("admin.password", "en", n=10))]
    form_inputs[0].input(name)
    form_inputs[1].input("a long enough password")
    next(b for b in at.button if b.label == t("admin.create", "en")).click().run()
    assert not at.exception
    assert name in users_frame(make_engine(app_env))["username"].tolist()


@pytest.mark.parametrize("actor", [None, Actor("v", "viewer")], ids=["anonymous", "viewer"])
def test_audit_log_hidden_from_viewers(app_env: str, actor: Actor | None) -> None:
    at = run("screens/audit.py", actor)
    assert not at.exception
    assert t("guard.editor_only", "en") in texts(at, "warning")
    assert not at.dataframe and not at.selectbox


def test_audit_log_filters(app_env: str) -> None:
    at = run("screens/audit.py", EDITOR, lang="es")
    assert not at.exception
    assert at.dataframe  # the first-start seed is logged
    action = next(s for s in at.selectbox if s.label == t("audit.action", "es"))
    action.select("seed").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame[t("audit.h_action", "es")]) == {t("audit.action.seed", "es")}


# ------------------------------------------------------------------------------------------ sign-in
@pytest.fixture
def locked_app(app_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CA4_REQUIRE_LOGIN", "1")
    name = f"login-{uuid.uuid4().hex[:8]}"
    create_user(make_engine(app_env), SYSTEM, name, "viewer", "a long enough password")
    return name


def test_require_login_hides_every_page_until_sign_in(locked_app: str) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert t("signin.required", "en") in texts(at, "info")
    assert not at.title  # no page ran
    assert at.sidebar.text_input(key="sign_in_password").proto.type == 1  # a password field
    signed = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    signed.session_state["actor"] = Actor(locked_app, "viewer")
    signed.run()
    assert not signed.exception
    assert signed.title, "no page for a signed-in user"


SIGN_IN_SCRIPT = """
import streamlit as st
import ui
with st.sidebar:
    ui.sign_in_box()
st.write("actor:", ui.current_actor().username, ui.current_actor().role)
"""


def test_sign_in_box_signs_in_and_out(locked_app: str) -> None:
    at = AppTest.from_string(SIGN_IN_SCRIPT, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    at.sidebar.text_input(key="sign_in_user").input(locked_app)
    at.sidebar.text_input(key="sign_in_password").input("wrong password!")
    at.sidebar.button[0].click().run()
    assert t("signin.failed", "en") in texts(at, "error")
    assert "actor" not in at.session_state
    at.sidebar.text_input(key="sign_in_user").input(locked_app)
    at.sidebar.text_input(key="sign_in_password").input("a long enough password")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert at.session_state["actor"] == Actor(locked_app, "viewer")
    at.sidebar.button(key="sign_out").click().run()
    assert "actor" not in at.session_state


def test_sign_in_box_shows_the_slow_down(locked_app: str) -> None:
    at = AppTest.from_string(SIGN_IN_SCRIPT, default_timeout=TIMEOUT)
    at.run()
    for _ in range(4):
        at.sidebar.text_input(key="sign_in_user").input(locked_app)
        at.sidebar.text_input(key="sign_in_password").input("guess guess guess")
        at.sidebar.button[0].click().run()
    assert any("wait" in e or "espere" in e for e in texts(at, "error")), texts(at, "error")


def test_browsing_needs_no_sign_in_by_default(app_env: str) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.title
