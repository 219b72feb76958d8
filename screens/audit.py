"""Audit log page: who changed what and when (old → new), imports with their counts; filters in SQL."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo.access.audit_view import action_label, entity_label, load_names, readable_entries
from geo.i18n import fmt_count, t
from geo.periods import today
from geo.quality import AuditFilters, audit_entries, audit_options
from views.tables import table as show_table

ui.guard("editor")
lang = ui.lang()
engine = ui.engine()
actor = ui.current_actor()

st.title(t("audit.title", lang))


options = audit_options(engine)
everyone = t("filter.all", lang)
date_format = "DD/MM/YYYY"  # day first in both languages (the region writes 28/11/2026)
first, second, third = st.columns(3)
since = first.date_input(t("audit.since", lang), value=today() - dt.timedelta(days=90), key="audit_since",
                         format=date_format)
until = first.date_input(t("audit.until", lang), value=today(), key="audit_until", format=date_format)
entity = second.selectbox(t("audit.entity", lang), [None, *options["entity"]], key="audit_entity",
                          format_func=lambda v: everyone if v is None else entity_label(v, lang),
                          placeholder=t("widget.choose_one", lang))
username = second.selectbox(t("audit.user", lang), [None, *options["username"]], key="audit_user",
                            format_func=lambda v: everyone if v is None else v,
                            placeholder=t("widget.choose_one", lang))
action = third.selectbox(t("audit.action", lang), [None, *options["action"]], key="audit_action",
                         format_func=lambda v: everyone if v is None else action_label(v, lang),
                         placeholder=t("widget.choose_one", lang))
key_contains = third.text_input(t("audit.search", lang), key="audit_key").strip() or None

entries = audit_entries(engine, AuditFilters(since, until, entity, username, action, key_contains))
st.caption(fmt_count(len(entries), "audit.entries", lang))
if entries.empty:
    st.info(t("audit.none", lang))
else:
    # Names, translated fields and values, dates in the page's language (geo.access.audit_view).
    # Widths that fit the five columns in 1280 px (the record and the change take what is left).
    widths = {"at": 150, "user": 80, "action": 110, "record": 290, "change": 300}
    show_table(readable_entries(entries, load_names(engine), lang), hide_index=True, width="stretch",
                 column_config={t(f"audit.h_{name}", lang): st.column_config.TextColumn(width=px)
                                for name, px in widths.items()})
