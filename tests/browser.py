"""Helpers to drive the real app in headless Chromium (Debian's package; see shared GUIDE)."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    path = os.environ.get("CA4_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(database_url: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `streamlit run app.py` on a free port; yield its URL; stop it afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start: " + proc.stderr.read().decode()[-2000:])
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def deck_specs(frames: list) -> list[dict]:
    """Every deck JSON the server sent, in order, parsed from Streamlit's websocket messages (the binary
    frames a page's `websocket` listener collected)."""
    import json

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    specs = []
    for payload in frames:
        if isinstance(payload, str):
            continue
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # not a ForwardMsg (nothing else is expected, but be safe)
            continue
        if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "deck_gl_json_chart":
                specs.append(json.loads(element.deck_gl_json_chart.json))
    return specs


def wait_idle(page, timeout: float = 60_000) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def wait_quiet(page, frames: list, quiet_s: float = 0.6, timeout_s: float = 30) -> None:
    """Until the script is idle and no websocket frame (collected in `frames` by the page's `websocket`
    listener) has arrived for `quiet_s`: a page whose maps measure their width (views/map_fit.py) runs once
    more after its first run, and an action taken in between may be drawn over."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        wait_idle(page)
        seen = len(frames)
        page.wait_for_timeout(quiet_s * 1000)
        if len(frames) == seen:
            return
    raise AssertionError("the page never went quiet")


def wait_for_canvas_drawn(page, min_colours: int = 8, timeout_s: float = 30) -> bytes:
    """Poll the first deck canvas until its pixels show a drawn map; return the PNG."""
    from io import BytesIO

    from PIL import Image

    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    png = b""
    while time.monotonic() < deadline:
        png = canvas.screenshot()
        image = Image.open(BytesIO(png)).convert("RGB").resize((160, 120))
        if len(set(image.tobytes()[i:i + 3] for i in range(0, 160 * 120 * 3, 3))) >= min_colours:
            return png
        time.sleep(0.5)
    raise AssertionError("the map canvas was never drawn")


def lonlat_to_pixel(lon: float, lat: float, view: dict, width: float, height: float) -> tuple[float, float]:
    """Web-Mercator pixel of a point in a deck.gl MapView of the given size and view state."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)

    def project(lo: float, la: float) -> tuple[float, float]:
        x = scale * (math.radians(lo) + math.pi)
        y = scale * (math.pi - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)))
        return x, y

    cx, cy = project(view["longitude"], view["latitude"])
    px, py = project(lon, lat)
    return width / 2 + (px - cx), height / 2 + (py - cy)
