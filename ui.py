"""Streamlit glue shared by app.py and the pages: language, engine, URL state, notices.

Only UI concerns live here; every rule and query is in geo/.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine

from geo.config import SettingsError, settings
from geo.db import data_version, ensure_database, get_engine
from geo.i18n import language_name, languages, normalise_lang, t
from views.framework import framework_words


@st.cache_resource(show_spinner=False)
def _ready_engine(url: str) -> Engine:
    engine = get_engine(url)
    ensure_database(engine)  # first start: create, migrate and fill the embedded database
    return engine


def engine() -> Engine:
    return _ready_engine(settings().database_url)


DATABASE_RETRY_SECONDS = 5


def database_or_stop(language: str, *, declare_navigation: bool = True) -> Engine:
    """THE database check of every run (app.py's, and a page's run alone): the ready engine, or the one
    message of geo.db_status (where the database is, what failed; never the password or a traceback) and
    stop. The first start migrates and fills the database under a spinner; an engine failing later (the
    server stopped) is found by one `SELECT 1` a run. Nothing failed is cached, and the message page asks
    the database again every DATABASE_RETRY_SECONDS, so the app opens by itself once it answers.

    `declare_navigation`: app.py declares the navigation (hidden) before stopping, so the page the URL
    names is still the one shown once the database is back."""
    from geo.db_status import check

    url = settings().database_url
    try:
        with st.spinner(t("app.first_start", language)):
            ready = _ready_engine(url)
        check(ready)
        return ready
    except Exception as error:
        if not is_database_error(error):
            raise
        if declare_navigation:
            navigation(language, menu=False)
        show_database_problem(error, language)
        st.stop()
        raise  # st.stop() does not return


def is_database_error(error: BaseException) -> bool:
    """An error that means the database is unusable (geo.db_status), also a migration that cannot run."""
    from alembic.util.exc import CommandError

    from geo.db_status import is_database_error as database_error

    return isinstance(error, CommandError) or database_error(error)


def show_database_problem(error: BaseException, language: str) -> None:
    """The one message for a database that cannot be used, and the retry that reopens the app."""
    from geo.db_status import classify

    st.error(plain(classify(error, settings().database_url).message(language)), icon=":material/database:")
    st.caption(t("db.err.retry", language, seconds=DATABASE_RETRY_SECONDS))
    st.session_state[_RETRY_SHOWN_AT] = time.monotonic()
    _retry_database(settings().database_url)


def run_page(page: Any, language: str) -> None:
    """Run the page st.navigation chose; a database that goes away (or loses its schema) while it runs
    ends it with the one message, not a traceback."""
    try:
        page.run()
    except Exception as error:
        if not is_database_error(error):
            raise
        show_database_problem(error, language)


_RETRY_SHOWN_AT = "_database_problem_shown_at"


@st.fragment(run_every=DATABASE_RETRY_SECONDS)
def _retry_database(url: str) -> None:
    """Every few seconds, what the app's run does (the ready engine: migrated, filled, answering); once it
    works, the whole app again. Not in the run that has just failed (a fragment also runs when called)."""
    from geo.db_status import check

    if time.monotonic() - st.session_state.get(_RETRY_SHOWN_AT, 0.0) < 1:
        return
    try:
        check(_ready_engine(url))
    except Exception:
        return
    st.rerun(scope="app")


# ---------------------------------------------------------------- cached reads (one cache rule)
Loader = TypeVar("Loader", bound=Callable[..., Any])
_LOADERS: dict[str, Callable[..., Any]] = {}


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(name: str, database: str, version: str, args: tuple, kwargs: tuple) -> Any:
    return _LOADERS[name](*args, **dict(kwargs))


def cached(func: Loader) -> Loader:
    """A page's loader, cached on its arguments, the database and the data version.

    Every write (form, import, seeding) bumps the data version (geo.db.data_version) in its own transaction,
    so an edit shows on every page at its next rerun: no time-based expiry, no clearing by hand.
    Loaders are told apart by their file and name (pages all run as __main__).
    """
    name = f"{func.__code__.co_filename}:{func.__qualname__}"
    _LOADERS[name] = func

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        db = engine()
        return _cached_call(name, str(db.url), data_version(db), args, tuple(sorted(kwargs.items())))

    return wrapper  # type: ignore[return-value]


def lang() -> str:
    """The UI language: ?lang= in the URL, else the configured default (es if the setting is unusable:
    check_settings() then says so)."""
    try:
        default = settings().default_lang
    except SettingsError:
        default = "es"
    return normalise_lang(st.query_params.get("lang", default))


def check_settings() -> None:
    """Stop with the plain message naming the variable and the accepted values when a setting is unusable."""
    try:
        settings()
    except SettingsError as error:
        st.error(error.message(lang()), icon=":material/settings:")
        st.stop()


# ---------------------------------------------------------------- URL parameters and text from data
def query_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer URL parameter, parsed defensively: only ASCII digits with an optional sign (str.isdigit()
    also accepts "²", which int() refuses), clamped to [minimum, maximum]; anything else gives `default`."""
    raw = str(st.query_params.get(name, "")).strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,12}", raw):
        return default
    value = int(raw)
    if minimum is not None:
        value = max(minimum, value)
    if maximum is not None:
        value = min(maximum, value)
    return value


def query_choice(name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
    """A URL parameter that must be one of `allowed` (exactly); anything else gives `default`."""
    raw = st.query_params.get(name)
    return raw if isinstance(raw, str) and raw in allowed else default


# Characters that make Markdown anywhere in a line: emphasis, code, links and images ([ and ! ), HTML and
# entities (< >, &), LaTeX ($), strikethrough (~), tables (|), headings (#), Streamlit's :icon: and
# :colour[...] directives. Plain punctuation elsewhere (. - ( ) ,) stays as it is: readable in tests too.
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]<>#~$|!&@]|:(?=[\w/])|(?<=[Ww]{3})\.)")  # @, www.: autolinks
# ... and what makes a block only at the start of a line: lists (- + 1.), quotes, setext underlines (= -).
_MARKDOWN_LINE_START = re.compile(r"^([-+=>]|\d+(?=[.)](\s|$)))")


# Streamlit's Markdown (remark-gfm) turns http://..., www.... and name@host in *text* into links after
# parsing, so a backslash cannot stop it: an invisible word joiner (U+2060) after "http"/"www" and "@" can.
_AUTOLINK = re.compile(r"(?i)(https?(?=\\?:)|www(?=\\?\.)|\\?@)")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """`text` escaped so that st.markdown, captions, headings, st.table cells, widget labels and help show
    it as typed: no link, image, HTML, heading, list or emphasis can come from data (names, notes, titles)."""
    value = "" if text is None else str(text)
    lines = []
    for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip(" \t")
        indent = "\u00a0" * (len(line) - len(stripped))  # leading spaces would make a code block
        escaped = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, _MARKDOWN_INLINE.sub(r"\\\1", stripped))
        lines.append(indent + _MARKDOWN_LINE_START.sub(lambda m: m.group(0) + "\\" if m.group(0)[0].isdigit()
                                                         else "\\" + m.group(0), escaped))
    return "  \n".join(lines)


def plain_table(frame: Any) -> Any:
    """A frame for st.table, which renders every cell and header as Markdown: each made plain (see plain)."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    shown = frame.copy()
    shown.columns = [plain(c) if isinstance(c, str) else c for c in shown.columns]
    if is_object_dtype(shown.index) or is_string_dtype(shown.index):
        shown.index = [plain(i) if isinstance(i, str) else i for i in shown.index]
    for position in range(shown.shape[1]):
        column = shown.iloc[:, position]
        if is_object_dtype(column) or is_string_dtype(column):
            shown.iloc[:, position] = column.map(lambda v: plain(v) if isinstance(v, str) else v)
    return shown


def set_lang(value: str) -> None:
    st.query_params["lang"] = normalise_lang(value)


def query_list(name: str, allowed: tuple[str, ...] | list[str]) -> list[str]:
    """A comma-separated URL parameter, keeping only allowed values (a shared link may be stale)."""
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v in allowed]


def set_query_list(name: str, values: list[str]) -> None:
    if values:
        st.query_params[name] = ",".join(values)
    elif name in st.query_params:
        del st.query_params[name]


def set_query_value(name: str, value: str | None) -> None:
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def sample_notice(seed: int | None) -> None:
    """The visible notice wherever sample figures are shown."""
    if seed is not None:
        st.warning(t("app.sample_notice", lang(), seed=seed), icon=":material/science:")


# ---------------------------------------------------------------- sign-in (roles are checked again in geo/)
ACTOR_KEY = "actor"


TOKEN_KEY = "sign_in_token"  # this browser's sign-in token (geo.access.sessions), while signed in
COOKIE_CHECKED_KEY = "sign_in_cookie_checked"
COOKIE_CLEAR_KEY = "sign_in_cookie_clear"


def _restore_sign_in() -> None:
    """Once per browser session: sign in from the cookie a reload brings, if its token still holds (signed
    by this server, not expired, not signed out, its user active). Cookies arrive with the session's first
    request only, so a cookie written later takes effect at the next reload, which is when it is needed."""
    from geo.access import sessions

    if st.session_state.get(COOKIE_CHECKED_KEY) or ACTOR_KEY in st.session_state:
        return
    st.session_state[COOKIE_CHECKED_KEY] = True
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    actor = sessions.verify(engine(), token) if token else None
    if actor is not None:
        st.session_state[ACTOR_KEY] = actor
        st.session_state[TOKEN_KEY] = token


def current_actor():
    """The signed-in Actor, or geo.access.auth.ANONYMOUS (a viewer)."""
    from geo.access.auth import ANONYMOUS, Actor

    _restore_sign_in()
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def signed_in() -> bool:
    from geo.access.auth import ANONYMOUS

    return current_actor() != ANONYMOUS


def _sync_cookie(token: str | None) -> None:
    """Keep the browser's sign-in cookie in step: the token while signed in, deleted after a sign-out.
    (Written by script, so it cannot be HttpOnly; see browser_bridge. The server refuses it once revoked.)"""
    from streamlit.errors import StreamlitDuplicateElementKey

    import browser_bridge
    from geo.access import sessions

    try:
        if token:
            browser_bridge.write_cookie(sessions.COOKIE_NAME, token, sessions.seconds_left(token), key="sign_in_cookie")
        elif st.session_state.get(COOKIE_CLEAR_KEY):
            browser_bridge.write_cookie(sessions.COOKIE_NAME, "", 0, key="sign_in_cookie")
    except StreamlitDuplicateElementKey:  # the box drawn twice in one run: the cookie is written already
        pass


def sign_in_box(place: str = "sidebar") -> None:
    """Sign-in form (or who is signed in, with a sign-out button). Call inside `with st.sidebar:`.

    A sign-in lasts across reloads for geo.access.sessions.TOKEN_TTL (12 h) through a signed cookie;
    signing out revokes the token on the server and deletes the cookie."""
    from geo.access import sessions
    from geo.access.users import sign_in

    language = lang()
    if signed_in():
        actor = current_actor()
        _sync_cookie(st.session_state.get(TOKEN_KEY))
        st.caption(t("signin.as", language, user=plain(actor.username), role=t(f"role.{actor.role}", language)))
        st.caption(t("signin.kept", language, hours=int(sessions.TOKEN_TTL.total_seconds() // 3600)))
        out_key = "sign_out" if place == "sidebar" else f"sign_out_{place}"
        if st.button(t("signin.out", language), key=out_key, icon=":material/logout:"):
            sessions.revoke(engine(), st.session_state.pop(TOKEN_KEY, None))
            del st.session_state[ACTOR_KEY]
            st.session_state[COOKIE_CLEAR_KEY] = True
            st.rerun()
        return
    _sync_cookie(None)
    with st.expander(t("signin.title", language), expanded=settings().require_login), \
            st.form(f"sign_in_{place}", clear_on_submit=True, border=False):
        # Keys per place: a page's guard may draw the form again beside app.py's sidebar one.
        suffix = "" if place == "sidebar" else f"_{place}"
        name = st.text_input(t("signin.user", language), key=f"sign_in_user{suffix}")
        password = st.text_input(t("signin.password", language), type="password", key=f"sign_in_password{suffix}")
        if st.form_submit_button(t("signin.submit", language)):
            result = sign_in(engine(), name, password)
            if result.actor is not None:
                st.session_state[ACTOR_KEY] = result.actor
                st.session_state[TOKEN_KEY] = sessions.issue(engine(), result.actor.username)
                st.session_state.pop(COOKIE_CLEAR_KEY, None)
                st.rerun()
            elif result.wait_s:
                st.error(t("signin.wait", language, seconds=result.wait_s))
            else:
                st.error(t("signin.failed", language))


def sign_in_required() -> bool:
    """True while the app must show nothing but the sign-in form (CA4_REQUIRE_LOGIN=1, nobody signed in)."""
    return settings().require_login and not signed_in()


THROUGH_APP = "_through_app"

# (file, title key, icon, url path). The first page present is the home page.
PAGES = (
    ("screens/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("screens/map.py", "nav.map", ":material/map:", "map"),
    ("screens/flows.py", "nav.flows", ":material/swap_horiz:", "flows"),
    ("screens/infrastructure.py", "nav.infrastructure", ":material/construction:", "infrastructure"),
    ("screens/workshops.py", "nav.workshops", ":material/school:", "workshops"),
    ("screens/projects.py", "nav.projects", ":material/folder_open:", "projects"),
    ("screens/alerts.py", "nav.alerts", ":material/notifications:", "alerts"),
    ("screens/data.py", "nav.data", ":material/upload_file:", "data"),
    ("screens/audit.py", "nav.audit", ":material/history:", "audit"),
    ("screens/admin.py", "nav.admin", ":material/admin_panel_settings:", "admin"),
)
PRESENT_PAGE = ("screens/present.py", "ov.present", ":material/slideshow:", "present")


def page_config() -> None:
    """The browser tab's title and icon, and the wide layout: app.py's first call, and a page run alone's.
    The icon is a local file: a ":material/...:" icon (a page's, without this) makes the browser fetch the
    favicon from a font CDN."""
    root = Path(__file__).resolve().parent
    language = lang()
    st.set_page_config(page_title=t("app.title", language), page_icon=str(root / "assets" / "icon.png"),
                       layout="wide")
    framework_words(language)


def navigation(language: str, *, menu: bool = True):
    """THE app's navigation: app.py declares it and runs the page it returns.

    Every request goes through it, a fresh server's first one too: the page scripts live in screens/, not
    pages/. (A pages/ folder beside app.py makes Streamlit serve a new server's first runs in its old
    folder mode: a first request for /map ran pages/map.py alone and the menu listed raw file names for every
    visitor until someone opened /. tests/test_first_request_browser.py keeps a pages/ folder out.)

    Presentation mode (?present=1, and signed in when sign-in is required): the slides alone, with no sidebar,
    menus or navigation. With CA4_REQUIRE_LOGIN=1 and nobody signed in: the navigation is hidden.

    The slides' page is in every navigation, out of the menu, at /present: a link to it always resolves
    (a default page answers only at "/", so /present?present=1 once got a "Page not found" dialog over the
    first slide). In presentation mode they are also the default page, for the canonical /?present=1.

    `menu=False` (the database cannot be used): every page declared, none listed, nothing asked of the
    database (sign-in needs it), so the URL's page survives until the database is back.
    """
    root = Path(__file__).resolve().parent
    path, key, icon, url = PRESENT_PAGE
    # Absolute paths: a relative one would be read from the running script's folder.
    slides = st.Page(root / path, title=t(key, language), icon=icon, url_path=url, visibility="hidden")
    if menu and present_mode() and not sign_in_required():
        home = st.Page(root / path, title=t(key, language), icon=icon, url_path=f"{url}-home", default=True)
        return st.navigation([home, slides], position="hidden")
    listed = [p for p in PAGES if (root / p[0]).exists()]
    pages = [st.Page(root / path, title=t(key, language), icon=icon, url_path=url, default=(i == 0))
             for i, (path, key, icon, url) in enumerate(listed)]
    pages.append(slides)
    return st.navigation(pages, position="hidden" if not menu or sign_in_required() else "sidebar")


def shell_sidebar(language: str) -> None:
    """The sidebar every screen has: the title, the language switch and the sign-in box."""
    with st.sidebar:
        st.markdown(f"### {t('app.title', language)}")
        choice = st.segmented_control(t("app.language", language), options=list(languages()),
                                      format_func=language_name, default=language, key="lang_switch")
        if choice and choice != language:
            set_lang(choice)
            st.rerun()
        sign_in_box()


def guard(role: str | None = None) -> None:
    """Every page's first call: stop here unless this visitor may see the page (fail closed).

    A page checks for itself, however it is reached: through app.py's navigation, or run alone (a test under
    AppTest, or any future way of reaching a script; the page then draws app.py's sidebar itself). With
    CA4_REQUIRE_LOGIN=1 nobody signed out sees
    any page; `role` ("editor", "admin") is what the page needs beyond that. geo/ checks the role again on
    every write.
    """
    language = lang()
    check_settings()  # an unusable setting: its message, before anything reads the settings
    if not st.session_state.pop(THROUGH_APP, False):
        page_config()
        database_or_stop(language, declare_navigation=False)
        shell_sidebar(language)
    if sign_in_required():
        st.info(t("signin.required", language), icon=":material/lock:")
        st.stop()
    if role is not None and not current_actor().can(role):
        st.warning(t(f"guard.{role}_only", language), icon=":material/lock:")
        st.stop()


# ---- months in links (overview, presentation, flows)
def query_month(name: str, months: list, fallback):
    """A month from the URL (?from=2025-11), if it is one of `months`; else `fallback` (a shared link may be
    stale or edited). The month is read by THE parser, geo.periods.parse_month."""
    from geo.periods import parse_month

    value = parse_month(st.query_params.get(name, ""))
    return value if value in months else fallback


def month_range(label: str, months: list, default: tuple, language: str, key: str) -> tuple:
    """A from–to month slider kept in the URL (?from=2025-11&to=2026-10); stale values fall back."""
    from geo.i18n import fmt_month

    first, last = query_month("from", months, default[0]), query_month("to", months, default[1])
    if first > last:
        first, last = default
    if len(months) < 2:
        return months[0], months[-1]
    first, last = st.select_slider(label, options=months, value=(first, last),
                                   format_func=lambda m: fmt_month(m, language), key=key)
    from geo.periods import month_param

    st.query_params["from"] = month_param(first)
    st.query_params["to"] = month_param(last)
    return first, last


def present_mode() -> bool:
    """True when the URL asks for presentation mode (?present=1)."""
    return st.query_params.get("present", "") in ("1", "true", "yes")
