"""The coordinators' form of the workshops page: add a workshop or correct one.

UI only: validation, optimistic locking and the audit are in geo.workshops.records; every save goes through it
with the signed-in user, which it checks again on the server side.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo import periods, reference
from geo.i18n import fmt_number, t
from geo.models import AGENCIES, SEXES, WORKSHOP_SCOPES
from geo.workshops import queries as wq
from geo.workshops import records as ws
from geo.workshops import tables
from views.refusals import REFUSED, attempt


def workshop_forms(engine, lang: str) -> None:
    """Sign-in hint for viewers; for editors, the add and correct tabs."""
    st.subheader(t("ws.form.title", lang))
    actor = ui.current_actor()
    flash = st.session_state.pop("ws_flash", None)
    if flash:
        st.success(flash)
    if not actor.can("editor"):
        st.info(t("ws.form.sign_in", lang))
        return

    program_posts = wq.programme_posts(engine)
    post_names = dict(zip(program_posts["code"], program_posts["name"], strict=True))
    pairs = wq.neighbour_pairs()


    def pair_label(pair: tuple[str, str]) -> str:
        return tables.pair_name("-".join(pair), lang)


    def load_into_widgets(prefix: str, record: dict) -> None:
        """Put a record's values into the form's widgets (before they are drawn)."""
        state = st.session_state
        for name in ("title", "topic", "organisers"):
            state[f"{prefix}_{name}"] = record.get(name) or ""
        state[f"{prefix}_start"] = record.get("start_date")
        state[f"{prefix}_end"] = record.get("end_date")
        state[f"{prefix}_scope"] = record.get("scope") or "binational"
        pair = (record.get("pair_a"), record.get("pair_b"))
        state[f"{prefix}_pair"] = pair if pair in pairs else pairs[0]
        gid = record.get("venue_geonameid")
        state[f"{prefix}_venue_mode"] = "point" if record.get("venue_lon") is not None and not gid else "place"
        state[f"{prefix}_place_query"] = record.get("venue_name") or ""
        state[f"{prefix}_place_gid"] = int(gid) if gid else None
        state[f"{prefix}_venue_name"] = record.get("venue_name") or ""
        state[f"{prefix}_lon"] = float(record["venue_lon"]) if record.get("venue_lon") is not None else -88.0
        state[f"{prefix}_lat"] = float(record["venue_lat"]) if record.get("venue_lat") is not None else 14.0
        for key, value in (record.get("participants") or {}).items():
            state[f"{prefix}_n_{key}"] = fmt_number(int(value), lang)  # 1,200
        state[f"{prefix}_posts"] = [c for c in record.get("posts", []) if c in post_names]


    def workshop_fields(prefix: str) -> dict:
        """Draw the form's fields; return the record they describe."""
        a, b = st.columns(2)
        title = a.text_input(t("ws.col.title", lang), key=f"{prefix}_title")
        topic = b.text_input(t("ws.col.topic", lang), key=f"{prefix}_topic")
        a, b, c = st.columns(3)
        start_date = a.date_input(t("ws.col.start", lang), key=f"{prefix}_start", format="DD/MM/YYYY")
        end_date = b.date_input(t("ws.col.end", lang), key=f"{prefix}_end", format="DD/MM/YYYY")
        organisers = c.text_input(t("ws.col.organisers", lang), key=f"{prefix}_organisers")
        a, b = st.columns(2)
        scope = a.selectbox(t("ws.col.scope", lang), list(WORKSHOP_SCOPES), key=f"{prefix}_scope",
                            format_func=lambda v: t(f"ws.scope.{v}", lang), placeholder=t("widget.choose_one", lang))
        pair = b.selectbox(t("ws.form.pair", lang), pairs, key=f"{prefix}_pair", format_func=pair_label,
                           disabled=scope != "binational", placeholder=t("widget.choose_one", lang))
        mode = st.radio(t("ws.form.venue", lang), ["place", "point"], key=f"{prefix}_venue_mode", horizontal=True,
                        format_func=lambda m: t(f"ws.form.venue.{m}", lang))
        if mode == "place":
            a, b = st.columns(2)
            query = a.text_input(t("ws.form.place_search", lang), key=f"{prefix}_place_query",
                                 help=t("ws.form.place_help", lang))
            found = reference.find_places(query, limit=15) if query else reference.gazetteer().iloc[0:0]
            options = [int(g) for g in found["geonameid"]]
            labels = {int(r.geonameid): t("ws.form.place_label", lang, name=r.name, country=r.country_iso3,
                                          population=fmt_number(r.population, lang))
                      for r in found.itertuples()}
            if st.session_state.get(f"{prefix}_place_gid") not in options:  # a new search: take its best match
                st.session_state[f"{prefix}_place_gid"] = options[0] if options else None
            gid = b.selectbox(t("ws.form.place_pick", lang), options, key=f"{prefix}_place_gid",
                              format_func=lambda g: labels.get(g, str(g)), placeholder=t("ws.form.place_none", lang))
            venue = ws.venue_from_place(gid) if gid is not None else {
                "venue_name": None, "venue_geonameid": None, "venue_country_iso3": None, "venue_lon": None,
                "venue_lat": None}
        else:
            a, b, c = st.columns(3)
            name = a.text_input(t("ws.form.venue_name", lang), key=f"{prefix}_venue_name")
            lon = b.number_input(t("ws.form.lon", lang), min_value=-180.0, max_value=180.0, format="%.5f",
                                 key=f"{prefix}_lon")
            lat = c.number_input(t("ws.form.lat", lang), min_value=-90.0, max_value=90.0, format="%.5f",
                                 key=f"{prefix}_lat")
            venue = ws.venue_from_point(lon, lat, name)
        st.markdown(f"**{t('ws.form.participants', lang)}**")
        participants = {}
        # Every field carries its own label, agency and sex ('Migración · Mujeres'): on a phone Streamlit stacks
        # the columns, and a grid under one row of headings became twelve fields no one could tell apart.
        for agency in AGENCIES:
            row = st.columns(len(SEXES))
            for i, sex in enumerate(SEXES):
                # Text, read by the import's rule on save (geo.io.parsers.parse_typed): 1,200 as the region
                # writes it; Streamlit's number field has no thousands mark.
                participants[f"{agency}.{sex}"] = row[i].text_input(
                    f"{t(f'agency.{agency}', lang)} · {t(f'sex.{sex}', lang)}", placeholder="0",
                    key=f"{prefix}_n_{agency}.{sex}",
                )
        chosen_posts = st.multiselect(t("ws.form.posts", lang), list(post_names), key=f"{prefix}_posts",
                                      format_func=lambda c: f"{post_names[c]} ({c})",
                                      placeholder=t("widget.choose_many", lang))
        return {
            "title": title, "topic": topic, "start_date": start_date, "end_date": end_date, "organisers": organisers,
            "scope": scope, "pair_a": pair[0] if scope == "binational" else None,
            "pair_b": pair[1] if scope == "binational" else None, **venue,
            "participants": participants, "posts": chosen_posts,
        }


    def submit(action) -> object:
        return attempt(action, lang, "ws.form", tables.problem_lines, tables.stale_table)


    def saved(text: str) -> None:
        st.session_state["ws_flash"] = text
        st.rerun()


    add_tab, correct_tab = st.tabs([t("ws.form.add", lang), t("ws.form.correct", lang)])
    with add_tab:
        if "add_title" not in st.session_state:
            load_into_widgets("add", {"start_date": periods.today(), "end_date": periods.today()})
        code = st.text_input(t("ws.col.code", lang), key="add_code", placeholder="TB-2026-101")
        record = workshop_fields("add")
        clicked = st.button(t("ws.form.save_new", lang), key="add_save", type="primary")
        if clicked and submit(lambda: ws.create_workshop(engine, actor, {**record, "code": code})) is not REFUSED:
            st.session_state.pop("add_title", None)
            saved(t("ws.form.created", lang, code=code.strip().upper()))

    with correct_tab:
        codes = wq.workshops_frame(engine, dt.date(1900, 1, 1), dt.date(2999, 12, 31))["code"].tolist()
        if not codes:
            st.info(t("ws.form.no_workshops", lang))
        else:
            code = st.selectbox(t("ws.form.pick", lang), codes, key="edit_code",
                                placeholder=t("widget.choose_one", lang))
            if st.session_state.get("edit_loaded") != code:
                seen = ws.workshop_record(engine, code)
                st.session_state["edit_seen"] = seen
                st.session_state["edit_loaded"] = code
                load_into_widgets("edit", seen)
            seen = st.session_state["edit_seen"]
            st.caption(t("ws.form.version", lang, version=seen["version"]))
            record = workshop_fields("edit")
            save, reload = st.columns([1, 4])
            if reload.button(t("ws.form.reload", lang), key="edit_reload"):
                st.session_state["edit_loaded"] = None
                st.rerun()
            if save.button(t("ws.form.save", lang), key="edit_save", type="primary"):
                version = submit(lambda: ws.correct_workshop(engine, actor, code, seen, record))
                if version is not REFUSED:
                    st.session_state["edit_loaded"] = None
                    saved(t("ws.form.corrected", lang, code=code, version=version))
