"""`python -m bench e2e`: speed as the user feels it, in a real browser.

Starts `streamlit run app.py` on the benchmark database (DATABASE_URL), opens each page in headless
Chromium and times, from the user's action (a click on a filter option, a toggle, the "next slide" button)
until everything is drawn: the script is idle again, every plotly chart has its svg, every deck canvas has
drawn, and two animation frames have passed with nothing changing (bench/probe.js decides this inside the
page; there are no fixed sleeps). Also counts the bytes received over the websocket for each change, and
each page's first load (navigation start until drawn, in a new browser session on a running server).

Filter changes are chosen so that each one asks for a filter combination not seen before in the run, so
they pay for their queries as a user's new choice does (Streamlit's caches are left as they are).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.database import ensure_bench_database
from geo.config import REPO_ROOT

PROBE = Path(__file__).with_name("probe.js")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1400}  # tall: the app scrolls inside its own container
DRAWN_TIMEOUT_MS = 180_000
PAGES = ("flows", "map", "infrastructure", "workshops", "present")

# What a user does on each page, in order (cycled when more changes are asked for). Labels are i18n keys
# of the widget's label; an option of None means the first option the list still offers.
#   ("pick", label key, option): choose an option in a sidebar multiselect
#   ("toggle", label key, None): flip a sidebar toggle
#   ("button", widget key, None): click a button
Action = tuple[str, str, str | None]
ACTIONS: dict[str, list[Action]] = {
    "flows": [("pick", "filter.country", "GTM"), ("pick", "flows.filter.nationality", None),
              ("pick", "flows.filter.direction", None), ("pick", "filter.country", "HND"),
              ("pick", "filter.post_type", None), ("pick", "flows.filter.nationality", None),
              ("pick", "flows.filter.direction", None)],
    "map": [("pick", "filter.country", "GTM"), ("pick", "filter.post_type", None),
            ("pick", "filter.status", None), ("toggle", "map.layer.arcs", None),
            ("pick", "filter.country", "HND"), ("toggle", "map.layer.post_labels", None),
            ("pick", "filter.status", None)],
    "infrastructure": [("pick", "filter.country", "GTM"), ("pick", "infra.filter.components", None),
                       ("pick", "filter.country", "HND"), ("pick", "infra.filter.components", None),
                       ("pick", "filter.country", "SLV"), ("pick", "infra.filter.components", None),
                       ("pick", "filter.country", "NIC")],
    "workshops": [("pick", "filter.post_type", None), ("toggle", "ws.layer.labels", None),
                  ("toggle", "ws.layer.suggested", None), ("pick", "filter.post_type", None),
                  ("toggle", "ws.layer.reach", None), ("toggle", "ws.layer.labels", None),
                  ("toggle", "ws.layer.suggested", None)],
    "present": [("button", "present_next", None)],
}


@dataclass
class Sample:
    drawn_ms: float
    script_ms: float | None
    busy_ms: float  # the browser's main thread in tasks over 50 ms meanwhile (its own work, not the server's)
    bytes_received: int
    largest_frame: int


@dataclass
class PageResult:
    name: str
    first_load_ms: float
    first_load_bytes: int
    changes: list[Sample] = field(default_factory=list)

    def drawn(self) -> list[float]:
        return [s.drawn_ms for s in self.changes]

    @property
    def p50(self) -> float:
        return float(statistics.median(self.drawn()))

    @property
    def p90(self) -> float:
        return float(np.percentile(self.drawn(), 90))

    def lines(self) -> list[str]:
        drawn = self.drawn()
        scripts = [s.script_ms for s in self.changes if s.script_ms is not None]
        busy = statistics.median(s.busy_ms for s in self.changes)
        kb = [s.bytes_received / 1000 for s in self.changes]
        return [
            f"page {self.name:15s} change drawn p50 {self.p50:7.0f} ms  p90 {self.p90:7.0f} ms  "
            f"(min {min(drawn):.0f}, max {max(drawn):.0f}, n={len(drawn)})",
            f"     {'':15s} script idle p50 {statistics.median(scripts) if scripts else float('nan'):7.0f} ms  "
            f"browser busy p50 {busy:5.0f} ms  "
            f"received per change p50 {statistics.median(kb):7.1f} KB  max {max(kb):.1f} KB  "
            f"largest frame {max(s.largest_frame for s in self.changes) / 1000:.1f} KB",
            f"     {'':15s} first load drawn {self.first_load_ms / 1000:6.2f} s  "
            f"received {self.first_load_bytes / 1000:.1f} KB",
        ]


# ------------------------------------------------------------------------------------------ server
def chromium_path() -> str:
    path = os.environ.get("CA4_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise SystemExit(f"no Chromium at {path}: apt-get install -y chromium, or set CA4_CHROMIUM")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(database_url: str, log: Path) -> Iterator[str]:
    """`streamlit run app.py` on the given database and a free port; yields its URL, stops it after."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log}") from None
                time.sleep(0.2)  # polling the health endpoint while the server starts, not a timing
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------------------------------ browser
class Traffic:
    """Bytes received over a page's websockets (Streamlit's one connection), frame by frame."""

    def __init__(self, page) -> None:
        self.frames: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload: str | bytes) -> None:
        self.frames.append(len(payload))

    def mark(self) -> int:
        return len(self.frames)

    def since(self, mark: int) -> tuple[int, int]:
        """(total bytes, largest frame) received since `mark`."""
        frames = self.frames[mark:]
        return sum(frames), max(frames, default=0)


def _now(page) -> float:
    return float(page.evaluate("performance.now()"))


def _wait_drawn(page, since: float) -> dict:
    return page.evaluate("([since, timeout]) => window.__bench.waitDrawn(since, timeout)",
                         [since, DRAWN_TIMEOUT_MS])


def _sidebar_widget(page, testid: str, label: str):
    return page.locator(f'[data-testid="stSidebar"] [data-testid="{testid}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first


def _option_label(label_key: str, option: str | None, lang: str) -> str | None:
    """The text a multiselect shows for an option code (countries by name)."""
    if option is None:
        return None
    from geo import reference

    return reference.country_name(option, lang)


def perform(page, action: Action, lang: str) -> float:
    """Do one user action; return its performance.now() time (the start of what is timed)."""
    from geo.i18n import t

    kind, key, option = action
    if kind == "button":
        button = page.locator(f".st-key-{key} button").first
        since = _now(page)
        button.click()
        return since
    if kind == "toggle":
        toggle = _sidebar_widget(page, "stCheckbox", t(key, lang).split("{")[0].strip())  # text before any {km}
        since = _now(page)
        toggle.locator("label").first.click()
        return since
    box = _sidebar_widget(page, "stMultiSelect", t(key, lang))
    field_ = box.locator("input").first
    field_.click()
    # Streamlit's list starts with a "Select all" entry, and says "No results" when nothing is left: neither
    # is an option a user would pick here.
    options = page.locator('[role="listbox"] [role="option"]').filter(
        has_not_text=re.compile(r"^(Select all|No results)$"))
    page.locator('[role="listbox"]').first.wait_for(state="visible", timeout=30_000)
    wanted = _option_label(key, option, lang)
    if wanted and options.filter(has_text=wanted).count():
        choice = options.filter(has_text=wanted).first
    elif options.count():
        choice = options.first  # (when cycling again, the named option is already chosen: the next one)
    else:  # every option chosen: take the last one off again (its tag's remove button)
        page.keyboard.press("Escape")
        remove = box.locator('[data-tag] button[aria-label^="Remove"]').last
        since = _now(page)
        remove.click()
        return since
    since = _now(page)
    choice.click()
    page.keyboard.press("Escape")  # close the list, as a user would click away
    return since


def page_url(base: str, name: str, lang: str) -> str:
    return f"{base}/?present=1&lang={lang}" if name == "present" else f"{base}/{name}?lang={lang}"


def measure_page(context, base: str, name: str, changes: int, lang: str,
                 report: Callable[[str], None], shots: Path | None = None) -> PageResult:
    page = context.new_page()
    traffic = Traffic(page)
    try:
        page.goto(page_url(base, name, lang), wait_until="commit")
        state = _wait_drawn(page, 0.0)  # 0 = navigation start
        result = PageResult(name, state["drawn"], traffic.since(0)[0])
        if shots:
            page.screenshot(path=str(shots / f"{name}-0.png"))
        actions = ACTIONS[name]
        for step in range(changes):
            mark = traffic.mark()
            try:
                since = perform(page, actions[step % len(actions)], lang)
                state = _wait_drawn(page, since)
            except Exception:
                failure = (shots or Path(".")) / f"failed-{name}-{step + 1}.png"
                page.screenshot(path=str(failure))
                report(f"  {name} change {step + 1} failed; the page as it was: {failure}")
                raise
            received, largest = traffic.since(mark)
            result.changes.append(Sample(state["drawn"], state["idle"], state["busy"], received, largest))
            if shots:
                page.screenshot(path=str(shots / f"{name}-{step + 1}.png"))
            what = " ".join(str(part) for part in actions[step % len(actions)] if part)
            report(f"  {name} change {step + 1} ({what}): drawn {state['drawn']:.0f} ms, script idle "
                   f"{state['idle'] or 0:.0f} ms, browser busy {state['busy']:.0f} ms, {received / 1000:.1f} KB, "
                   f"{state['plots']} charts, {state['decks']} maps")
        return result
    finally:
        page.close()


def run_e2e(rows: int, seed: int, changes: int = 7, pages: tuple[str, ...] = PAGES, lang: str = "en",
            report: Callable[[str], None] = print, shots: Path | None = None,
            browser=None, app_url: str | None = None) -> tuple[list[PageResult], float]:
    """Build or reuse the database, start the app, measure each page; returns (results, cold start ms).

    `browser`: a Playwright Chromium to use (a test's shared one); otherwise Debian's Chromium is launched.
    `app_url`: an app already running on the benchmark database (say, under a profiler) instead of starting one.
    With `shots`, a screenshot of each page after its first load and after each change is saved there.
    """
    from bench.database import database_path

    url = ensure_bench_database(rows, seed, report)
    log = database_path(rows, seed).with_suffix(".e2e-server.log")
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    server = contextlib.nullcontext(app_url.rstrip("/")) if app_url else running_app(url, log)
    with server as base, _chromium(browser) as chromium:
        context = chromium.new_context(viewport=VIEWPORT)
        try:
            context.add_init_script(path=str(PROBE))
            # The server's first page (imports, engine, reference data, first queries): reported apart.
            cold = context.new_page()
            cold.goto(f"{base}/?lang={lang}", wait_until="commit")
            cold_ms = _wait_drawn(cold, 0.0)["drawn"]
            cold.close()
            report(f"server's first page (/) drawn in {cold_ms / 1000:.2f} s")
            results = [measure_page(context, base, name, changes, lang, report, shots) for name in pages]
        finally:
            context.close()
    return results, cold_ms


@contextlib.contextmanager
def _chromium(browser=None) -> Iterator:
    if browser is not None:
        yield browser
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def summary_line(rows: int, results: list[PageResult]) -> str:
    worst = max(r.p50 for r in results)
    first = max(r.first_load_ms for r in results) / 1000
    return f"E2E rows={rows} worst_change_drawn_p50_ms={worst:.0f} first_load_drawn_s={first:.2f}"
