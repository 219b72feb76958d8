"""`python -m bench load --users N [--replicas R]`: a room that opens shared links at once, without a browser.

Each simulated user opens a link as a browser tab would, over Streamlit's own websocket protocol
(`/_stcore/stream`, protobuf): it connects (a new session), asks for a page with the link's query string
(`BackMsg.rerun_script`) and waits for the server's `script_finished`. One view is that whole exchange; its
time is the server's (no drawing: `python -m bench e2e` measures what a person sees). Users open links with
varied filters (flows, map and overview, each in both languages, several countries, directions, periods and
posts), `views` each, all users at once; the load is given per concurrency level (1 user, then more, up to N).

The app runs as `python -m geo serve` would: R replicas behind HAProxy (geo.serve.Cluster), on the benchmark
database (bench/database.py). Each replica is warmed up first (one view of each page, straight to it), so the
figures are a running server's, not a cold start's. `--replicas 1,2` measures both in one run, side by side.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from bench.database import ensure_bench_database
from geo.reference import CA4

PAGES = ("flows", "map", "overview")
COUNTRIES = CA4  # the programme's countries (geo.reference, defined once)
POSTS = ("GTM-TUM", "GTM-PDA", "SLV-ANG", "HND-AGC", "NIC-GUA", "HND-TGU")
VIEW_TIMEOUT_S = 300
T = TypeVar("T")


def shared_links(seed: int = 7, count: int = 60) -> list[tuple[str, str]]:
    """(page, query string) of `count` links as people share them: varied filters, both languages."""
    rng = random.Random(seed)
    links = []
    for _ in range(count):
        page = rng.choice(PAGES)
        query = {"lang": rng.choice(("es", "en"))}
        if rng.random() < 0.6:
            query["country"] = ",".join(sorted(rng.sample(COUNTRIES, rng.randint(1, 2))))
        if page == "flows":
            if rng.random() < 0.5:
                query["dir"] = rng.choice(("entry", "exit"))
            if rng.random() < 0.3:
                query["type"] = rng.choice(("land", "air"))
        if page == "map" and rng.random() < 0.5:
            query["post"] = rng.choice(POSTS)
        links.append((page, "&".join(f"{k}={v}" for k, v in query.items())))
    return links


@dataclass
class Level:
    """One concurrency level: every view's seconds, the wall time, errors."""

    users: int
    seconds: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def views_per_s(self) -> float:
        return len(self.seconds) / self.wall_s if self.wall_s else 0.0

    def pct(self, q: float) -> float:
        return float(np.percentile(self.seconds, q)) if self.seconds else float("nan")

    def line(self, replicas: int) -> str:
        return (f"replicas={replicas} users={self.users:3d}  views={len(self.seconds):4d}  "
                f"views/s {self.views_per_s:6.2f}  p50 {self.pct(50):6.2f} s  p95 {self.pct(95):6.2f} s  "
                f"errors {self.errors}")


async def open_view(base_url: str, page: str, query: str) -> float:
    """One view: a new session asks for `page?query`; seconds until its script finished. Raises on an
    exception shown on the page, a script that did not finish, or a closed connection."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws_url = base_url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
    started = time.perf_counter()
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=VIEW_TIMEOUT_S, ping_interval=None) as ws:
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = "" if page == PAGES[-1] else page  # the overview is the home page, "/"
        await ws.send(message.SerializeToString())
        while True:
            data = await asyncio.wait_for(ws.recv(), VIEW_TIMEOUT_S)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element" \
                    and forward.delta.new_element.WhichOneof("type") == "exception":
                raise RuntimeError(f"{page}?{query}: {forward.delta.new_element.exception.message[:200]}")
            if kind == "page_not_found":
                raise RuntimeError(f"{page}?{query}: page not found")
            if kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return time.perf_counter() - started
                if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError(f"{page}?{query}: compile error")
                # FINISHED_EARLY_FOR_RERUN: a rerun follows in the same session; keep waiting


async def run_level(base_url: str, users: int, views: int, links: Sequence[tuple[str, str]], seed: int) -> Level:
    """`users` at once, each opening `views` links one after another."""
    level = Level(users)

    async def user(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        for _ in range(views):
            page, query = rng.choice(links)
            try:
                level.seconds.append(await open_view(base_url, page, query))
            except Exception as error:  # counted and shown, never hidden
                level.errors += 1
                if len(level.error_samples) < 3:
                    level.error_samples.append(f"{type(error).__name__}: {error}"[:300])

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(users)))
    level.wall_s = time.perf_counter() - started
    return level


def run_async(coroutine_function: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to its end in a thread of its own: the caller's thread may already have an event
    loop running (Playwright's sync API in the tests does), where asyncio.run() is refused."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


def levels_up_to(users: int) -> list[int]:
    """1, then doubling, up to `users` (which is always measured)."""
    steps, n = [], 1
    while n < users:
        steps.append(n)
        n *= 2
    return [*steps, users]


def warm_up(urls: Sequence[str]) -> None:
    """One view of every page on every replica (straight to it): imports, engine and reference data loaded."""
    async def warm() -> None:
        for url in urls:
            for page in PAGES:
                await open_view(url, page, "lang=es")
    run_async(warm)


def measure(base_url: str, replica_urls: Sequence[str], users: int, views: int, seed: int,
            report: Callable[[str], None], replicas: int) -> list[Level]:
    warm_up(replica_urls or [base_url])
    links = shared_links(seed)
    results = []
    for count in levels_up_to(users):
        level = run_async(lambda n=count: run_level(base_url, n, views, links, seed))
        report(level.line(replicas))
        for sample in level.error_samples:
            report(f"  error: {sample}")
        results.append(level)
    return results


def run_load(users: int, replica_counts: Sequence[int], rows: int, seed: int, views: int,
             report: Callable[[str], None] = print, app_url: str | None = None) -> dict[int, list[Level]]:
    """Build or reuse the benchmark database; for each replica count start that cluster, measure, stop it."""
    from geo.serve import Cluster, free_port

    if app_url:
        return {0: measure(app_url.rstrip("/"), [], users, views, seed, report, 0)}
    url = ensure_bench_database(rows, seed, report)
    results = {}
    for count in replica_counts:
        cluster = Cluster(count, free_port(), url, bind_host="127.0.0.1", say=lambda line: report(f"  {line}"),
                          extra_env={"CA4_VAR_DIR": os.environ.get("CA4_VAR_DIR", "")} if os.environ.get(
                              "CA4_VAR_DIR") else {})
        cluster.start()
        try:
            report(f"{count} replica(s) behind HAProxy at {cluster.url}, {rows:,} flow rows; "
                   f"{views} views per user, levels {levels_up_to(users)}")
            results[count] = measure(cluster.url, [b.url for b in cluster.backends], users, views, seed, report,
                                     count)
        finally:
            cluster.stop()
    return results


def summary_line(users: int, replicas: int, level: Level) -> str:
    return (f"LOAD users={users} replicas={replicas} views_per_s={level.views_per_s:.2f} "
            f"p50_s={level.pct(50):.2f} p95_s={level.pct(95):.2f} errors={level.errors}")
