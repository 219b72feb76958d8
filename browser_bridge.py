"""Three small in-page components (Streamlit components v2, inline JavaScript, no network): the width of the
element they sit in, bringing an element into view, and writing or deleting the sign-in cookie. UI glue only; pages
and ui.py call these.

Components v2 run their script in the app's page itself (not in an iframe), so `document.cookie` is the
app's own cookie jar. A cookie written by script cannot be HttpOnly: the browser only lets a server
response set that flag, and a Streamlit page has no server response of its own to set it with.
"""

from __future__ import annotations

import json

import streamlit as st

_WIDTH_JS = """
export default function(component) {
    const { setStateValue, parentElement } = component;
    // The component's own box is empty: measure the nearest enclosing element that has a width (its column).
    let element = parentElement.host || parentElement;
    while (element && element.getBoundingClientRect().width === 0) element = element.parentElement;
    // Rounded to 10 px so a scrollbar coming and going does not rerun the page.
    const width = element ? Math.round(element.getBoundingClientRect().width / 10) * 10 : 0;
    if (width > 0) setStateValue('width', width);
    // The window's height too (rounded to 20 px), so a map can take a share of what the screen shows.
    const height = Math.round(window.innerHeight / 20) * 20;
    if (height > 0) setStateValue('height', height);
}
"""

_COOKIE_JS = """
export default function(component) {
    const { data } = component;
    if (!data || !data.name) return;
    const secure = window.location.protocol === 'https:' ? '; Secure' : '';
    const value = data.value ? encodeURIComponent(data.value) : '';
    document.cookie = data.name + '=' + value + '; Path=/; Max-Age=' + data.max_age + '; SameSite=Strict' + secure;
}
"""

_SCROLL_JS = """
export default function(component) {
    const { data, parentElement } = component;
    if (!data || !data.token) return;
    // Once per token (a newly chosen post), not on every rerun: the reader may have scrolled on since.
    window.__ca4Scrolled = window.__ca4Scrolled || {};
    if (window.__ca4Scrolled[data.name] === data.token) return;
    window.__ca4Scrolled[data.name] = data.token;
    const element = parentElement.host || parentElement;
    element.style.scrollMarginTop = '4.5rem';  // clear of the app's top bar
    // Again as the content above settles (the map's keys and charts lay out after the first frame).
    const bring = () => element.scrollIntoView({ behavior: 'auto', block: 'start' });
    requestAnimationFrame(bring);
    setTimeout(bring, 500);
    setTimeout(bring, 1500);
}
"""

_width_component = st.components.v2.component("ca4_container_width", js=_WIDTH_JS)
_scroll_component = st.components.v2.component("ca4_scroll_into_view", js=_SCROLL_JS)
_cookie_component = st.components.v2.component("ca4_cookie", js=_COOKIE_JS)


def container_size(key: str) -> tuple[int | None, int | None]:
    """(width of the container this is called in, height of the browser window) in CSS pixels; None until
    the browser reports them (after the page's first run, which reruns the page once)."""
    result = _width_component(key=key, on_width_change=lambda: None, on_height_change=lambda: None)
    values = (getattr(result, "width", None), getattr(result, "height", None))
    return tuple(int(v) if isinstance(v, int | float) and v > 0 else None for v in values)  # type: ignore[return-value]


def container_width(key: str) -> int | None:
    """Width in CSS pixels of the container this is called in (see container_size)."""
    return container_size(key)[0]


def scroll_into_view(token: str, key: str) -> None:
    """Bring the place this is called in to the top of the screen, once per `token` (a phone's stacked columns
    put what a tap opened far below what was tapped)."""
    _scroll_component(key=key, data={"name": key, "token": token})


def write_cookie(name: str, value: str, max_age_s: int, key: str) -> None:
    """Set (or, with max_age_s=0, delete) a cookie for the whole app; SameSite=Strict, Secure on https."""
    _cookie_component(key=key, data=json.loads(json.dumps({"name": name, "value": value, "max_age": max_age_s})))
