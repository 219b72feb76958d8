"""Administration page (admins only): users, roles, disabling, passwords. Every change is audited."""

from __future__ import annotations

import streamlit as st

import ui
from geo import reference
from geo.access.auth import PermissionDenied, parse_countries
from geo.access.users import (
    MIN_PASSWORD,
    UserError,
    create_user,
    reset_failures,
    set_active,
    set_countries,
    set_password,
    set_role,
    users_frame,
)
from geo.i18n import fmt_datetime, fmt_yes_no, t
from geo.models import ROLES
from views.tables import table as show_table

ui.guard("admin")
lang = ui.lang()
engine = ui.engine()
actor = ui.current_actor()

st.title(t("admin.title", lang))


def attempt(action, *args) -> bool:
    """Run a user operation; show a refusal in plain words. The role is checked again in geo.access.users."""
    try:
        action(engine, actor, *args)
    except UserError as error:
        st.error(t(error.key, lang, **error.params))
        return False
    except PermissionDenied:
        st.error(t("users.err.denied", lang))
        return False
    return True


def role_label(role: str) -> str:
    return t(f"role.{role}", lang)


def countries_label(stored: object) -> str:
    """An editor's scope in words: 'Guatemala, El Salvador', or 'the whole region'."""
    codes = parse_countries(stored if isinstance(stored, str) else None)
    return ", ".join(reference.country_name(c, lang) for c in codes) if codes else t("admin.region", lang)


users = users_frame(engine)
if users.empty:
    st.info(t("admin.no_users", lang))
else:
    show_table({
        t("admin.h_user", lang): users["username"],
        t("admin.h_role", lang): users["role"].map(role_label),
        t("admin.h_countries", lang): [countries_label(c) for c in users["countries"]],
        t("admin.h_active", lang): [fmt_yes_no(v, lang) for v in users["active"]],
        t("admin.h_failed", lang): users["failed_attempts"],
        t("admin.h_created", lang): [fmt_datetime(v, lang) for v in users["created_at"]],  # 28/11/2026 14:05
    }, hide_index=True, width="stretch")

with st.form("add_user", clear_on_submit=True):
    st.subheader(t("admin.add", lang))
    name = st.text_input(t("admin.name", lang))
    role = st.selectbox(t("admin.role", lang), ROLES, format_func=role_label, placeholder=t("widget.choose_one", lang))
    scope = st.multiselect(t("admin.countries", lang), list(reference.CA4), help=t("admin.countries.help", lang),
                           format_func=lambda c: reference.country_name(c, lang), placeholder=t("admin.region", lang))
    password = st.text_input(t("admin.password", lang, n=MIN_PASSWORD), type="password")
    if st.form_submit_button(t("admin.create", lang)) and attempt(create_user, name, role, password, tuple(scope)):
        st.success(t("admin.created", lang, name=ui.plain(name.strip())))
        st.rerun()

if not users.empty:
    st.subheader(t("admin.change", lang))
    chosen = st.selectbox(t("admin.user", lang), users["username"].tolist(), key="admin_user",
                          placeholder=t("widget.choose_one", lang))
    row = users[users["username"] == chosen].iloc[0]
    left, right = st.columns(2)
    with left:
        new_role = st.selectbox(t("admin.role", lang), ROLES, index=ROLES.index(row["role"]),
                                format_func=role_label, key="admin_role", placeholder=t("widget.choose_one", lang))
        if st.button(t("admin.set_role", lang), key="admin_set_role") and attempt(set_role, chosen, new_role):
            st.rerun()
        active = bool(row["active"])
        label = t("admin.disable", lang) if active else t("admin.enable", lang)
        if st.button(label, key="admin_toggle") and attempt(set_active, chosen, not active):
            st.rerun()
        if st.button(t("admin.unlock", lang), key="admin_unlock") and attempt(reset_failures, chosen):
            st.rerun()
        new_scope = st.multiselect(t("admin.countries", lang), list(reference.CA4), key="admin_countries",
                                   default=list(parse_countries(row["countries"] if isinstance(row["countries"], str)
                                                                else None)),
                                   format_func=lambda c: reference.country_name(c, lang),
                                   placeholder=t("admin.region", lang), help=t("admin.countries.help", lang))
        if st.button(t("admin.set_countries", lang), key="admin_set_countries") \
                and attempt(set_countries, chosen, tuple(new_scope)):
            st.rerun()
    with right:
        new_password = st.text_input(t("admin.new_password", lang), type="password", key="admin_password")
        if st.button(t("admin.set_password", lang), key="admin_set_password") \
                and attempt(set_password, chosen, new_password):
            st.success(t("admin.saved", lang))
