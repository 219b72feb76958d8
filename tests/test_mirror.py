"""Mirror statistics (geo.flows.mirror): the rule on crafted data, on the seeded sample (only the planted gap),
and after importing a file that triples one side of another crossing for one month (the import warns,
`python -m geo check` names the crossing and the month, the highlights mention it)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geo.access.auth import Actor
from geo.db import make_engine
from geo.flows import generate, mirror, mirror_view
from geo.io.imports import import_data
from geo.overview import highlight_text as words
from geo.overview import highlights as hl
from tests.support import copy_sqlite

MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]
POSTS = pd.DataFrame([
    # a consistent crossing, a crossing with a bad month, a land post alone on its crossing, an airport
    ("AAA-ONE", "Uno", "AAA", "BBB", "land", "X-1"), ("BBB-ONE", "Uno", "BBB", "AAA", "land", "X-1"),
    ("AAA-TWO", "Dos", "AAA", "BBB", "land", "X-2"), ("BBB-TWO", "Dos", "BBB", "AAA", "land", "X-2"),
    ("AAA-LON", "Sola", "AAA", "BBB", "land", "X-3"), ("AAA-AIR", "Aeropuerto", "AAA", None, "air", None),
], columns=["code", "name", "country_iso3", "neighbour_iso3", "type", "crossing_code"])
BAD_MONTH = dt.date(2025, 7, 1)


def crafted(tripled: str | None = "AAA-TWO") -> pd.DataFrame:
    """Monthly counts: each side records the other's figure within ±3 %; `tripled`'s exits are 3 x in BAD_MONTH;
    the lone land post and the airport record flows too (nothing to compare them with)."""
    rows = []
    for number, month in enumerate(MONTHS):
        wobble = 1 + 0.03 * ((number % 3) - 1)  # 0.97, 1.00, 1.03
        for a, b, base in (("AAA-ONE", "BBB-ONE", 40_000), ("AAA-TWO", "BBB-TWO", 12_000)):
            for leave, reach, flow in ((a, b, base), (b, a, base * 0.9)):
                exits = flow * (3 if leave == tripled and month == BAD_MONTH else 1)
                rows += [(month, leave, "exit", round(exits * wobble)), (month, reach, "entry", round(flow))]
        rows += [(month, "AAA-LON", "entry", 900), (month, "AAA-LON", "exit", 950), (month, "AAA-AIR", "entry", 5_000)]
    return pd.DataFrame(rows, columns=["month", "post_code", "direction", "count"])


# ------------------------------------------------------------------------------------------ the rule alone
def test_the_tolerance_is_a_share_and_a_number_of_persons() -> None:
    assert not mirror.is_gap(10_000, 12_400)  # 24 % more
    assert mirror.is_gap(10_000, 12_600) and mirror.is_gap(12_600, 10_000)  # 26 %, either way round
    assert not mirror.is_gap(1_000, 1_400)  # 40 % more, but 400 persons: a small crossing's noise
    assert mirror.is_gap(1_000, 1_600)


def test_a_consistent_crossing_passes_and_a_tripled_month_is_found() -> None:
    table = mirror.mirror_table(POSTS, crafted())
    assert set(table["crossing"]) == {"X-1", "X-2"}  # the lone post and the airport have no mirror
    assert len(table) == 2 * 2 * len(MONTHS)  # two crossings, two directions, every month
    assert not table.loc[table["crossing"] == "X-1", "gap"].any()
    gaps = table[table["gap"]]
    assert len(gaps) == 1
    gap = gaps.iloc[0]
    assert (gap["crossing"], gap["month"], gap["exit_post"], gap["entry_post"]) == ("X-2", BAD_MONTH, "AAA-TWO",
                                                                                     "BBB-TWO")
    assert (gap["origin"], gap["destination"]) == ("AAA", "BBB")
    assert gap["ratio"] == pytest.approx(3, rel=0.05)
    runs = mirror.gap_runs(table)
    assert [(r.crossing, r.first, r.last, r.months) for r in runs] == [("X-2", BAD_MONTH, BAD_MONTH, 1)]
    assert (runs[0].exits, runs[0].entries) == (int(gap["exits"]), int(gap["entries"]))


def test_without_the_tripled_month_nothing_is_found() -> None:
    assert not mirror.mirror_table(POSTS, crafted(tripled=None))["gap"].any()


def test_a_post_without_partner_is_said_to_have_none() -> None:
    pairs, alone = mirror.crossings(POSTS)
    assert [(p.code, p.a, p.b) for p in pairs] == [("X-1", "AAA-ONE", "BBB-ONE"), ("X-2", "AAA-TWO", "BBB-TWO")]
    assert alone == ["AAA-LON"]  # the airport is not a land post: it is not listed as lacking a partner


def test_a_month_one_side_did_not_report_is_not_compared() -> None:
    monthly = crafted(tripled=None)
    silent = (monthly["post_code"] == "BBB-ONE") & (monthly["month"] == BAD_MONTH)
    table = mirror.mirror_table(POSTS, monthly[~silent])
    assert BAD_MONTH not in set(table.loc[table["crossing"] == "X-1", "month"])
    assert not table["gap"].any()


def test_consecutive_gap_months_make_one_run() -> None:
    monthly = crafted(tripled=None)
    hit = (monthly["post_code"] == "BBB-TWO") & (monthly["direction"] == "entry") & \
        monthly["month"].isin(MONTHS[2:5] + MONTHS[8:9])
    monthly.loc[hit, "count"] *= 2
    runs = mirror.gap_runs(mirror.mirror_table(POSTS, monthly))
    assert [(r.exit_post, r.first, r.last, r.months) for r in runs] == [
        ("AAA-TWO", MONTHS[2], MONTHS[4], 3), ("AAA-TWO", MONTHS[8], MONTHS[8], 1)]


def test_the_panel_lists_gaps_first_and_the_chart_draws_both_sides(monkeypatch: pytest.MonkeyPatch) -> None:
    table = mirror.mirror_table(POSTS, crafted())
    shown = mirror_view.summary(table)
    assert list(shown.iloc[0][["crossing", "exit_post", "gaps", "months"]]) == ["X-2", "AAA-TWO", 1, 12]
    assert (shown["gaps"].iloc[1:] == 0).all()
    figure = mirror_view.crossing_chart(table[table["crossing"] == "X-2"], {"AAA-TWO": "<b>Dos</b> (A)"}, "en")
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    assert len(lines) == 4  # exits and the entries that mirror them, both directions
    assert any(trace.name == "Exits at &lt;b&gt;Dos&lt;/b&gt; (A)" for trace in lines)  # a name from data is text
    marks = [trace for trace in figure.data if trace.mode == "markers"]
    assert [len(trace.x) for trace in marks] == [1]  # the one month beyond the tolerance


# ------------------------------------------------------------------------------------------ the seeded sample
@pytest.fixture(scope="module")
def sample(app_db_url: str) -> Engine:
    return make_engine(app_db_url)


def test_on_the_sample_only_the_planted_gap_is_found(sample: Engine) -> None:
    table = mirror.database_table(sample)
    crossing, _direction = generate.UNRECORDED_TRANSIT
    assert table["crossing"].nunique() == 24  # every land crossing with both sides recorded
    runs = mirror.gap_runs(table)
    assert [(r.crossing, r.origin, r.destination) for r in runs] == [(crossing, "NIC", "HND")]
    run = runs[0]
    assert (run.first, run.last) == (generate.SAMPLE_START, dt.date(2024, 12, 1))  # until the route collapsed
    assert run.entries > 2 * run.exits  # visible: the transit Honduras registered, Nicaragua did not
    others = table[table["crossing"] != crossing]
    assert others["ratio"].median() < 1.05 and others["ratio"].max() < 1 + mirror.TOLERANCE  # a few percent


def test_a_post_profile_shows_its_mirror(sample: Engine) -> None:
    partner, table = mirror.post_mirror(sample, "HND-MAN")
    assert partner == "NIC-MAN"
    assert set(table["exit_post"]) == {"HND-MAN", "NIC-MAN"}
    assert "months beyond the tolerance" in mirror_view.profile_status(table, "en")
    partner, table = mirror.post_mirror(sample, "GTM-VNU")
    assert partner == "SLV-CHI" and not table.empty
    assert mirror_view.profile_status(table, "en").startswith("Both sides agree")
    partner, table = mirror.post_mirror(sample, "GTM-GUA")  # an airport
    assert partner is None and table.empty


def test_the_sample_has_no_new_gap_for_the_highlights(sample: Engine) -> None:
    # what the highlights' mirror item reads (hl._mirror_items): nothing in the sample's months, the planted
    # gap's first month aside (it has no month before it)
    assert mirror.new_gaps(sample, dt.date(2026, 10, 1)) == []
    assert mirror.new_gaps(sample, dt.date(2025, 1, 1)) == []  # the gap ended; none began


# ------------------------------------------------------------------------------------------ an import
TRIPLED_POST, TRIPLED_MONTH = "SLV-CHI", dt.date(2026, 5, 1)  # Las Chinamas' exits, on GTM-SLV-02


@pytest.fixture(scope="module")
def imported(app_db_url: str, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the sample with a flows file imported that triples Las Chinamas' exits in May 2026."""
    url = copy_sqlite(app_db_url, tmp_path_factory.mktemp("mirror") / "imported.sqlite")
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = pd.read_sql(text(
            "SELECT f.day, p.code AS post_code, f.direction, f.nationality, f.sex, f.age_band, f.prev_country, "
            "f.next_country, f.count, f.unaccompanied_minors FROM flow_counts f JOIN posts p ON p.id = f.post_id "
            "WHERE p.code = :post AND f.direction = 'exit' AND f.month = :month"),
            conn, params={"post": TRIPLED_POST, "month": TRIPLED_MONTH})
    assert len(rows) > 0
    rows["count"] *= 3
    report = import_data(engine, Actor("ana", "editor"), "flows", rows.to_csv(index=False).encode(), "triple.csv")
    yield url, engine, report
    engine.dispose()


def test_the_import_saves_and_warns(imported) -> None:
    _url, _engine, report = imported
    assert report.ok and report.written  # data, not an error
    assert len(report.warnings) == 1
    en, es = report.warnings[0].line("en"), report.warnings[0].line("es")
    assert "Las Chinamas (SLV-CHI)" in en and "Valle Nuevo (GTM-VNU)" in en and "2026-05" in en
    assert "El Salvador → Guatemala" in en and "Warning" in en
    assert "Aviso" in es and "2026-05" in es


def test_check_names_the_crossing_and_the_month(imported, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from geo.cli import main
    from geo.db import get_engine

    url, _engine, _report = imported
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    try:
        assert main(["check"]) == 1
    finally:
        get_engine.cache_clear()
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("PROBLEM crossing")]
    assert len(lines) == 2, lines  # the planted gap, and the tripled month
    tripled = next(line for line in lines if "GTM-SLV-02" in line)
    assert tripled.startswith("PROBLEM crossing GTM-SLV-02 (Valle Nuevo – Las Chinamas): mirror gap "
                              "El Salvador → Guatemala, 2026-05: ")
    found = re.search(r"2026-05: ([\d,]+) exits at Las Chinamas \(SLV-CHI\), ([\d,]+) entries at Valle Nuevo", tripled)
    assert found, tripled
    exits, entries = (int(n.replace(",", "")) for n in found.groups())
    assert exits == pytest.approx(3 * entries, rel=0.1)


def test_the_highlights_mention_the_new_gap(imported) -> None:
    _url, engine, _report = imported
    result = hl.find_highlights(engine, TRIPLED_MONTH)
    gaps = [h for h in result.items if h.kind == "mirror_gap"]
    assert [(h.subject, h.figures["exit_post"]) for h in gaps] == [("GTM-SLV-02", TRIPLED_POST)]
    assert gaps[0] in result.shown()
    sentence = words.sentence(gaps[0], "en")
    # Names, never codes: the crossing by its posts, each post with its country.
    assert sentence.startswith("Mirror gap at Las Chinamas – Valle Nuevo in May 2026: Las Chinamas (El Salvador) "
                               "recorded ")
    assert words.sentence(gaps[0], "es").startswith("Brecha espejo en Las Chinamas – Valle Nuevo en mayo de 2026")
    assert "GTM-" not in sentence and "SLV-" not in sentence
    # The month after, there is no gap (the file changed May only): nothing to say.
    assert mirror.new_gaps(engine, dt.date(2026, 6, 1)) == []


# ------------------------------------------------------------------------------------------ the pages
def test_the_panel_and_the_profile_show_the_mirror(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    repo = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(repo / "screens/data.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "Crossing" in d.value.columns)
    assert list(table.iloc[0][["Crossing", "Direction", "Gap months / compared"]]) == [
        "Las Manos", "Nicaragua → Honduras", "24 / 46"]  # by name: the direction names its countries
    assert (table["Gap months / compared"].iloc[1:].str.startswith("0 / ")).all()  # only the planted gap
    assert at.selectbox(key="mirror_crossing").value == "HND-NIC-03"  # charted first
    at = AppTest.from_file(str(repo / "screens/map.py"), default_timeout=90)
    at.query_params.update({"lang": "es", "post": "HND-MAN"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    said = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any(s.startswith("**Espejo: Las Manos") and "Nicaragua" in s for s in said), said
    assert "24 de 46 meses fuera de la tolerancia (25 % y 500 personas)." in said
