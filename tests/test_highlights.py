"""Monthly highlights: the seasonal rule on synthetic series, a 4x spike imported into the sample database
(first highlight, both languages), a repeating December peak never flagged, published figures only
(geo.disclosure) in every returns/minors sentence and in the JSON, flows read from the roll-ups only, the CLI
(exit codes) and the CLI printing what the overview shows."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, delete, event, insert, select

from geo import disclosure, periods, reference
from geo.access.auth import Actor
from geo.db import make_engine
from geo.flows import queries as fq
from geo.io.imports import import_data
from geo.models import AssistedReturn, Post
from geo.overview import highlight_text as words
from geo.overview import highlights as hl
from geo.programme import returns as rt
from geo.reference import CA4
from tests.data_helpers import seeded_sqlite

REPO = Path(__file__).resolve().parent.parent
EDITOR = Actor("ana", "editor")
FIRST = dt.date(2022, 1, 1)  # the file's history: long enough for every rule (5 Decembers at most)
LAST = dt.date(2026, 10, 1)
SPIKE_MONTH = LAST


# ------------------------------------------------------------------------------------------ the rule alone
def series(months: list[dt.date], base: float = 20_000, december: float = 2.0, seed: int = 1) -> np.ndarray:
    """A post's monthly counts: a December peak every year, a 6 %/year trend, ±5 % noise."""
    rng = np.random.default_rng(seed)
    years = np.arange(len(months)) / 12
    peak = np.array([december if m.month == 12 else 1.0 for m in months])
    return base * peak * (1 + 0.06 * years) * rng.uniform(0.95, 1.05, len(months))


def table_for(values: dict[str, np.ndarray], months: list[dt.date], month: dt.date) -> pd.DataFrame:
    pivot = pd.DataFrame(values, index=months).T
    return hl.seasonal_table(pivot[[m for m in months if m <= month]], month).set_index("subject")


def test_the_rule_flags_a_spike_and_a_collapse_but_not_a_repeating_december_peak() -> None:
    months = periods.months_between(FIRST, LAST)
    spike, collapse, steady = series(months, seed=1), series(months, seed=2), series(months, seed=3)
    spike[months.index(LAST)] *= 4
    collapse[months.index(LAST)] *= 0.3
    table = table_for({"SPIKE": spike, "DROP": collapse, "STEADY": steady}, months, LAST)
    assert table.at["SPIKE", "flag"] == "surge" and table.at["SPIKE", "ratio"] == pytest.approx(4, rel=0.15)
    assert table.at["DROP", "flag"] == "drop"
    assert table.at["STEADY", "flag"] == ""
    # Every December doubles, every year: a naive month-on-month reading says +100 %, the rule says nothing.
    for december in (dt.date(2024, 12, 1), dt.date(2025, 12, 1)):
        table = table_for({"STEADY": steady}, months, december)
        assert table.at["STEADY", "count"] > 1.8 * table.at["STEADY", "previous"]
        assert table.at["STEADY", "flag"] == "", december


def test_too_little_history_is_never_flagged() -> None:
    months = periods.months_between(dt.date(2025, 4, 1), LAST)  # 19 months: under two years
    values = series(months)
    values[-1] *= 6
    table = table_for({"NEW": values}, months, LAST)
    assert table.at["NEW", "ratios"] < hl.MIN_RATIOS and table.at["NEW", "flag"] == ""


# ------------------------------------------------------------------------------------------ a real database
def post_codes(engine: Engine, n: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Post.code).where(Post.country_iso3.in_(("GTM", "SLV", "HND", "NIC")),
                                                         Post.type == "land").order_by(Post.code).limit(n)).scalars())


def flows_file(codes: list[str], spike: str | None, silent: str | None, minors: int = 3) -> bytes:
    """Monthly counts (on the 15th, both directions) for `codes` from FIRST to LAST with a yearly December
    peak; `spike` gets 4 times its count in SPIKE_MONTH, `silent` reports nothing in LAST."""
    months = periods.months_between(FIRST, LAST)
    lines = ["day,post_code,direction,nationality,sex,age_band,prev_country,next_country,count,unaccompanied_minors"]
    for number, code in enumerate(codes):
        values = series(months, base=8_000 + 1_000 * number, seed=10 + number)
        for month, value in zip(months, values, strict=True):
            if code == silent and month == LAST:
                continue
            factor = 4 if (code == spike and month == SPIKE_MONTH) else 1
            for direction in ("entry", "exit"):
                uam = minors if month == LAST and number == 0 and direction == "entry" else 0
                lines.append(f"{month:%Y-%m}-15,{code},{direction},GTM,F,18-29,,,{int(value * factor / 2)},{uam}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def spiked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, list[str]]:
    """The seeded sample database (components, workshops, returns; no generated flows) with a flows file
    imported: six posts, one spiking 4x in October 2026, one silent that month."""
    engine = seeded_sqlite(tmp_path_factory.mktemp("hl"), flows_rows=0)
    codes = post_codes(engine, 6)
    report = import_data(engine, EDITOR, "flows", flows_file(codes, spike=codes[2], silent=codes[4]), "spike.csv")
    assert report.ok, [p.line("en") for p in report.problems]
    yield engine, codes
    engine.dispose()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_imported_4x_spike_is_the_first_highlight_in_both_languages(spiked, lang: str) -> None:
    engine, codes = spiked
    result = hl.find_highlights(engine, SPIKE_MONTH)
    first = result.shown()[0]
    assert (first.kind, first.subject) == ("flow_surge.post", codes[2])
    assert first.figures["ratio"] == pytest.approx(4, rel=0.2)
    assert first.link == f"/map?post={codes[2]}"
    text = words.render(result, lang)
    sentences = words.parse_text(text)
    assert sentences[0].startswith("Alza en " if lang == "es" else "Surge at ")
    # The post by its name and country, never its code (GTM-BET).
    assert f"({reference.country_name(codes[2][:3], lang)})" in sentences[0] and codes[2] not in sentences[0]
    assert ("en octubre de 2026" if lang == "es" else "in October 2026") in sentences[0]
    assert 3 <= len(sentences) <= hl.SHOWN
    # No other post is flagged: the other five follow their own seasonal pattern.
    flagged = [h.subject for h in result.items if h.kind.startswith("flow_") and h.kind.endswith(".post")]
    assert flagged == [codes[2]]


def test_the_post_that_stopped_reporting_is_named(spiked) -> None:
    engine, codes = spiked
    result = hl.find_highlights(engine, LAST)
    silent = [h for h in result.items if h.kind == "silent_posts"]
    assert [p["code"] for p in silent[0].figures["posts"]] == [codes[4]]
    sentence = words.sentence(silent[0], "es")
    assert f"({reference.country_name(codes[4][:3], 'es')})" in sentence and codes[4] not in sentence
    assert "no reportó" in sentence


def test_december_peaks_that_repeat_every_year_are_not_flagged(spiked) -> None:
    engine, _codes = spiked
    for december in (dt.date(2024, 12, 1), dt.date(2025, 12, 1)):
        result = hl.find_highlights(engine, december)
        assert not [h for h in result.items if h.kind.startswith(("flow_surge", "flow_drop"))], december
        total = next(h for h in result.items if h.kind == "flow_total")
        assert total.figures["count"] > 1.8 * total.comparison["previous"]  # a big December, nothing unusual


def _numbers(text: str) -> list[int]:
    """Every count written in a sentence (years and the '5' of '<5' left out)."""
    text = re.sub(r"<5", "", text)
    text = re.sub(r"\b20\d\d\b", "", text)
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]


def _walk(value) -> list:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value]


def test_returns_and_minors_are_published_figures_only(spiked) -> None:
    engine, _codes = spiked
    month, previous = LAST, periods.add_months(LAST, -1)
    rows = [("GTM", "trafficking_victim", 3), ("GTM", "unaccompanied_minor", 7), ("SLV", "other_vulnerable", 2),
            ("HND", "unaccompanied_minor", 9), ("NIC", "other_vulnerable", 1)]
    with engine.begin() as conn:
        conn.execute(delete(AssistedReturn).where(AssistedReturn.month.in_((month, previous))))
        conn.execute(insert(AssistedReturn), [{"month": month, "country_iso3": c, "category": k, "count": n}
                                              for c, k, n in rows]
                     + [{"month": previous, "country_iso3": "GTM", "category": "trafficking_victim", "count": 4}])
    result = hl.find_highlights(engine, month)
    returns = next(h for h in result.items if h.kind == "returns")
    # The file records 3 minors that month: its sentence shows only when a published figure (0 or 5 here,
    # by the server's key) is above 0, so whether it shows depends on published values only.
    minors = [h for h in result.items if h.kind == "minors"]
    published_minors = fq.minors_by_month(engine, fq.FlowFilters(previous, month, CA4))
    assert bool(minors) == any(published_minors.get(m, 0) > 0 for m in (month, previous))
    for item in (returns, *minors):
        for lang in ("es", "en"):
            text = words.sentence(item, lang)
            assert all(n % 5 == 0 for n in _numbers(text)), text  # multiples of 5 or '<5', never 1 to 4
        # The data handed to the JSON output is published too: multiples of 5, '<5' or None (no record).
        values = _walk(item.figures) + _walk(item.comparison)
        assert all(v % 5 == 0 for v in values if isinstance(v, int) and not isinstance(v, bool)), values
    # The sentence's figures are the sums of the published cells (geo.disclosure), the projects page's too.
    published = rt.returns_frame(engine, previous, month)
    now = published[published["month"] == month]
    assert returns.figures["total"] == disclosure.public_value(int(now["published"].sum()))
    assert returns.figures["categories"]["trafficking_victim"] == disclosure.public_value(
        int(now.loc[now["category"] == "trafficking_victim", "published"].sum()))
    assert returns.comparison["previous"] in ("<5", 5)  # one cell of 4: published 0 or 5
    payload = json.loads(words.render(result, "en", "json", limit=20))
    assert any(h["kind"] == "returns" for h in payload["highlights"])


def test_flows_are_read_from_the_rollups_never_the_raw_rows(spiked) -> None:
    engine, _codes = spiked
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        hl.find_highlights(engine, LAST)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    flow_reads = [s for s in statements if "flow_" in s]
    # flow_month_route for the rule; flow_monthly (a roll-up too) for the workshops' "where next" weights.
    assert any("flow_month_route" in s for s in flow_reads)
    assert not [s for s in flow_reads if "flow_counts" in s]


def test_markdown_escapes_names_from_data() -> None:
    assert words.md_escape("<b>x</b> [a](b) **c** $d$ :red[e]") == \
        r"\<b\>x\</b\> \[a\](b) \*\*c\*\* \$d\$ \:red\[e\]"


# ------------------------------------------------------------------------------------------ the CLI
def cli(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> tuple[int, str]:
    """`python -m geo highlights ARGS` in this process (the real entry point is run once, below)."""
    from geo.cli import main

    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    code = main(["highlights", *args])
    return code, capsys.readouterr().out


def test_cli_exit_codes_and_formats(spiked, capsys, monkeypatch) -> None:
    engine, codes = spiked
    url = str(engine.url)
    assert cli(capsys, monkeypatch, url, "--month", "2026-13")[0] == 2
    assert cli(capsys, monkeypatch, url, "--month", "octubre")[0] == 2
    assert cli(capsys, monkeypatch, url, "--month", "2031-01")[0] == 2  # no data that month
    code, out = cli(capsys, monkeypatch, url, "--month", "2026-10", "--lang", "en", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["month"] == "2026-10" and payload["highlights"][0]["subject"] == codes[2]
    code, out = cli(capsys, monkeypatch, url, "--month", "2026-10", "--format", "markdown")
    assert code == 0 and out.startswith("## Lo que cambió en ")
    # The real command line, once: same text as in process.
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "geo", "highlights", "--month", "2026-10", "--lang", "en"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == cli(capsys, monkeypatch, url, "--month", "2026-10", "--lang", "en")[1]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_cli_prints_what_the_overview_shows(app_env: str, lang: str, capsys, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from views import highlights as view

    at = AppTest.from_file(str(REPO / "screens/overview.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [m.value for m in at.markdown if re.match(r"^\d+\. ", m.value)]
    code, out = cli(capsys, monkeypatch, app_env, "--lang", lang)
    assert code == 0
    sentences = words.parse_text(out)
    assert 3 <= len(sentences) <= hl.SHOWN
    # The page's lines are the CLI's sentences, escaped for Markdown and followed by their link.
    assert [line.rsplit(" [", 1)[0] for line in shown] == [f"{i}. {words.md_escape(s)}"
                                                           for i, s in enumerate(sentences, 1)]
    engine = make_engine(app_env)
    result = hl.find_highlights(engine, hl.default_month(engine))
    assert shown == view.lines(result, lang)


def test_the_first_slide_shows_the_highlights_of_the_linked_period(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    from views import highlights as view

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params.update({"present": "1", "lang": "en", "from": "2026-01", "to": "2026-06", "country": "GTM"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.subheader] == ["What changed in June 2026"]
    engine = make_engine(app_env)
    result = hl.find_highlights(engine, dt.date(2026, 6, 1), hl.Scope(("GTM",)))
    # The title is the slide's message: the month's crossings against the month before (slides.slide_titles).
    total = next(h for h in result.items if h.kind == "flow_total")
    way = "rose" if total.figures["count"] > total.comparison["previous"] else "fell"
    [title] = [t.value for t in at.title]
    assert title.startswith(f"Crossings {way} ") and title.endswith(" % in June 2026")
    # The slide's short lines (words.short_line: a few words each, posts by name, no links) of the same
    # highlights the overview lists, in the same order.
    [shown] = [m.value for m in at.markdown if re.match(r"^\d+\. ", m.value)]
    lines = shown.split("\n")
    short = words.short_lines(result, "en", leave_out=("flow_total",))  # the month's total is the title
    assert lines == [f"{i}. {words.md_escape(line)}" for i, line in enumerate(short, 1)]
    assert not any(line.startswith("Crossings in the month") for line in short)
    assert 3 <= len(lines) <= 5 and len(lines) <= len(view.lines(result, "en"))
    assert "](" not in shown  # no links on a slide


def test_the_brief_carries_the_shown_highlights(spiked) -> None:
    from geo.overview import brief
    from geo.overview import figures as ov

    engine, _codes = spiked
    result = hl.find_highlights(engine, LAST)
    figures = ov.overview_figures(engine, periods.Period(periods.add_months(LAST, -11), LAST))
    spec = brief.overview_brief(figures, "es", 2026, result)
    assert spec.highlights == words.sentences(result, "es") and spec.highlights[0].startswith("Alza en ")
    assert spec.highlights_title == "Lo que cambió en " + words.fmt_month(LAST, "es")
    png = brief.render(spec, "png")
    assert png.startswith(b"\x89PNG") and brief.render(brief.overview_brief(figures, "en", None), "pdf")[:4] == b"%PDF"


def test_the_sample_events_are_found(app_db_url: str) -> None:
    """The sample generator's events (geo.flows.generate): its true surge, on both sides of its crossing, is the
    first highlight of its month and the only one flagged at a post; its silent post is named; its December peak
    (every year) is never flagged."""
    from geo.flows import generate

    if not hasattr(generate, "SURGE_POST"):
        pytest.skip("this sample generator has no surge event")
    engine = make_engine(app_db_url)  # the session's seeded database (20,000 sample flow rows)
    month = periods.add_months(generate.SAMPLE_END.replace(day=1), -generate.SURGE_MONTHS_BEFORE_END)
    result = hl.find_highlights(engine, month)
    first = result.shown()[0]
    # The surge is seen on both sides of its crossing (Agua Caliente): both posts are flagged, one of them first.
    sides = {generate.SURGE_POST, "HND-AGC"}
    assert (first.kind, first.subject in sides) == ("flow_surge.post", True)
    assert {h.subject for h in result.items if h.kind == "flow_surge.post"} == sides
    # ...and shown as one line (geo.overview.highlights.one_place), by the shared name with both countries.
    both = [h for h in result.shown() if h.kind == "flow_surge.post"]
    assert [h.figures["posts"] for h in both] == [sorted(sides)]
    assert both[0].figures["count"] == sum(h.figures["count"] for h in result.items if h.subject in sides)
    line = words.short_line(both[0], "es")
    assert line.startswith("Agua Caliente (Guatemala – Honduras): ")
    assert words.short_lines(result, "es").count(line) == 1
    assert words.sentence(both[0], "en").startswith("Surge at Agua Caliente (Guatemala – Honduras): ")
    last = hl.find_highlights(engine, generate.SAMPLE_END.replace(day=1))
    silent = [p["code"] for h in last.items if h.kind == "silent_posts" for p in h.figures["posts"]]
    assert generate.SILENT_POST in silent
    december = hl.find_highlights(engine, dt.date(generate.SAMPLE_END.year - 1, 12, 1))
    assert not [h for h in december.items if h.kind.startswith("flow_surge")]


def test_a_suspension_is_dated_by_the_audit_log(spiked) -> None:
    from sqlalchemy import update

    from geo.models import AuditEntry, PostComponent

    engine, _codes = spiked
    with engine.begin() as conn:
        row = conn.execute(select(PostComponent.id, Post.code, PostComponent.component_code, PostComponent.status)
                           .join(Post, Post.id == PostComponent.post_id)
                           .where(PostComponent.status.in_(("installation", "procurement")))
                           .order_by(PostComponent.id).limit(1)).one()
        conn.execute(update(PostComponent).where(PostComponent.id == row.id).values(status="suspended"))
        conn.execute(insert(AuditEntry), {"at": dt.datetime(2026, 10, 14, 9, 30), "username": "ana",
                                          "action": "update", "entity": "post_component",
                                          "entity_key": f"{row.code}/{row.component_code}", "field": "status",
                                          "old_value": row.status, "new_value": "suspended"})
    items = [h for h in hl.find_highlights(engine, LAST).items if h.kind == "upgrade_suspended"]
    assert [(c["post"], c["component"]) for c in items[0].figures["components"]] == [(row.code, row.component_code)]
    assert words.sentence(items[0], "es").startswith("1 componente fue suspendido en octubre de 2026: ")
    # The month before knows nothing of it (the sample's own story dates other suspensions there).
    before = [(c["post"], c["component"]) for h in hl.find_highlights(engine, periods.add_months(LAST, -1)).items
              if h.kind == "upgrade_suspended" for c in h.figures["components"]]
    assert (row.code, row.component_code) not in before


def test_the_spike_on_postgresql() -> None:
    """The same rule and wording on PostgreSQL/PostGIS (SUMs come back as NUMERIC there)."""
    from tests.conftest import fresh_postgres
    from tests.data_helpers import seed
    from tests.support import postgres_url

    postgres_url()  # skips (or fails in CI) without the test database
    with fresh_postgres() as engine:
        seed(engine, flows_rows=0)
        codes = post_codes(engine, 6)
        report = import_data(engine, EDITOR, "flows", flows_file(codes, spike=codes[2], silent=codes[4]), "s.csv")
        assert report.ok
        result = hl.find_highlights(engine, SPIKE_MONTH)
        assert [(h.kind, h.subject) for h in result.shown()[:1]] == [("flow_surge.post", codes[2])]
        assert words.parse_text(words.render(result, "en"))[0].startswith("Surge at ")
        assert not [h for h in hl.find_highlights(engine, dt.date(2025, 12, 1)).items
                    if h.kind.startswith("flow_surge")]


def test_both_sides_of_one_crossing_flagged_alike_are_one_line() -> None:
    """THE one-place rule (geo.map_text.one_place_crossings) on the findings: two sides under one name flagged
    alike merge (counts summed, the higher-ranked side's place); a side flagged alone, a drop beside a surge, and
    a crossing whose sides have two names stay as they are."""
    from geo.map_text import one_place_crossings

    posts = pd.DataFrame({"code": ["GTM-AGC", "HND-AGC", "GTM-ELF", "SLV-X", "HND-Y", "GTM-AIR"],
                          "name": ["Agua Caliente", "Agua Caliente", "El Florido", "Anguiatú", "Otro", "La Aurora"],
                          "type": ["land"] * 5 + ["air"],
                          "crossing_code": ["GTM-HND-1", "GTM-HND-1", "GTM-HND-2", "HND-SLV-1", "HND-SLV-1", None]})
    assert one_place_crossings(posts).tolist()[:3] == ["GTM-HND-1", "GTM-HND-1", "GTM-HND-2"]
    assert one_place_crossings(posts).iloc[3:].isna().all()  # two names: two places; an airport: none

    def finding(code: str, kind: str, count: int, score: float, crossing: str | None = "GTM-HND-1") -> hl.Highlight:
        figures = {"month": "2026-06", "count": count, "expected": count // 2, "ratio": 2.0, "name": "Agua Caliente",
                   "country": code[:3], **({"crossing": crossing} if crossing else {})}
        comparison = {"previous": count // 3, "year_ago": count // 4, "z": score / 10, "ratios": 20}
        return hl.Highlight(kind, "flows", code, figures, comparison, f"/map?post={code}", score)

    items = [finding("HND-AGC", "flow_surge.post", 900, 30.0), finding("SLV-X", "flow_surge.post", 50, 20.0, None),
             finding("GTM-AGC", "flow_surge.post", 1000, 10.0), finding("GTM-ELF", "flow_drop.post", 10, 5.0)]
    merged = hl.one_place(items)
    assert [h.subject for h in merged] == ["HND-AGC", "SLV-X", "GTM-ELF"]
    both = merged[0]
    assert (both.figures["count"], both.figures["expected"], both.figures["ratio"]) == (1900, 950, 2.0)
    assert both.figures["posts"] == ["GTM-AGC", "HND-AGC"] and both.figures["countries"] == ["GTM", "HND"]
    assert (both.comparison["previous"], both.link, both.score) == (300 + 333, "/map?post=HND-AGC", 30.0)
    assert words.short_line(both, "en").startswith("Agua Caliente (Guatemala – Honduras): 1,900 ")
    alone = hl.one_place([items[0], finding("GTM-AGC", "flow_drop.post", 10, 1.0)])  # a surge and a drop: two
    assert [h.figures.get("posts") for h in alone] == [None, None]
