"""The coordinators' forms of the infrastructure page: edit a post's component, add one, extend the catalogue.

UI only: the rules, the optimistic locking and the audit are in geo.upgrades.records; every save goes through it
with the signed-in user, which it checks again on the server side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import streamlit as st

import ui
from geo import reference
from geo.i18n import fmt_number, t
from geo.models import COMPONENT_STATUSES
from geo.posts.queries import PostFilters, posts_frame
from geo.upgrades import records as up
from geo.upgrades import tables
from views.refusals import REFUSED, attempt
from views.tables import table as show_table


def amount_text(value: object, lang: str) -> str:
    """A stored amount as the form shows it: 88,900 or 88,900.50 (the region's style, geo.i18n)."""
    if value is None or value != value:
        return ""
    return fmt_number(value, lang, 0 if float(value).is_integer() else 2)


def edit_forms(engine, lang: str, as_of: dt.date, type_names: Mapping[str, str], catalogue: pd.DataFrame) -> None:
    """The edit tab: sign-in hint for viewers, the component form for editors, the catalogue for admins."""

    def field_label(name: str) -> str:
        return tables.field_label(name, lang)

    def submit(action) -> object:
        return attempt(action, lang, "infra.form", tables.problem_lines, tables.stale_table)

    st.subheader(t("infra.form.title", lang))
    actor = ui.current_actor()
    flash = st.session_state.pop("infra_flash", None)
    if flash:
        st.success(flash)
    if not actor.can("editor"):
        st.info(t("infra.form.sign_in", lang))
    else:
        everything = up.components_frame(engine, (), as_of, ())  # fresh, not cached: editors see the current record
        post_choices = posts_frame(engine, PostFilters(reference.CA4)).sort_values("name")  # the programme's posts
        post_names = dict(zip(post_choices["code"], post_choices["name"], strict=True))
        a, b = st.columns(2)
        post_code = a.selectbox(t("infra.form.post", lang), list(post_names), key="infra_edit_post",
                                format_func=lambda c: f"{post_names[c]} ({c})",
                                placeholder=t("widget.choose_one", lang))
        own = everything[everything["post_code"] == post_code]
        component_code = b.selectbox(t("infra.form.component", lang), own["component_code"].tolist(),
                                     key="infra_edit_component", format_func=lambda c: type_names.get(c, c),
                                     placeholder=t("widget.choose_one", lang))
        project_list = up.projects(engine)
        project_codes = dict(zip(project_list["id"], project_list["code"], strict=True))
        target = (post_code, component_code)
        if st.session_state.get("infra_loaded") != target:
            record = up.component_record(engine, post_code, component_code)
            st.session_state["infra_seen"] = record
            st.session_state["infra_loaded"] = target
            for name in up.EDIT_FIELDS:  # put the record into the form's widgets before they are drawn
                value = record.get(name) if record else None
                if name in ("budget_flag", "agency", "notes"):
                    value = value or ""
                if name in up.BUDGET_FIELDS:  # a figure as the region writes it, in a text field: 88,900.50
                    value = amount_text(value, lang)
                st.session_state[f"infra_e_{name}"] = value
        seen = st.session_state["infra_seen"]
        if component_code is None:
            st.info(t("infra.form.no_components", lang))
        elif seen is None:
            st.error(t("infra.form.gone", lang))
        else:
            st.caption(t("infra.form.version", lang, version=seen["version"], by=seen.get("updated_by") or "–",
                         at=tables.value_text(None, seen.get("updated_at"), lang)))
            allowed = [s for s in COMPONENT_STATUSES if s in up.TRANSITIONS.get(seen["status"], ())]
            st.caption(t("infra.form.transition_hint", lang, status=t(f"status.{seen['status']}", lang),
                         allowed=", ".join(t(f"status.{s}", lang) for s in allowed) or "–"))
            with st.form("infra_edit_form"):
                c1, c2, c3 = st.columns(3)
                c1.selectbox(field_label("status"), list(COMPONENT_STATUSES), key="infra_e_status",
                             format_func=lambda s: t(f"status.{s}", lang), placeholder=t("widget.choose_one", lang))
                c2.number_input(field_label("progress"), min_value=0, max_value=100, step=5, key="infra_e_progress")
                c3.selectbox(field_label("project_id"), [None, *project_codes], key="infra_e_project_id",
                             format_func=lambda p: "–" if p is None else project_codes[p],
                             placeholder=t("widget.choose_one", lang))
                c1, c2, c3 = st.columns(3)
                for column, name in zip((c1, c2, c3), up.BUDGET_FIELDS, strict=True):
                    # Text, not st.number_input (which cannot group thousands: '88900.00'): shown and typed as
                    # 88,900.50, read on save by the import's rule (geo.io.parsers.parse_typed).
                    column.text_input(field_label(name), key=f"infra_e_{name}", placeholder="88,900.00",
                                      help=t("infra.form.amount_help", lang))
                st.text_input(field_label("budget_flag"), key="infra_e_budget_flag")
                c1, c2, c3 = st.columns(3)
                for column, name in zip((c1, c2, c3), up.DATE_FIELDS, strict=True):
                    column.date_input(field_label(name), key=f"infra_e_{name}", format="DD/MM/YYYY")
                st.text_input(field_label("agency"), key="infra_e_agency")
                st.text_area(field_label("notes"), key="infra_e_notes", height=80)
                submitted = st.form_submit_button(t("infra.form.save", lang), type="primary")
            if st.button(t("infra.form.reload", lang), key="infra_reload"):
                st.session_state["infra_loaded"] = None
                st.rerun()
            if submitted:
                new = {name: st.session_state.get(f"infra_e_{name}") for name in up.EDIT_FIELDS}
                before = seen["version"]
                version = submit(lambda: up.update_component(engine, actor, post_code, component_code, seen, new))
                if version is not REFUSED:
                    if version == before:
                        st.info(t("infra.form.unchanged", lang))
                    else:
                        st.session_state["infra_loaded"] = None
                        st.session_state["infra_flash"] = t(
                            "infra.form.saved", lang, item=up.component_key(post_code, component_code), version=version)
                        st.rerun()

        missing = [c for c in type_names if c not in set(own["component_code"])]
        with st.expander(t("infra.add.title", lang, post=ui.plain(post_names[post_code]))):
            if not missing:
                st.caption(t("infra.add.none", lang))
            else:
                with st.form("infra_add_form"):
                    new_component = st.selectbox(field_label("component_code"), missing, key="infra_add_code",
                                                 format_func=lambda c: type_names.get(c, c),
                                                 placeholder=t("widget.choose_one", lang))
                    c1, c2 = st.columns(2)
                    planned = c1.text_input(field_label("budget_planned"), key="infra_add_planned", value="0",
                                            placeholder="88,900.00", help=t("infra.form.amount_help", lang))
                    target_date = c2.date_input(field_label("target_date"), value=None, format="DD/MM/YYYY",
                                                key="infra_add_target")
                    agency = st.text_input(field_label("agency"), key="infra_add_agency")
                    add_to_post = st.form_submit_button(t("infra.add.submit", lang))
                if add_to_post:
                    projects_here = own["project_id"].dropna()  # the project of the post's other components
                    added = submit(lambda: up.add_component(engine, actor, post_code, new_component, {
                        "budget_planned": planned, "target_date": target_date, "agency": agency,
                        "project_id": int(projects_here.iloc[0]) if len(projects_here) else None,
                    }))
                    if added is not REFUSED:
                        st.session_state["infra_flash"] = t("infra.add.added", lang, item=up.component_key(
                            post_code, new_component))
                        st.rerun()

    if actor.can("admin"):
        with st.expander(t("infra.admin.title", lang)):
            show_table(tables.catalogue_table(catalogue, lang), hide_index=True, width="stretch")
            with st.form("infra_type_form", clear_on_submit=False):
                c1, c2 = st.columns(2)
                new_code = c1.text_input(field_label("code"), key="infra_t_code", placeholder="cctv")
                category = c2.selectbox(field_label("category"), list(up.CATEGORIES), key="infra_t_category",
                                        format_func=lambda c: t(f"infra.category.{c}", lang),
                                        placeholder=t("widget.choose_one", lang))
                name_en = c1.text_input(field_label("name_en"), key="infra_t_name_en")
                name_es = c2.text_input(field_label("name_es"), key="infra_t_name_es")
                add = st.form_submit_button(t("infra.admin.add", lang))
            added = submit(lambda: up.add_component_type(engine, actor, new_code, name_en, name_es, category)) \
                if add else REFUSED
            if added is not REFUSED:
                st.session_state["infra_flash"] = t("infra.admin.added", lang, code=new_code.strip().lower())
                st.rerun()
