"""Seeded generator of sample flow counts, calibrated to published figures, made one month at a time.

Everything it makes is flagged is_sample and labelled as sample data in the UI. Deterministic for a
seed whatever the number of rows, and vectorised with numpy; `iter_flow_frames` yields one month at a
time so memory stays flat at any row count (20 million rows included).

What a row is
    A stored row is an aggregate: day x post x direction x nationality x sex x age band (x previous/next
    country), with a `count` of crossings and, within it, a count of unaccompanied minors. The number of
    rows asked for decides how finely each post-day is split into categories, never how many people
    cross: volumes and shares below hold at 150 thousand rows as at 20 million.

Declared shares (of the SUM of counts, at any row count)
    Sex: SEX_SHARE (F 46 %, M 52 %, not recorded 2 %). Age: AGE_SHARE (0-17 12 %, 18-29 30 %,
    30-44 30 %, 45-59 18 %, 60+ 7 %, unknown 3 %). Sex and age are independent of nationality here.
    How: each post-day keeps k of its 288 categories (16 nationalities x 3 sexes x 6 age bands) by
    systematic sampling with inclusion probability pi = min(1, lambda * p) (p: the category's expected
    share), and a kept category carries the day's volume x p / pi. That is the Horvitz-Thompson
    estimator: the expected count of every category is exactly its declared share of the volume whatever
    k is (the old generator kept the k most frequent categories, so with few rows no child, no one over
    60 and few women were ever recorded).

Unaccompanied minors
    UAM_PER_YEAR (about 2,200 a year in the whole region) sit on rows of age band 0-17: CA4 nationals
    entering their own country (returns by land and by air) and extra-regional nationals moving north at
    land posts. The programme assists few of them: the sample's assisted returns of unaccompanied minors
    (geo.sample.RETURNS_PER_MONTH) are about 32 a year, some 1 in 70. Order of magnitude, not a published
    figure.

Yearly volumes (entries + exits recorded at each country's posts), YEARLY_CROSSINGS
    - El Salvador 13.8 M: DGME, 6,911,371 entries and exits in the first half of 2024 (land 4,617,300 =
      67 %, air 2,258,044 = 33 %, sea 36,027), as reported by Comercio y Negocios and Mercados y Finanzas
      in July 2024; DGME counted 12.7 M at the launch of its 2024 year-end plan, already above 2023's total
      (Diario El Salvador). Las Chinamas took 87,317 of 364,335 Semana Santa movements, about 29 % of those
      by land (DGME via Diario Co Latino).
    - Guatemala 8.0 M: IGM recorded 2,593,790 entries in 2021 (61.6 % land, 38.3 % air, 0.1 % sea; La
      Aurora 40.3 %, Valle Nuevo 16.6 %, Pedro de Alvarado 14.1 %), cited in the Vice-presidency's
      Política Migratoria (IGM 2023). 2021 was a pandemic year; IGM counted 358,683 entries and 369,845
      exits at La Aurora from 1 January to 22 March 2023 (about 3.3 M a year), which at La Aurora's share
      of about 40 % gives about 8 M a year. Derived, not published as such.
    - Honduras 5.5 M: NO annual figure of regular entries and exits was found. Anchors: INM counted about
      1.3 M foreign entries from January to October 2019 (El Heraldo, via INM transparency portal), about
      1.6 M a year; doubled for exits and with about as many Hondurans again gives 5-6 M. Post shares from
      INM's Semana Santa 2022 entries (La Mesa 16,760; El Amatillo 15,698; Palmerola 8,399; Corinto
      8,256; Guasaule 7,758; others 27,621, split between land and air by assumption). An
      order-of-magnitude assumption.
    - Nicaragua 4.0 M: NO annual figure found either. Anchors: Banco Central de Nicaragua counted 387,700
      air arrivals and 342,300 air departures in the first half of 2024 (La Prensa, Sept. 2024), about
      1.46 M a year by air; DGME's Semana Santa count (185,247 movements: Peñas Blancas 72,187, airport
      38,987, Guasaule 28,631, Las Manos 13,473, Corinto 10,026; TN8) gives the split by land post. With
      air at about 36 % of an ordinary week: about 4 M. An order-of-magnitude assumption.
    - Within a country and kind of post, the posts named in POST_SHARE_OF_TYPE take the share the counts
      above give them; the others share the rest by road (CA-1, CA-2 x3) and a seeded spread (assumed).
    - Both sides of a crossing count the same people, so a crossing carries ONE figure: the geometric mean
      of what each side's country split gives it (a Mexican, Belizean or Costa Rican post takes its
      programme partner's figure). The countries' own counts disagree about their common crossings (El
      Salvador's post shares give Las Chinamas and La Hachadura more traffic than Guatemala's derived total
      leaves room for), so the totals move: PAIRED_YEARLY_CROSSINGS (GTM about 9.6 M, SLV 11.0 M, HND
      5.9 M, NIC 4.1 M a year, the transit below included) instead of YEARLY_CROSSINGS.
    Mean daily volume over the whole generated period follows those figures, so a given year is within the
    trend (+6 % a year) and the events below of them.

History
    SAMPLE_START to SAMPLE_END: 46 months (January 2023 to October 2026), so the highlights' seasonal rule
    (12 past year-on-year ratios) works from January 2025 on.

Both sides of a crossing (mirror statistics, geo.flows.mirror)
    - A crossing's flow from A to B is recorded as exits at A's post and as entries at B's post, each side
      with its own monthly recording noise (RECORDING_SD, 1.2 %) on top of counting (Poisson) noise, so the
      two figures of a month differ by a few percent: about 2 % at the median, about 10 % at worst.
    - Entries and exits of a post differ: each crossing leans one way by DIRECTION_TILT_SD (4 %) lastingly
      and DIRECTION_MONTH_SD (3 %) month to month; the surge and the transit run one way.
    - THE planted gap: Las Manos (HND-NIC-03). The extra-regional transit that Honduras registered on entry
      left Nicaragua away from its post (UNRECORDED_TRANSIT): Honduras' side records it, Nicaragua's does not,
      so from January 2023 to December 2024 the entries at HND-MAN are 2 to 6 times the exits at NIC-MAN; after
      the collapse of January 2025 the difference is back inside the tolerance. An assumption modelled on the
      2023 route, not a published count of either post. It is the only crossing beyond the mirror tolerance.

Nationalities (nationality_shares; regular travellers; the figures are weights, normalised to sum to 1)
    - Land posts: a flow from country O to country D is 47 % nationals of O and 41 % of D, 2.2 % each of the
      other programme countries, 0.6 % each of Mexico, Belize, Costa Rica and Panama, 1.2 % US nationals and
      0.12 % each of the other extra-regional nationalities: nationals of the region are about 98 % of the
      regular land traffic (cross-border trade, family and work travel within the CA-4 free-movement area,
      as the directorates' holiday counts describe). Both sides of a crossing see the same mix.
    - Airports: nationals 44 % of entries and 46 % of exits; US nationals (visitors and the diaspora's
      US-passport holders, the largest foreign group at the region's airports) 23 % of entries, 21 % of exits;
      Mexico 6 %, the other programme countries 3.5 % each, Colombia 2.5 %, Costa Rica and Panama 1.5 % each,
      the other extra-regional nationalities 0.6 % each. Seaports: nationals 58 %, US 14 %, the rest alike.
    - Extra-regional transit (TRANSIT_*): northbound along one route, Nicaragua -> Las Manos -> Honduras ->
      Agua Caliente -> Guatemala -> Tecún Umán -> Mexico, TRANSIT_FIRST_YEAR (300,000) people in 2023,
      halving every TRANSIT_HALF_LIFE_MONTHS (9) months, down to a tenth from January 2025
      (TRANSIT_COLLAPSE). Nationalities TRANSIT_NATIONALITY (Venezuela 46 %, Ecuador 14 %, China 11 %,
      Cuba 9 %, Haiti 8 %, Colombia 8 %, India 4 %). Shape after INM Honduras, which registered some 545,000
      irregular entries in 2023, mostly at Trojes and Las Manos (El Paraíso) and mostly Venezuelans, Cubans,
      Haitians, Ecuadorians and Chinese; fewer in 2024, and a collapse of the northbound route in 2025 (press
      reports of the INM figures, read 2026-11). Order of magnitude and shape assumed; the sample's route
      carries about half of INM's 2023 figure.
    So the extra-regional nationalities are concentrated at the three route crossings and in 2023-2024;
    US nationals are the largest group from outside the region overall and at the airports.

Sources (press reports of the directorates' own counts; read 2026-11)
    comercioynegocios.org/destacado/flujo-migratorio-en-el-salvador-supera-6-9-millones/
    diarioelsalvador.com/el-salvador-ha-registrado-un-mayor-flujo-migratorio-por-fronteras-este-ano/598869/
    diariocolatino.com/guatemala-y-honduras-los-preferidos-de-los-salvadorenos/
    vicepresidencia.gob.gt/politica-migratoria/43-servicios-migratorios-consulares-y-gestion-integral-de-fronteras
    igm.gob.gt/controles-migratorios-en-el-aeropuerto-internacional-la-aurora-son-normales/
    elheraldo.hn/elheraldodata/1346013-466/ (INM: foreign entries 2014-2019)
    hondudiario.com/?p=385872 (INM: Semana Santa 2022)
    laprensani.com/2024/09/05/economia/3375055-leve-declive-en-el-negocio-de-ortega-menos-migrantes-pasan-por-el-aeropuerto-de-managua
    tn8.tv/nacionales/417742-nicaragua-flujo-migratorio-incrementa-53-durante-semana-santa
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.models import AGE_BANDS, SEXES
from geo.reference import CA4  # the programme's countries, defined once

# The generator's output version: bump it whenever a change alters what a (rows, seed) pair generates, so a
# database built by an older generator (the benchmark keeps its databases) is never taken for a current one.
SAMPLE_VERSION = 3
SAMPLE_START = dt.date(2023, 1, 1)  # 46 months: the seasonal rule has two years of history from 2025-01 on
SAMPLE_END = dt.date(2026, 10, 31)  # fixed so the sample is identical whatever the day it is made
SAMPLE_DAYS = (SAMPLE_END - SAMPLE_START).days + 1  # 1,400 days

NEIGHBOURS = ("MEX", "BLZ", "CRI", "PAN")
EXTRA_REGIONAL = ("VEN", "CUB", "HTI", "COL", "ECU", "USA", "CHN", "IND")
NATIONALITIES = CA4 + NEIGHBOURS + EXTRA_REGIONAL

# Position along the northbound route: moving to a higher rank is moving north.
ROUTE_RANK = {"PAN": 0, "CRI": 1, "NIC": 2, "HND": 3, "SLV": 3.5, "GTM": 4, "BLZ": 4.5, "MEX": 5}

SEX_SHARE = {"F": 0.46, "M": 0.52, "U": 0.02}
AGE_SHARE = {"0-17": 0.12, "18-29": 0.30, "30-44": 0.30, "45-59": 0.18, "60+": 0.07, "unknown": 0.03}
_SEX_SHARE = np.array([SEX_SHARE[s] for s in SEXES])
_AGE_SHARE = np.array([AGE_SHARE[a] for a in AGE_BANDS])
MINOR_BAND = "0-17"

# Entries + exits a year at each CA4 country's posts (sources in the module docstring).
YEARLY_CROSSINGS = {"GTM": 8_000_000, "SLV": 13_800_000, "HND": 5_500_000, "NIC": 4_000_000}
# Share of a country's crossings by kind of post (GTM: IGM 2021; SLV: DGME H1 2024; HND, NIC: assumed
# from the holiday counts and the air figures cited above).
TYPE_SHARE = {
    "GTM": {"land": 0.616, "air": 0.383, "sea": 0.001},
    "SLV": {"land": 0.668, "air": 0.327, "sea": 0.005},
    "HND": {"land": 0.633, "air": 0.357, "sea": 0.010},
    "NIC": {"land": 0.580, "air": 0.365, "sea": 0.055},
}
# Share of a post within its country's crossings of its kind, where a published count gives it; the
# other posts of that kind share the rest by road and a seeded spread.
POST_SHARE_OF_TYPE = {
    "GTM-VNU": 0.166 / 0.616, "GTM-PDA": 0.141 / 0.616, "GTM-FRS": 0.03,
    "SLV-CHI": 0.29,
    "HND-AMA": 0.289, "HND-COR": 0.152, "HND-GUA": 0.143, "HND-SAP": 0.556, "HND-XPL": 0.278,
    "NIC-PBL": 0.530, "NIC-GUA": 0.210, "NIC-MAN": 0.099, "NIC-COR": 0.95,
}
NEIGHBOUR_FALLBACK_YEARLY = 300_000
# Entries + exits a year at each country's posts once both sides of every crossing carry one figure, the
# transit included (default seed, whole period): measured, and checked by tests/test_sample.py.
PAIRED_YEARLY_CROSSINGS = {"GTM": 9_600_000, "SLV": 11_000_000, "HND": 5_900_000, "NIC": 4_100_000}

UAM_PER_YEAR = 2_200

WEEKDAY_FACTORS = (0.95, 0.9, 0.9, 0.95, 1.15, 1.2, 1.05)  # Monday .. Sunday
DECEMBER_FACTOR = 1.45
JANUARY_FACTOR = 1.15
HOLY_WEEK_FACTOR = 1.6
TREND_PER_YEAR = 0.06

SURGE_POST = "GTM-AGC"
SURGE_MONTHS_BEFORE_END = 0
SURGE_NORTH, SURGE_SOUTH = 4.5, 1.4  # the surge's factor on the crossing's northbound and southbound flows
SILENT_POST = "HND-MAP"
SILENT_MONTHS = 2

# The two sides of a crossing record the same people (mirror statistics, geo.flows.mirror).
DIRECTION_TILT_SD = 0.04  # a crossing's lasting imbalance between its two directions (of half its volume)
DIRECTION_MONTH_SD = 0.03  # and its month-to-month wobble: entries and exits of a post differ
RECORDING_SD = 0.012  # one side's monthly recording noise on top of counting noise (corrections, month ends)

# Extra-regional transit northbound (see the docstring): where it was reported, and when.
TRANSIT_FIRST_YEAR = 300_000  # people entering Honduras from Nicaragua on the route in the sample's first year
TRANSIT_HALF_LIFE_MONTHS = 9.0
TRANSIT_COLLAPSE = dt.date(2025, 1, 1)  # from this month on the route carries a tenth of its trend
TRANSIT_COLLAPSE_FACTOR = 0.1
# (crossing, from country, to country), south to north: Las Manos, Agua Caliente, Tecún Umán-Ciudad Hidalgo.
TRANSIT_ROUTE = (("HND-NIC-03", "NIC", "HND"), ("GTM-HND-01", "HND", "GTM"), ("GTM-MEX-01", "GTM", "MEX"))
# The planted mirror gap: the Nicaraguan side of Las Manos records none of the transit's exits.
UNRECORDED_TRANSIT = ("HND-NIC-03", "exit")
TRANSIT_NATIONALITY = {"VEN": 0.46, "ECU": 0.14, "CHN": 0.11, "CUB": 0.09, "HTI": 0.08, "COL": 0.08, "IND": 0.04}

DIRECTIONS = ("entry", "exit")
MAX_FRAME_ROWS = 250_000  # about 100 MB of frame and as much again while it is written
N_COMBOS = len(NATIONALITIES) * len(SEXES) * len(AGE_BANDS)
_NAT_IDX, _SEX_IDX, _AGE_IDX = (a.ravel() for a in np.meshgrid(
    np.arange(len(NATIONALITIES)), np.arange(len(SEXES)), np.arange(len(AGE_BANDS)), indexing="ij"))
_NAT_NAMES = np.array(NATIONALITIES, dtype=object)
_SEX_NAMES = np.array(SEXES, dtype=object)
_AGE_NAMES = np.array(AGE_BANDS, dtype=object)


@dataclass(frozen=True)
class PostProfile:
    post_id: int
    country: str
    neighbour: str | None
    type: str
    road: str | None
    code: str | None = None  # events and published post shares are keyed on it
    crossing: str | None = None  # a neighbour's post mirrors the volume of its partner on the crossing


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = ((h + l_ - 7 * m + 114) % 31) + 1
    return dt.date(year, month, day)


def day_factors(days: pd.DatetimeIndex) -> np.ndarray:
    """Relative traffic of each day: week rhythm, Semana Santa, December and January, trend."""
    weekly = np.array(WEEKDAY_FACTORS)[days.day_of_week.to_numpy()]
    month = days.month.to_numpy()
    yearly = np.where(month == 12, DECEMBER_FACTOR, 1.0) * np.where(month == 1, JANUARY_FACTOR, 1.0)
    holy = np.ones(len(days))
    for year in sorted(set(days.year)):
        sunday = pd.Timestamp(easter(int(year)))
        holy[(days >= sunday - pd.Timedelta(days=7)) & (days <= sunday)] = HOLY_WEEK_FACTOR
    years = (days - days[0]).days.to_numpy() / 365.25
    trend = 1.0 + TREND_PER_YEAR * years
    return weekly * yearly * holy * trend


def post_weight(profile: PostProfile, rng: np.random.Generator) -> float:
    """Relative size of a post among the posts of its country and kind that no published count sizes."""
    base = {"land": 1.0, "air": 1.6, "sea": 0.15}[profile.type]
    if profile.road in ("CA-1", "CA-2"):  # the Pan-American and Pacific coastal highways
        base *= 3.0
    return base * float(rng.lognormal(0.0, 0.5))


def crossing_pairs(profiles: list[PostProfile]) -> dict[str, tuple[int, int]]:
    """Crossing code -> the indices of its two land posts (one each side), for crossings with both sides."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(profiles):
        if p.crossing and p.type == "land":
            groups.setdefault(p.crossing, []).append(i)
    return {c: (m[0], m[1]) for c, m in sorted(groups.items())
            if len(m) == 2 and profiles[m[0]].country != profiles[m[1]].country}


def yearly_volumes(profiles: list[PostProfile], rng: np.random.Generator) -> np.ndarray:
    """Entries + exits a year at each post: the country's figure, split by kind of post, then by post; the two
    posts of a crossing then carry one figure (_one_figure_per_crossing)."""
    weights = np.array([post_weight(p, rng) for p in profiles])
    volumes = np.zeros(len(profiles))
    for country, total in YEARLY_CROSSINGS.items():
        for kind, kind_share in TYPE_SHARE[country].items():
            members = [i for i, p in enumerate(profiles) if p.country == country and p.type == kind]
            if not members:
                continue
            fixed = {i: POST_SHARE_OF_TYPE[profiles[i].code] for i in members
                     if profiles[i].code in POST_SHARE_OF_TYPE}
            free = [i for i in members if i not in fixed]
            rest = max(1.0 - sum(fixed.values()), 0.0)
            if not free:  # the published shares are all there is: they share the whole kind
                scale, rest = 1.0 / sum(fixed.values()), 0.0
            else:
                scale = 1.0
            for i, share in fixed.items():
                volumes[i] = total * kind_share * share * scale
            free_weight = weights[free].sum() if free else 1.0
            for i in free:
                volumes[i] = total * kind_share * rest * weights[i] / free_weight
    by_crossing = {(p.crossing, p.country): volumes[i] for i, p in enumerate(profiles)
                   if p.crossing and p.country in YEARLY_CROSSINGS}
    for i, p in enumerate(profiles):
        if p.country not in YEARLY_CROSSINGS:
            partner = by_crossing.get((p.crossing, p.neighbour)) if p.crossing else None
            volumes[i] = partner if partner is not None else NEIGHBOUR_FALLBACK_YEARLY * weights[i]
    return _one_figure_per_crossing(profiles, volumes)


def _one_figure_per_crossing(profiles: list[PostProfile], volumes: np.ndarray) -> np.ndarray:
    """Both posts of a crossing get one volume: the geometric mean of the two sides' own figures (they count
    the same people); a neighbour outside the programme follows the programme's side. Country totals then
    move (PAIRED_YEARLY_CROSSINGS) where the countries' own counts disagree about their common crossings."""
    out = volumes.copy()
    for a, b in crossing_pairs(profiles).values():
        in_a, in_b = profiles[a].country in YEARLY_CROSSINGS, profiles[b].country in YEARLY_CROSSINGS
        if in_a and in_b:
            out[a] = out[b] = float(np.sqrt(volumes[a] * volumes[b]))
        else:
            out[a] = out[b] = float(volumes[a] if in_a else volumes[b])
    return out


def northbound(profile: PostProfile, direction: str) -> bool | None:
    """Whether crossing this post in this direction moves north along the route (None: no neighbour)."""
    if profile.neighbour is None:
        return None
    # Entering the northern country of the pair, or leaving the southern one, is moving north.
    north_of_neighbour = ROUTE_RANK.get(profile.country, 0) > ROUTE_RANK.get(profile.neighbour, 0)
    return north_of_neighbour == (direction == "entry")


def _share_vector(pairs: dict[str, float]) -> np.ndarray:
    shares = np.zeros(len(NATIONALITIES))
    for iso, share in pairs.items():
        shares[NATIONALITIES.index(iso)] += share
    return shares


def nationality_shares(profile: PostProfile, direction: str) -> np.ndarray:
    """Share of each nationality among the regular travellers at a post in a direction (the transit is apart:
    TRANSIT_NATIONALITY). Land posts: a flow from country O to country D is O's and D's nationals, then the
    rest of the region; both sides of a crossing see the same mix for the same flow. Airports: nationals,
    then US nationals (diaspora and visitors), the rest of the region, a few from elsewhere. Seaports: alike,
    mostly nationals (crews, ferries)."""
    home = profile.country
    if profile.type == "land" and profile.neighbour:
        origin, destination = (home, profile.neighbour) if direction == "exit" else (profile.neighbour, home)
        shares = {origin: 0.47, destination: 0.41}
        for iso in CA4 + NEIGHBOURS:
            if iso not in shares:
                shares[iso] = 0.022 if iso in CA4 else 0.006
        shares["USA"] = 0.012
        for iso in EXTRA_REGIONAL:
            shares.setdefault(iso, 0.0012)
        return _normalised(shares)
    if profile.type == "air":
        shares = {home: 0.44 if direction == "entry" else 0.46, "USA": 0.23 if direction == "entry" else 0.21,
                  "MEX": 0.06, "CRI": 0.015, "PAN": 0.015, "BLZ": 0.003, "COL": 0.025}
    else:
        shares = {home: 0.58, "USA": 0.14, "MEX": 0.04, "CRI": 0.01, "PAN": 0.01, "BLZ": 0.005, "COL": 0.01}
    for iso in CA4:
        shares.setdefault(iso, 0.035)
    for iso in EXTRA_REGIONAL:
        shares.setdefault(iso, 0.006)
    return _normalised(shares)


def _normalised(shares: dict[str, float]) -> np.ndarray:
    vector = _share_vector(shares)
    return vector / vector.sum()


def transit_shares() -> np.ndarray:
    """Nationality shares of the extra-regional transit (TRANSIT_NATIONALITY)."""
    return _normalised(TRANSIT_NATIONALITY)


def transit_monthly(months: pd.PeriodIndex) -> np.ndarray:
    """People on the transit route in each month: TRANSIT_FIRST_YEAR in the first twelve months, halving every
    TRANSIT_HALF_LIFE_MONTHS, down to TRANSIT_COLLAPSE_FACTOR of that from TRANSIT_COLLAPSE on."""
    first = months.min()
    age = np.array([(m - first).n for m in months], dtype=float)
    decay = 0.5 ** (1.0 / TRANSIT_HALF_LIFE_MONTHS)
    start = TRANSIT_FIRST_YEAR * (1 - decay) / (1 - decay ** 12)  # the first twelve months sum to the figure
    collapse = np.array([m.start_time.date() >= TRANSIT_COLLAPSE for m in months])
    return start * decay ** age * np.where(collapse, TRANSIT_COLLAPSE_FACTOR, 1.0)


def uam_weights(profile: PostProfile, direction: str) -> np.ndarray:
    """Relative chance that a minor of each nationality crossing here travels alone: CA4 nationals
    coming home (returned), extra-regional nationals moving north overland; nobody else."""
    weights = np.zeros(len(NATIONALITIES))
    if direction == "entry" and profile.country in CA4:
        weights[NATIONALITIES.index(profile.country)] = 1.0
    if profile.type == "land" and northbound(profile, direction):
        for iso in EXTRA_REGIONAL:
            weights[NATIONALITIES.index(iso)] = 1.0
    return weights


def surge_month(end: dt.date = SAMPLE_END) -> dt.date:
    """First day of the month in which SURGE_POST surges."""
    return (pd.Period(end, "M") - SURGE_MONTHS_BEFORE_END).start_time.date()


def silent_months(end: dt.date = SAMPLE_END) -> list[dt.date]:
    """First days of the months in which SILENT_POST reports nothing, oldest first."""
    last = pd.Period(end, "M")
    return [(last - n).start_time.date() for n in range(SILENT_MONTHS - 1, -1, -1)]
