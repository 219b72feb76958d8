"""Streamlit glue shared by app.py and the pages: language, engine, URL state, notices.

Only UI concerns live here; every rule and query is in geo/.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine

from geo.config import settings
from geo.db import data_version, ensure_database, get_engine
from geo.i18n import LANGUAGES, normalise_lang, t


@st.cache_resource(show_spinner=False)
def _ready_engine(url: str) -> Engine:
    engine = get_engine(url)
    ensure_database(engine)  # first start: create, migrate and fill the embedded database
    return engine


def engine() -> Engine:
    return _ready_engine(settings().database_url)


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
    """The UI language: ?lang= in the URL, else the configured default."""
    return normalise_lang(st.query_params.get("lang", settings().default_lang))


def set_lang(value: str) -> None:
    st.query_params["lang"] = value if value in LANGUAGES else "es"


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


def current_actor():
    """The signed-in Actor, or geo.access.auth.ANONYMOUS (a viewer)."""
    from geo.access.auth import ANONYMOUS, Actor

    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def signed_in() -> bool:
    from geo.access.auth import ANONYMOUS

    return current_actor() != ANONYMOUS


def sign_in_box() -> None:
    """Sign-in form (or who is signed in, with a sign-out button). Call inside `with st.sidebar:`."""
    from geo.access.users import sign_in

    language = lang()
    if signed_in():
        actor = current_actor()
        st.caption(t("signin.as", language, user=actor.username, role=t(f"role.{actor.role}", language)))
        if st.button(t("signin.out", language), key="sign_out"):
            del st.session_state[ACTOR_KEY]
            st.rerun()
        return
    with st.expander(t("signin.title", language), expanded=settings().require_login), \
            st.form("sign_in", clear_on_submit=True, border=False):
        name = st.text_input(t("signin.user", language), key="sign_in_user")
        password = st.text_input(t("signin.password", language), type="password", key="sign_in_password")
        if st.form_submit_button(t("signin.submit", language)):
            result = sign_in(engine(), name, password)
            if result.actor is not None:
                st.session_state[ACTOR_KEY] = result.actor
                st.rerun()
            elif result.wait_s:
                st.error(t("signin.wait", language, seconds=result.wait_s))
            else:
                st.error(t("signin.failed", language))


def sign_in_required() -> bool:
    """True while the app must show nothing but the sign-in form (CA4_REQUIRE_LOGIN=1, nobody signed in)."""
    return settings().require_login and not signed_in()


def guard(role: str | None = None) -> None:
    """Every page's first call: stop here unless this visitor may see the page (fail closed).

    A page checks for itself, however it is reached: through app.py's navigation, or run alone (a fresh
    server's first request on a deep link runs pages/<name>.py without app.py, because of the pages/
    folder). With CA4_REQUIRE_LOGIN=1 nobody signed out sees any page; `role` ("editor", "admin") is what
    the page needs beyond that. geo/ checks the role again on every write.
    """
    language = lang()
    if sign_in_required():
        st.info(t("signin.required", language), icon=":material/lock:")
        sign_in_box()
        st.stop()
    if role is not None and not current_actor().can(role):
        st.warning(t(f"guard.{role}_only", language), icon=":material/lock:")
        if not signed_in():
            sign_in_box()
        st.stop()


# ---- overview/presentation
def query_month(name: str, months: list, fallback):
    """A month from the URL (?from=2025-11), if it is one of `months`; else `fallback`."""
    import datetime as dt

    raw = st.query_params.get(name, "")
    try:
        value = dt.date(int(raw[:4]), int(raw[5:7]), 1)
    except (ValueError, IndexError):
        return fallback
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
    st.query_params["from"] = first.strftime("%Y-%m")
    st.query_params["to"] = last.strftime("%Y-%m")
    return first, last


def status_legend(language: str) -> None:
    """The infrastructure-status legend of the post maps (its text comes from the i18n module only)."""
    from geo.maps import legend_items

    colour_legend(t("map.legend.status", language), legend_items(language))
    st.caption(t("map.legend.shape", language))


def present_mode() -> bool:
    """True when the URL asks for presentation mode (?present=1)."""
    return st.query_params.get("present", "") in ("1", "true", "yes")


def colour_legend(title: str, items: list[tuple[str, str]]) -> None:
    """A row of colour swatches. Labels and colours come from i18n and constants, never from data."""
    legend = " ".join(
        f"<span style='display:inline-block;margin-right:12px'>"
        f"<span style='display:inline-block;width:12px;height:12px;background:{colour};border:1px solid #777;"
        f"margin-right:4px;vertical-align:middle'></span>{label}</span>"
        for label, colour in items
    )
    st.markdown(f"**{title}**<br/>{legend}" if title else legend, unsafe_allow_html=True)


def wrapping_metric(label: str, value: str, **kwargs) -> None:
    """st.metric whose label wraps on a narrow screen instead of being cut (labels come from i18n)."""
    st.markdown(f"**{label}**")
    st.metric(label, value, label_visibility="collapsed", **kwargs)
