"""Alerts: what is new for my subscriptions since my last visit, my subscriptions, and a form to subscribe
(an admin sees and manages everyone's). Signed-in people only; the rules are in geo/alerts/."""

from __future__ import annotations

import streamlit as st

import ui
from geo import reference
from geo.access.users import users_frame
from geo.i18n import t
from geo.map_text import name_with_country
from geo.posts.queries import posts_frame
from views import alerts as alerts_view

ui.guard()
lang = ui.lang()
engine = ui.engine()

st.title(t("alerts.title", lang))
st.caption(t("alerts.intro", lang))
if not ui.signed_in():
    st.info(t("alerts.signin", lang), icon=":material/lock:")
    st.stop()

alerts_view.new_alerts(lang)
alerts_view.subscriptions_list(lang)

st.subheader(t("alerts.form.title", lang))
posts = posts_frame(engine)
programme = posts[posts["country_iso3"].isin(reference.CA4)].sort_values("name")
pairs = sorted({"-".join(sorted((r.country_iso3, r.neighbour_iso3))) for r in programme.itertuples()
                if isinstance(r.neighbour_iso3, str)})
names = {**{r.code: name_with_country(r.name, reference.country_name(r.country_iso3, lang))
            for r in programme.itertuples()},
         **{c: reference.country_name(c, lang) for c in reference.CA4},
         **{p: " – ".join(reference.country_name(c, lang) for c in p.split("-")) for p in pairs}}
topics = {"highlights": [], "post": list(programme["code"]), "country": list(reference.CA4), "border": pairs}
actor = ui.current_actor()
usernames = list(users_frame(engine)["username"]) if actor.can("admin") else []
alerts_view.subscribe_form(lang, topics, names, actor.can("admin"), usernames)
st.caption(t("alerts.form.note", lang))
