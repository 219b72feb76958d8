"""Seeded generator of sample flow counts with a structure a regional analyst would find plausible.

- CA4 nationals dominate crossings inside the CA4 (free movement); extra-regional transit moves north.
- Pan-American highway crossings and the main airports carry most of the traffic.
- Weekly rhythm, Semana Santa and December peaks, a gentle upward trend.
Deterministic for a seed; vectorised with numpy so 20 million rows take seconds, not hours.
Everything it makes is flagged is_sample and labelled as sample data in the UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.models import AGE_BANDS, SEXES

SAMPLE_END = dt.date(2026, 10, 31)  # fixed so the sample is identical whatever the day it is made
SAMPLE_DAYS = 1035  # 2024-01-01 .. 2026-10-31

CA4 = ("GTM", "SLV", "HND", "NIC")
NEIGHBOURS = ("MEX", "BLZ", "CRI", "PAN")
EXTRA_REGIONAL = ("VEN", "CUB", "HTI", "COL", "ECU", "USA", "CHN", "IND")
NATIONALITIES = CA4 + NEIGHBOURS + EXTRA_REGIONAL

# Position along the northbound route: moving to a higher rank is moving north.
ROUTE_RANK = {"PAN": 0, "CRI": 1, "NIC": 2, "HND": 3, "SLV": 3.5, "GTM": 4, "BLZ": 4.5, "MEX": 5}

_AGE_SHARE = np.array([0.12, 0.30, 0.30, 0.18, 0.07, 0.03])
_SEX_SHARE = np.array([0.46, 0.52, 0.02])


@dataclass(frozen=True)
class PostProfile:
    post_id: int
    country: str
    neighbour: str | None
    type: str
    road: str | None


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
    """Relative traffic of each day: week rhythm, Semana Santa, December, trend."""
    weekday = days.day_of_week.to_numpy()
    weekly = np.array([0.95, 0.9, 0.9, 0.95, 1.15, 1.2, 1.05])[weekday]
    month = days.month.to_numpy()
    yearly = np.where(month == 12, 1.45, 1.0) * np.where(month == 1, 1.15, 1.0)
    holy = np.ones(len(days))
    for year in sorted(set(days.year)):
        sunday = pd.Timestamp(easter(int(year)))
        holy[(days >= sunday - pd.Timedelta(days=7)) & (days <= sunday)] = 1.6
    years = (days - days[0]).days.to_numpy() / 365.25
    trend = 1.0 + 0.06 * years
    return weekly * yearly * holy * trend


def post_weight(profile: PostProfile, rng: np.random.Generator) -> float:
    base = {"land": 1.0, "air": 1.6, "sea": 0.15}[profile.type]
    if profile.road in ("CA-1", "CA-2"):  # the Pan-American and Pacific coastal highways
        base *= 3.0
    return base * float(rng.lognormal(0.0, 0.5))


def nationality_shares(profile: PostProfile, direction: str) -> np.ndarray:
    """Share of each nationality at a post for a direction."""
    shares = np.full(len(NATIONALITIES), 0.004)
    home = NATIONALITIES.index(profile.country)
    shares[home] += 0.45
    if profile.neighbour in NATIONALITIES:
        shares[NATIONALITIES.index(profile.neighbour)] += 0.30
    internal = profile.country in CA4 and profile.neighbour in CA4
    for iso in CA4:
        shares[NATIONALITIES.index(iso)] += 0.05 if internal else 0.02
    if profile.neighbour is not None:
        # Entering the northern country of the pair, or leaving the southern one, is moving north.
        north_of_neighbour = ROUTE_RANK.get(profile.country, 0) > ROUTE_RANK.get(profile.neighbour, 0)
        northbound = north_of_neighbour == (direction == "entry")
        extra = 0.12 if northbound else 0.01
    else:
        extra = 0.05
    for iso in EXTRA_REGIONAL:
        shares[NATIONALITIES.index(iso)] += extra * (2.5 if iso in ("VEN", "HTI", "CUB") else 1.0) / 1.7
    return shares / shares.sum()


def combos_per_cell(weights: np.ndarray, budget: int, cap: int) -> np.ndarray:
    """How many category combinations each post keeps per day and direction: busy posts record more
    categories, every post at least one, none more than `cap`, adding up to at least `budget` / 2."""
    share = weights / weights.sum()
    per_direction = budget / 2
    counts = np.clip(np.ceil(per_direction * share), 1, cap).astype(int)
    for _ in range(20):  # hand the budget capped posts could not use to the others
        missing = per_direction - counts.sum()
        open_ = counts < cap
        if missing <= 0 or not open_.any():
            break
        extra = np.ceil(missing * share[open_] / share[open_].sum()).astype(int)
        counts[open_] = np.minimum(counts[open_] + extra, cap)
    return counts


def generate_flows(
    profiles: list[PostProfile], rows: int, seed: int, end: dt.date = SAMPLE_END
) -> pd.DataFrame:
    """About `rows` flow-count rows (exactly `rows` when it fits the cell grid) for the given posts."""
    rng = np.random.default_rng(seed)
    n_posts = len(profiles)
    combos_max = len(NATIONALITIES) * len(SEXES) * len(AGE_BANDS)
    n_days = max(SAMPLE_DAYS, int(np.ceil(rows / (n_posts * 2 * combos_max))))
    days = pd.date_range(end=pd.Timestamp(end), periods=n_days, freq="D")
    factors = day_factors(days)
    weights = np.array([post_weight(p, rng) for p in profiles])
    per_cell = combos_per_cell(weights, int(np.ceil(rows / n_days)), combos_max)

    nat_idx, sex_idx, age_idx = np.meshgrid(
        np.arange(len(NATIONALITIES)), np.arange(len(SEXES)), np.arange(len(AGE_BANDS)), indexing="ij"
    )
    nat_idx, sex_idx, age_idx = nat_idx.ravel(), sex_idx.ravel(), age_idx.ravel()

    frames = []
    for index, profile in enumerate(profiles):
        volume = weights[index] * 900.0  # persons per day at a typical post
        for direction in ("entry", "exit"):
            share = nationality_shares(profile, direction)[nat_idx] * _SEX_SHARE[sex_idx] * _AGE_SHARE[age_idx]
            # Keep the per_cell most frequent combinations of this post and direction.
            keep = np.argsort(-share, kind="stable")[: per_cell[index]]
            # Renormalised so a post's daily volume does not depend on how many categories are kept.
            expected = np.outer(factors * volume, share[keep] / share[keep].sum())  # days x combos
            counts = rng.poisson(expected)
            minors = age_idx[keep] == 0
            extra = np.isin(nat_idx[keep], [NATIONALITIES.index(i) for i in EXTRA_REGIONAL])
            uam = np.where(minors & extra, rng.binomial(counts, 0.08), 0)
            frames.append((profile, direction, keep, counts, uam))

    total = sum(c.size for _, _, _, c, _ in frames)
    day_col = np.empty(total, dtype="datetime64[D]")
    cols = {k: np.empty(total, dtype=object) for k in ("direction", "nationality", "sex", "age_band",
                                                       "prev_country", "next_country")}
    post_col = np.empty(total, dtype=np.int64)
    count_col = np.empty(total, dtype=np.int64)
    uam_col = np.empty(total, dtype=np.int64)
    day_values = days.values.astype("datetime64[D]")
    nat_names = np.array(NATIONALITIES, dtype=object)
    sex_names = np.array(SEXES, dtype=object)
    age_names = np.array(AGE_BANDS, dtype=object)
    pos = 0
    for profile, direction, keep, counts, uam in frames:
        size = counts.size
        sl = slice(pos, pos + size)
        day_col[sl] = np.repeat(day_values, len(keep))
        post_col[sl] = profile.post_id
        cols["direction"][sl] = direction
        cols["nationality"][sl] = np.tile(nat_names[nat_idx[keep]], n_days)
        cols["sex"][sl] = np.tile(sex_names[sex_idx[keep]], n_days)
        cols["age_band"][sl] = np.tile(age_names[age_idx[keep]], n_days)
        other = profile.neighbour or ""
        cols["prev_country"][sl] = other if direction == "entry" else ""
        cols["next_country"][sl] = other if direction == "exit" else ""
        count_col[sl] = counts.ravel()
        uam_col[sl] = uam.ravel()
        pos += size

    frame = pd.DataFrame(
        {
            "day": day_col,
            "post_id": post_col,
            **cols,
            "count": count_col,
            "unaccompanied_minors": uam_col,
        }
    )
    if len(frame) > rows:
        # Drop surplus rows at random (seeded): some categories go unrecorded on some days, as in real
        # data, while the whole period stays covered.
        keep_rows = np.sort(rng.choice(len(frame), size=rows, replace=False))
        frame = frame.iloc[keep_rows]
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame.reset_index(drop=True)
