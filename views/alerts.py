"""Alerts in the app: the alerts of a person's subscriptions since their last visit, and the subscribe forms
(a post's profile, the highlights, the alerts page). UI only: geo.alerts holds the rules and the writes.
Text from data (names, addresses) goes through ui.plain or the highlights' md_escape."""

from __future__ import annotations

import streamlit as st

import ui
from geo.access.auth import PermissionDenied
from geo.alerts import subscriptions as subs
from geo.alerts.mail import alert_sentence, topic_label
from geo.i18n import fmt_datetime, language_name, languages, t
from geo.overview.highlight_text import md_escape

SINCE_KEY = "alerts_since"  # {username: the previous visit}, read once per browser session


def _since(username: str):
    """The person's previous visit (None for a first one), recorded once per browser session: the list
    stays the same for the whole session, and the next session starts from now."""
    seen = st.session_state.setdefault(SINCE_KEY, {})
    if username not in seen:
        seen[username] = subs.visit(ui.engine(), username)
    return seen[username]


def new_alerts(lang: str, compact: bool = False) -> None:
    """The signed-in person's alerts since their last visit: a short list with links (nothing when signed out;
    on the overview (`compact`) only when there is something new)."""
    if not ui.signed_in():
        return
    username = ui.current_actor().username
    since = _since(username)
    frame = subs.alerts_of(ui.engine(), username, since=since, limit=10)
    if compact and frame.empty:
        return
    with st.container(border=True, key="new_alerts" if compact else "new_alerts_page"):
        st.markdown(f"**{t('alerts.new.title', lang)}**")
        if since is not None:
            st.caption(t("alerts.new.since", lang, when=fmt_datetime(since, lang)))
        if frame.empty:
            st.caption(t("alerts.new.none", lang))
            return
        see = t("hl.see", lang)
        for row in frame.itertuples():
            sentence, link = alert_sentence(row.payload, lang)
            state = t(f"alerts.status.{row.status}", lang)
            st.markdown(f"- {md_escape(sentence)} [{see}]({link}) · *{state}*")


def subscribe_box(lang: str, topic: str, target: str | None, key: str) -> None:
    """An expander with a short form subscribing the signed-in person to `topic` (and `target`) by e-mail;
    for people signed out, a line saying to sign in."""
    title = t(f"alerts.subscribe.{topic}", lang)
    if not ui.signed_in():
        st.caption(t("alerts.subscribe.signed_out", lang, what=title))
        return
    actor = ui.current_actor()
    with st.expander(title, icon=":material/notifications:"):
        with st.form(f"alerts_subscribe_{key}", border=False):
            email = st.text_input(t("alerts.form.email", lang), value=subs.last_email(ui.engine(), actor.username),
                                  key=f"alerts_email_{key}")
            language = st.selectbox(t("alerts.form.lang", lang), list(languages()), format_func=language_name,
                                    index=list(languages()).index(lang) if lang in languages() else 0,
                                    key=f"alerts_lang_{key}", placeholder=t("widget.choose_one", lang))
            submitted = st.form_submit_button(t("alerts.form.submit", lang), icon=":material/notifications_active:")
        result_key = f"alerts_result_{key}_{target}"
        if submitted:
            _subscribe(lang, email, topic, target, language, result_key=result_key)
        _show_result(result_key)


def _subscribe(lang: str, email: str, topic: str, target: str | None, language: str, *, result_key: str,
               **extra) -> None:
    """Subscribe, and keep the outcome in the session (a later rerun, such as the map reporting its width,
    must not wipe the confirmation before it is read)."""
    try:
        sub, created = subs.subscribe(ui.engine(), ui.current_actor(), email, topic, target, lang=language, **extra)
    except subs.SubscriptionError as error:
        st.session_state[result_key] = ("error", t(error.key, lang, **error.params))
    except PermissionDenied:
        st.session_state[result_key] = ("error", t("alerts.err.signed_out", lang))
    else:
        st.session_state[result_key] = ("success", t("alerts.form.done" if created else "alerts.form.exists", lang,
                                                     what=topic_label(sub, lang), email=sub.email, id=sub.id))


def _show_result(result_key: str) -> None:
    kind, text = st.session_state.get(result_key) or (None, "")
    if kind == "success":
        st.success(ui.plain(text), icon=":material/mark_email_read:")
    elif kind == "error":
        st.error(ui.plain(text))


def subscribe_form(lang: str, topics: dict[str, list[str]], target_names: dict[str, str], is_admin: bool,
                   usernames: list[str]) -> None:
    """The alerts page's full form: what to follow (and, on a post, an optional threshold rule), the address,
    the language; an admin may subscribe another account."""
    topic = st.segmented_control(t("alerts.form.what", lang), list(topics), default="highlights",
                                 format_func=lambda v: t(f"alerts.topic.{v}.short", lang), key="alerts_topic")
    topic = topic or "highlights"
    actor = ui.current_actor()
    with st.form("alerts_subscribe_page", border=True):
        target = None
        if topics[topic]:
            target = st.selectbox(t(f"alerts.form.target.{topic}", lang), topics[topic],
                                  format_func=lambda v: ui.plain(target_names.get(v, v)), key=f"alerts_target_{topic}",
                                  placeholder=t("widget.choose_one", lang))
        rule, threshold = None, None
        if topic == "post":
            rule = st.selectbox(t("alerts.form.rule", lang), [None, "week_above", "week_below", "seasonal_change"],
                                format_func=lambda v: t(f"alerts.form.rule.{v or 'none'}", lang), key="alerts_rule",
                                placeholder=t("widget.choose_one", lang))
            # Text, not st.number_input (no thousands mark there: '12000.00'): 12,000 as the region writes it,
            # read by the import's rule (geo.alerts.subscriptions._check_rule, geo.io.parsers.parse_typed).
            threshold = st.text_input(t("alerts.form.threshold", lang), placeholder="12,000",
                                      help=t("alerts.form.threshold.help", lang), key="alerts_threshold") or None
        email = st.text_input(t("alerts.form.email", lang), value=subs.last_email(ui.engine(), actor.username),
                              key="alerts_email_page")
        language = st.selectbox(t("alerts.form.lang", lang), list(languages()), format_func=language_name,
                                index=list(languages()).index(lang) if lang in languages() else 0,
                                key="alerts_lang_page", placeholder=t("widget.choose_one", lang))
        user = None
        if is_admin:
            user = st.selectbox(t("alerts.form.user", lang), [None, *usernames],
                                format_func=lambda v: t("alerts.form.user.none", lang) if v is None else ui.plain(v),
                                key="alerts_user", placeholder=t("widget.choose_one", lang))
        submitted = st.form_submit_button(t("alerts.form.submit", lang), icon=":material/notifications_active:")
    if submitted:
        extra = {"user": user} if user else {}
        if rule:
            extra.update(rule=rule, threshold=threshold)
        _subscribe(lang, email, topic, target, language, result_key="alerts_result_page", **extra)
        if st.session_state["alerts_result_page"][0] == "success":
            st.rerun()  # the list of subscriptions above the form shows the new one (the message is kept)
    _show_result("alerts_result_page")


def subscriptions_list(lang: str) -> None:
    """The person's subscriptions (an admin's: everyone's), each with a button that ends it."""
    actor = ui.current_actor()
    found = subs.subscriptions(ui.engine(), actor)
    st.subheader(t("alerts.mine.title" if not actor.can("admin") else "alerts.all.title", lang))
    if not found:
        st.caption(t("alerts.mine.none", lang))
        return
    for sub in found:
        text_column, button_column = st.columns([5, 1], vertical_alignment="center")
        owner = f" · {sub.username}" if sub.username and sub.username != actor.username else ""
        text_column.markdown(ui.plain(f"#{sub.id} · {topic_label(sub, lang)} → {sub.email}{owner} · "
                                      f"{language_name(sub.lang)}"))
        if button_column.button(t("alerts.unsubscribe", lang), key=f"alerts_unsubscribe_{sub.id}",
                                icon=":material/notifications_off:"):
            try:
                subs.unsubscribe(ui.engine(), actor, sub.id)
            except (subs.SubscriptionError, PermissionDenied) as error:
                st.error(ui.plain(t(error.key, lang, **error.params)) if isinstance(error, subs.SubscriptionError)
                         else t("alerts.err.signed_out", lang))
            else:
                st.rerun()
