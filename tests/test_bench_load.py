"""`python -m bench load`: simulated users over Streamlit's websocket protocol, on the session's app server
(one process; the replicas are started by geo.serve, tested in test_serve.py and test_replicas_browser.py).
Timings are printed, not asserted; what is asserted is that views really ran and failures are counted."""

from __future__ import annotations

import re

import pytest

from bench.__main__ import main as bench_main
from bench.load import PAGES, levels_up_to, run_async, run_level, shared_links

pytestmark = pytest.mark.browser  # needs the session's app server (tests/conftest.py app_url)

LAST_LINE = re.compile(r"LOAD users=2 replicas=0 views_per_s=\d+\.\d\d p50_s=\d+\.\d\d p95_s=\d+\.\d\d errors=0")


def test_links_vary_and_levels_double_up_to_the_users() -> None:
    links = shared_links(7)
    assert {page for page, _ in links} == set(PAGES)
    assert len(set(links)) > 20 and {"lang=es", "lang=en"} <= {q.split("&")[0] for _, q in links}
    assert shared_links(7) == links  # the same links for the same seed: runs compare
    assert levels_up_to(1) == [1] and levels_up_to(20) == [1, 2, 4, 8, 16, 20]


def test_load_on_a_running_app_ends_with_its_line(app_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_main(["load", "--users", "2", "--views", "1", "--app-url", app_url]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    levels = [line for line in lines if line.startswith("replicas=0 users=")]
    assert [re.search(r"views= *(\d+)", line)[1] for line in levels] == ["1", "2"]  # level 1, then 2 users


def test_a_view_that_fails_is_counted_with_its_reason(app_url: str) -> None:
    level = run_async(lambda: run_level(app_url, 1, 1, [("no-such-page", "lang=en")], seed=1))
    assert level.errors == 1 and level.seconds == []
    assert "page not found" in level.error_samples[0]
