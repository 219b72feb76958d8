"""What a person sees, read off the browser's pixels and text (issue 27): the checks that AppTest and pure functions
cannot make, because Streamlit's frontend words and the map's glyphs exist only in the browser.

- No English on a Spanish page: the visible text (and ::before/::after content, placeholders, aria-labels) of the
  audit page (date fields, one focused, one emptied: its year placeholder; selectboxes) and the data page (the
  uploader, a selectbox), signed in as an editor (both pages are editors'; the infrastructure page has the same
  widgets behind a map, slower to load), and their tab's title; a multiselect's and selectboxes' lists open and
  filtered to nothing.
- A map keeps its region: on the map page and the overview at 1280x800 and 390x844, the CA4's land (its fill
  colour, geo.maps.CA4_FILL) touches no edge of the canvas, and lies where the region's bounds project with the
  view the browser received.
- A label keeps its letters: on the map page at 1280x800, labels with thin glyphs are cut out of the canvas where
  their position projects, and each glyph must carry ink where PIL's rendering of the full text in the app's
  font puts it.

The comparisons live in tests/screenshot_checks.py (tested there, failing cases included); this file only gathers
pixels. The six tabs load side by side on the session's server; on a failure the picture is saved in the test's
tmp dir and named in the message.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geo.i18n import t
from tests import screenshot_checks as sc
from tests.browser import deck_specs, wait_idle

pytestmark = pytest.mark.browser

DESKTOP, PHONE = (1280, 800), (390, 844)
EDITOR, PASSWORD = "capturas_editora", "una clave bastante larga de capturas"
# The glyphs the default text atlas lost at 12-13 px ("Peñas B ancas", "Teguc galpa"): every label holding one of
# them is checked ("Peñas Blancas", "El Carmen", "La Mesilla", "Leimus"... whichever the map names).
THIN_GLYPHS = set("ilIjtfíñ")

# Every text a person can read or hear on the page: visible text nodes (not hidden, not a zero-size font: the app
# hides some of Streamlit's English with font-size 0 and draws its own words with ::after; not the icon font's
# ligature names; not clipped to nothing), ::before/::after content, and placeholder, aria-label and title
# attributes of shown elements.
PAGE_TEXTS_JS = """() => {
  const shown = el => { for (let e = el; e && e.nodeType === 1; e = e.parentElement) { const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false; }
      return true; };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue.trim(); const el = n.parentElement;
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    if (parseFloat(style.fontSize) === 0 || /Material Symbols/.test(style.fontFamily) || !shown(el)) continue;
    const range = document.createRange(); range.selectNodeContents(n); const box = range.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    out.push(text);
  }
  for (const el of document.body.querySelectorAll('*')) {
    for (const which of ['::before', '::after']) {
      const s = getComputedStyle(el, which); const c = s.content;
      if (c && !['none', 'normal', '""'].includes(c) && parseFloat(s.fontSize) !== 0 && shown(el)) out.push(c);
    }
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title]')) {
    if (!shown(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) { const v = el.getAttribute(a); if (v) out.push(v); }
  }
  return out;
}"""


@dataclass
class Tab:
    name: str
    page: object
    frames: list = field(default_factory=list)  # websocket frames received, in order


@pytest.fixture(scope="module")
def editor_cookie(app_db_url: str, app_url: str) -> dict:
    """A signed-in editor's cookie (geo.access.sessions), so the data page shows its uploader."""
    from sqlalchemy import select

    from geo.access import sessions
    from geo.access.auth import SYSTEM
    from geo.access.users import create_user
    from geo.db import make_engine
    from geo.models import User

    engine = make_engine(app_db_url)
    with engine.connect() as conn:
        exists = conn.execute(select(User.id).where(User.username == EDITOR)).scalar()
    if exists is None:
        create_user(engine, SYSTEM, EDITOR, "editor", PASSWORD)
    token = sessions.issue(engine, EDITOR)
    engine.dispose()
    return {"name": sessions.COOKIE_NAME, "value": token, "url": app_url}


@pytest.fixture(scope="module")
def tabs(browser, app_url: str, editor_cookie: dict) -> Iterator[dict[str, Tab]]:
    """The six pages, opened side by side (each in its own context) and waited for together."""
    wanted = {"audit": ("/audit?lang=es", DESKTOP, True),
              "data": ("/data?lang=es", DESKTOP, True),
              "map": ("/map?lang=es", DESKTOP, False), "map-phone": ("/map?lang=es", PHONE, False),
              "overview": ("/?lang=es", DESKTOP, False), "overview-phone": ("/?lang=es", PHONE, False)}
    contexts, opened = [], {}
    for name, (path, (width, height), signed_in) in wanted.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        if signed_in:
            context.add_cookies([editor_cookie])
        tab = Tab(name, context.new_page())
        tab.page.on("websocket", lambda ws, tab=tab: ws.on("framereceived", lambda payload: tab.frames.append(payload)))
        tab.page.goto(app_url + path, wait_until="commit")
        opened[name] = tab
    _wait_all_quiet(list(opened.values()))
    yield opened
    for context in contexts:
        context.close()


def _wait_all_quiet(tabs: list[Tab], quiet_s: float = 0.6, timeout_s: float = 60) -> None:
    """Until every tab's script is idle and none has received a websocket frame for `quiet_s` (tests.browser.
    wait_quiet, for tabs loading side by side: one quiet window for all, not one after another)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for tab in tabs:
            wait_idle(tab.page)
        seen = [len(tab.frames) for tab in tabs]
        tabs[0].page.wait_for_timeout(quiet_s * 1000)
        if [len(tab.frames) for tab in tabs] == seen:
            return
    raise AssertionError("the pages never went quiet")


def _saved(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _no_exception(tab: Tab, tmp_path: Path) -> None:
    if tab.page.locator('[data-testid="stException"]').count():
        raise AssertionError(f"{tab.name}: the page shows an exception; see {_saved(tab.page, tmp_path, tab.name)}")


# ------------------------------------------------------------------------------------------ English
def _english(tab: Tab, moment: str, tmp_path: Path) -> list[str]:
    found = sc.streamlit_english(tab.page.evaluate(PAGE_TEXTS_JS))
    if not found:
        return []
    shot = _saved(tab.page, tmp_path, f"{tab.name}-{moment}")
    return [f"{tab.name}, {moment}: {word!r} in {text!r} (see {shot})" for word, text in found]


def _open_list(tab: Tab, widget) -> None:
    """Open a selectbox's or multiselect's list and wait for its options to be drawn (a click on a widget that
    still has the focus from a list just closed may not reopen it: the arrow key does)."""
    widget.click()
    options = tab.page.locator('[role="listbox"]:visible [role="option"]')
    try:
        options.first.wait_for(timeout=3_000)
    except PlaywrightTimeout:
        tab.page.keyboard.press("ArrowDown")
        options.first.wait_for(timeout=10_000)


def _list_words(tab: Tab, widget, tmp_path: Path) -> list[str]:
    """A list's own words, open ('Select all' in English) and then filtered to nothing ('No results')."""
    _open_list(tab, widget)
    problems = _english(tab, "list open", tmp_path)
    tab.page.keyboard.type("zzqxw")
    tab.page.locator('[role="listbox"][data-empty="true"]:visible').last.wait_for(timeout=10_000)
    problems += _english(tab, "list filtered to nothing", tmp_path)
    tab.page.keyboard.press("Escape")
    return problems


def test_no_streamlit_english_on_the_spanish_audit_page(tabs: dict[str, Tab], tmp_path: Path) -> None:
    """Signed in as an editor: date fields (one focused) and selectboxes; the tab's title."""
    tab = tabs["audit"]
    _no_exception(tab, tmp_path)
    assert tab.page.title() == t("app.title", "es") != t("app.title", "en"), tab.page.title()
    assert tab.page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').count() >= 3
    problems = _english(tab, "at rest", tmp_path)
    day = tab.page.locator('[data-testid="stMain"] [data-testid="stDateInputField"] [role="spinbutton"]').first
    day.focus()
    tab.page.wait_for_function("() => document.activeElement && document.activeElement.getAttribute('role') === "
                               "'spinbutton'", timeout=5_000)
    problems += _english(tab, "date field focused", tmp_path)
    # Emptied, the year shows its placeholder: Streamlit writes 'YYYY', the app draws the catalog's instead.
    year = tab.page.locator('[data-testid="stMain"] [data-testid="stDateInputField"] [data-type="year"]').first
    year.focus()
    for _ in range(4):
        tab.page.keyboard.press("Backspace")
    tab.page.locator('[data-testid="stMain"] [data-type="year"][data-placeholder="true"]').first.wait_for(
        state="attached", timeout=5_000)
    texts = tab.page.evaluate(PAGE_TEXTS_JS)
    problems += _english(tab, "date field emptied", tmp_path)
    assert problems == [], "\n".join(problems)
    assert f'"{t("widget.date_year", "es")}"' in texts, [text for text in texts if text.startswith('"')]


def test_no_streamlit_english_on_the_spanish_data_page(tabs: dict[str, Tab], tmp_path: Path) -> None:
    """Signed in as an editor: the uploader (button, drop zone, size line) and the import's selectbox. The
    uploader's English is in the page, hidden (views/framework.py): shown again, the same reading finds it."""
    tab = tabs["data"]
    _no_exception(tab, tmp_path)
    assert tab.page.title() == t("app.title", "es"), tab.page.title()
    tab.page.locator('[data-testid="stFileUploaderDropzone"]').first.wait_for(state="visible", timeout=20_000)
    problems = _english(tab, "at rest", tmp_path)
    assert problems == [], "\n".join(problems)
    unhidden = tab.page.add_style_tag(content="[data-testid=stFileUploaderDropzone] *{font-size:14px !important}")
    words = {word for word, _ in sc.streamlit_english(tab.page.evaluate(PAGE_TEXTS_JS))}
    unhidden.evaluate("style => style.remove()")
    assert {"Upload", "per file"} <= words, words  # Streamlit 1.67: "Upload", "50MB per file • CSV, ..."


# ------------------------------------------------------------------------------------------ the region
def _canvas_image(page) -> np.ndarray:
    from PIL import Image

    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=30_000)
    return np.asarray(Image.open(BytesIO(canvas.screenshot())).convert("RGB"))


def _save_image(image: np.ndarray, path: Path) -> Path:
    from PIL import Image

    Image.fromarray(image).save(path)
    return path


@pytest.mark.parametrize("name", ["map", "map-phone", "overview", "overview-phone"])
def test_the_map_keeps_its_region_whole(tabs: dict[str, Tab], name: str, tmp_path: Path) -> None:
    """The CA4's land touches no edge of the canvas and lies where its bounds project with the view sent. The
    outlines arrive a moment after the deck (static files): the canvas is read until its land is drawn."""
    tab = tabs[name]
    _no_exception(tab, tmp_path)
    deadline, problems, image = time.monotonic() + 20, ["not read"], None
    while time.monotonic() < deadline:
        image, problems = _region_read(tab)
        if not problems:
            return
        tab.page.wait_for_timeout(250)
    shot = _save_image(image, tmp_path / f"{name}-canvas.png")
    raise AssertionError(f"{name}: {'; '.join(problems)} (canvas: {shot})")


def _region_read(tab: Tab) -> tuple[np.ndarray, list[str]]:
    from geo.maps import CA4_BOUNDS, CA4_FILL

    image = _canvas_image(tab.page)
    view = deck_specs(tab.frames)[-1]["initialViewState"]
    height, width = image.shape[:2]
    land = sc.opened(sc.colour_mask(image, CA4_FILL))
    return image, sc.region_problems(land, sc.projected_box(CA4_BOUNDS, view, width, height))


def test_a_map_dragged_off_its_region_is_caught(tabs: dict[str, Tab], tmp_path: Path) -> None:
    """The same reading fails on a real cut: the phone's map, dragged 150 px to the right, runs Nicaragua's and
    Honduras's Caribbean coast off the canvas's right edge, and the pixels say so. (After the region's own check
    above; no test after this one reads this tab's canvas.)"""
    tab = tabs["map-phone"]
    canvas = tab.page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tab.page.mouse.move(x, y)
    tab.page.mouse.down()
    tab.page.mouse.move(x + 150, y, steps=6)
    tab.page.mouse.up()
    deadline, problems, image = time.monotonic() + 10, [], None
    while time.monotonic() < deadline:
        image, problems = _region_read(tab)
        if any("right edge" in problem for problem in problems):
            return
        tab.page.wait_for_timeout(250)
    shot = _save_image(image, tmp_path / "map-phone-dragged.png")
    raise AssertionError(f"a map dragged 150 px right was not caught: {problems} (canvas: {shot})")


# ------------------------------------------------------------------------------------------ the letters
def test_map_labels_keep_every_letter(tabs: dict[str, Tab], tmp_path: Path) -> None:
    """Each thin-glyphed label drawn at the first view, cut out where its position projects, against PIL's
    rendering of its full text in the app's font at the layer's size and weight."""
    from geo.maps import POST_INK

    tab = tabs["map"]
    _no_exception(tab, tmp_path)
    spec = deck_specs(tab.frames)[-1]
    view, layers = spec["initialViewState"], {layer["id"]: layer for layer in spec["layers"]}
    texts = layers["post-labels"]
    size, weight = float(texts["getSize"]), int(texts["fontWeight"])
    labels = [row for row in texts["data"] if THIN_GLYPHS & set(row["label"])]
    assert len(labels) >= 4, [row["label"] for row in texts["data"]]
    deadline, failures, image = time.monotonic() + 20, {}, None
    while time.monotonic() < deadline:  # the font atlas may be drawn a moment after the marks
        image = _canvas_image(tab.page)
        failures = {}
        for row in labels:
            crop = _label_crop(image, row, view, size, weight)
            result = sc.check_label(sc.screen_ink(crop, POST_INK), sc.reference(row["label"], size, weight))
            if result.missing:
                failures[row["label"]] = (result.missing, crop)
        if not failures:
            return
        tab.page.wait_for_timeout(250)
    shot = _save_image(image, tmp_path / "map-labels-canvas.png")
    lines = [f"{label!r}: {', '.join(missing)} (crop: {_save_image(crop, tmp_path / f'label-{i}.png')})"
             for i, (label, (missing, crop)) in enumerate(failures.items())]
    raise AssertionError("labels lost letters:\n" + "\n".join(lines) + f"\ncanvas: {shot}")


def _label_crop(image: np.ndarray, row: dict, view: dict, size: float, weight: int) -> np.ndarray:
    """The canvas around a label: its box (anchor, baseline and pixel offset as the layer draws it, the width of
    its reference rendering), 6 px wider each side and 3 px taller (the check aligns the glyphs itself)."""
    from tests.browser import lonlat_to_pixel

    height, width = image.shape[:2]
    ref = sc.reference(row["label"], size, weight)
    text_width = (ref.spans[-1][2] - ref.spans[0][1]) / sc.SUPERSAMPLE
    x, y = lonlat_to_pixel(row["lon"], row["lat"], view, width, height)
    x0, y0, x1, y1 = sc.label_box(x + row.get("dx", 0.0), y + row.get("dy", 0.0), text_width, size,
                                  row.get("anchor", "middle"), row.get("baseline", "center"))
    return image[max(0, int(y0) - 3):min(height, int(y1) + 4), max(0, int(x0) - 6):min(width, int(x1) + 7)]


# ------------------------------------------------------------------------------------------ the lists' words
def _list_widgets(tab: Tab):
    return {"map": '[data-testid="stSidebar"] [data-testid="stMultiSelect"]',  # the country filter
            "audit": '[data-testid="stMain"] [data-testid="stSelectbox"]',  # what was changed
            "data": '[data-testid="stMain"] [data-testid="stSelectbox"]'}[tab.name]  # the import's kind


@pytest.mark.parametrize("name", ["map", "audit", "data"])
def test_a_list_speaks_spanish_open_and_filtered_to_nothing(tabs: dict[str, Tab], name: str, tmp_path: Path) -> None:
    """A multiselect (the map page's country filter) and selectboxes (the audit's, the import's), opened and then
    filtered to nothing. Last in the file: the map's checks above read its canvas first."""
    tab = tabs[name]
    problems = _list_words(tab, tab.page.locator(_list_widgets(tab)).first, tmp_path)
    assert problems == [], "\n".join(problems)
