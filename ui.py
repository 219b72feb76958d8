"""Streamlit glue shared by app.py and the pages: language, engine, URL state, notices.

Only UI concerns live here; every rule and query is in geo/.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from geo.config import settings
from geo.db import ensure_database, get_engine
from geo.i18n import LANGUAGES, normalise_lang, t


@st.cache_resource(show_spinner=False)
def _ready_engine(url: str) -> Engine:
    engine = get_engine(url)
    ensure_database(engine)  # first start: create, migrate and fill the embedded database
    return engine


def engine() -> Engine:
    return _ready_engine(settings().database_url)


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
