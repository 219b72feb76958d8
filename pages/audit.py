"""Audit log page: who changed what and when (old → new), imports with their counts; filters in SQL."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo.i18n import has, t
from geo.io.quality import AuditFilters, audit_entries, audit_options

lang = ui.lang()
engine = ui.engine()
actor = ui.current_actor()

st.title(t("audit.title", lang))
if not actor.can("editor"):
    st.info(t("audit.editors_only", lang), icon=":material/lock:")
    st.stop()


def action_label(action: str) -> str:
    return t(f"audit.action.{action}", lang) if has(f"audit.action.{action}") else action


options = audit_options(engine)
everyone = t("filter.all", lang)
first, second, third = st.columns(3)
since = first.date_input(t("audit.since", lang), value=dt.date.today() - dt.timedelta(days=90), key="audit_since")
until = first.date_input(t("audit.until", lang), value=dt.date.today(), key="audit_until")
entity = second.selectbox(t("audit.entity", lang), [None, *options["entity"]], key="audit_entity",
                          format_func=lambda v: everyone if v is None else v)
username = second.selectbox(t("audit.user", lang), [None, *options["username"]], key="audit_user",
                            format_func=lambda v: everyone if v is None else v)
action = third.selectbox(t("audit.action", lang), [None, *options["action"]], key="audit_action",
                         format_func=lambda v: everyone if v is None else action_label(v))
key_contains = third.text_input(t("audit.search", lang), key="audit_key").strip() or None

entries = audit_entries(engine, AuditFilters(since, until, entity, username, action, key_contains))
st.caption(t("audit.count", lang, n=len(entries)))
if entries.empty:
    st.info(t("audit.none", lang))
else:
    table = {
        t("audit.h_at", lang): entries["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        t("audit.h_user", lang): entries["username"],
        t("audit.h_action", lang): entries["action"].map(action_label),
        t("audit.h_entity", lang): entries["entity"],
        t("audit.h_key", lang): entries["entity_key"],
        t("audit.h_field", lang): entries["field"],
        t("audit.h_old", lang): entries["old_value"],
        t("audit.h_new", lang): entries["new_value"],
        t("audit.h_details", lang): entries["details"],
    }
    st.dataframe(table, hide_index=True, width="stretch")
