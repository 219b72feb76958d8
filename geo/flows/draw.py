"""Drawing the sample's flow rows from the patterns geo.flows.generate declares (volumes, calendar, nationality
mixes, the transit route, the surge, the silent post): the plan of cells and days, the sampling of categories
(conditional Poisson sampling with systematic draws, so a month's rows have the declared expectations whatever
the row budget), and the frames the loader writes. Every choice and its source is in geo.flows.generate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.flows.generate import (
    _AGE_IDX,
    _AGE_NAMES,
    _AGE_SHARE,
    _NAT_IDX,
    _NAT_NAMES,
    _SEX_IDX,
    _SEX_NAMES,
    _SEX_SHARE,
    AGE_SHARE,
    DIRECTION_MONTH_SD,
    DIRECTION_TILT_SD,
    DIRECTIONS,
    MAX_FRAME_ROWS,
    MINOR_BAND,
    N_COMBOS,
    RECORDING_SD,
    SAMPLE_DAYS,
    SAMPLE_END,
    SILENT_MONTHS,
    SILENT_POST,
    SURGE_MONTHS_BEFORE_END,
    SURGE_NORTH,
    SURGE_POST,
    SURGE_SOUTH,
    TRANSIT_ROUTE,
    UAM_PER_YEAR,
    UNRECORDED_TRANSIT,
    PostProfile,
    crossing_pairs,
    day_factors,
    nationality_shares,
    northbound,
    transit_monthly,
    transit_shares,
    uam_weights,
    yearly_volumes,
)
from geo.models import AGE_BANDS


def inclusion_probabilities(p: np.ndarray, k: int) -> np.ndarray:
    """pi_i = min(1, lambda * p_i) with sum(pi) = k: the inclusion probabilities of a sample of k units
    proportional to p (the largest units are taken for certain)."""
    n = len(p)
    if k >= n:
        return np.ones(n)
    order = np.argsort(-p, kind="stable")
    sorted_p = p[order]
    suffix = np.cumsum(sorted_p[::-1])[::-1]  # sum of p from position t on
    certain = np.arange(k + 1)
    lam = (k - certain) / suffix[certain]
    t = int(np.argmax(lam * sorted_p[certain] < 1.0))  # first t whose next unit is not certain
    pi_sorted = np.minimum(1.0, lam[t] * sorted_p)
    pi_sorted[:t] = 1.0
    pi = np.empty(n)
    pi[order] = pi_sorted
    return pi


def systematic_sample(pi: np.ndarray, starts: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Days x units mask of a systematic sample with inclusion probabilities `pi` (summing to an integer
    k): exactly k units a day, unit i with probability pi_i, a random start per day."""
    cum = np.cumsum(pi[order])
    cum[-1] = round(cum[-1])  # the row count must be exact whatever the rounding
    prev = np.concatenate(([0.0], cum[:-1]))
    hits = np.floor(cum[None, :] - starts[:, None]) - np.floor(prev[None, :] - starts[:, None])
    mask = np.zeros((len(starts), len(pi)), dtype=bool)
    mask[:, order] = hits > 0.5
    return mask


def _apportion(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights`, none above its cap, adding up to `total` (<= sum of caps)."""
    out = np.zeros(len(weights), dtype=np.int64)
    open_ = caps > 0
    remaining = total
    while remaining > 0 and open_.any():
        share = np.where(open_, weights, 0.0)
        if share.sum() <= 0:
            share = open_.astype(float)
        ideal = remaining * share / share.sum()
        grant = np.minimum(np.floor(ideal).astype(np.int64), caps - out)
        leftover = remaining - int(grant.sum())
        if leftover > 0 and grant.sum() < remaining:  # largest remainders first, within the caps
            frac = np.where(open_ & (out + grant < caps), ideal - np.floor(ideal), -1.0)
            for i in np.argsort(-frac, kind="stable")[:leftover]:
                if frac[i] >= 0:
                    grant[i] += 1
        out += grant
        remaining = total - int(out.sum())
        open_ = out < caps
    return out


@dataclass(frozen=True)
class _Plan:
    days: pd.DatetimeIndex
    cells: list[tuple[int, str]]  # (profile index, direction), one per row of the arrays below
    volume: np.ndarray  # cells x days: expected crossings
    rows: np.ndarray  # cells x days: how many categories each post-day keeps (0: not reported)
    transit: np.ndarray  # cells x months: the share of the month's crossings that is the extra-regional transit


def _transit_volume(profiles: list[PostProfile], cells: list[tuple[int, str]], days: pd.DatetimeIndex) -> np.ndarray:
    """Cells x days: the transit each post records (TRANSIT_ROUTE; nothing where UNRECORDED_TRANSIT says)."""
    out = np.zeros((len(cells), len(days)))
    months = days.to_period("M")
    codes, uniques = pd.factorize(months, sort=True)
    per_month = transit_monthly(pd.PeriodIndex(uniques))
    per_day = per_month[codes] / np.array([m.days_in_month for m in uniques])[codes]
    index = {cell: row for row, cell in enumerate(cells)}
    for crossing, origin, destination in TRANSIT_ROUTE:
        for i, p in enumerate(profiles):
            if p.crossing != crossing:
                continue
            direction = "exit" if p.country == origin else "entry" if p.country == destination else None
            if direction is None or (crossing, direction) == UNRECORDED_TRANSIT:
                continue
            out[index[(i, direction)]] += per_day
    return out


def _plan(profiles: list[PostProfile], rows: int, seed: int, end: dt.date) -> _Plan:
    """Volumes and row counts of every post, direction and day, decided once for the whole period."""
    rng = np.random.default_rng([seed, 0])
    n_cells = len(profiles) * len(DIRECTIONS)
    n_days = max(SAMPLE_DAYS, int(np.ceil(rows / max(n_cells * N_COMBOS * 0.9, 1))))
    days = pd.date_range(end=pd.Timestamp(end), periods=n_days, freq="D")
    factors = day_factors(days)
    shape = factors / factors.mean()
    months = days.to_period("M")
    month_code = pd.factorize(months, sort=True)[0]
    n_months = int(month_code.max()) + 1
    last = months[-1]
    cells = [(i, d) for i in range(len(profiles)) for d in DIRECTIONS]
    index = {cell: row for row, cell in enumerate(cells)}
    transit = _transit_volume(profiles, cells, days)
    daily = yearly_volumes(profiles, rng) / 365.25

    def recording() -> np.ndarray:  # one side's recording of one direction, month by month
        return (1.0 + rng.normal(0.0, RECORDING_SD, n_months))[month_code]

    def tilt() -> np.ndarray:  # the share by which one direction exceeds half the volume, month by month
        lasting = rng.normal(0.0, DIRECTION_TILT_SD)
        return np.clip(lasting + rng.normal(0.0, DIRECTION_MONTH_SD, n_months), -0.3, 0.3)[month_code]

    volume = np.zeros((len(cells), n_days))
    pairs = crossing_pairs(profiles)
    paired = set()
    for a, b in pairs.values():
        lean = tilt()
        # One flow a -> b: a records it as exits, b as entries, each with its own recording noise.
        for source, target, sign in ((a, b, 1.0), (b, a, -1.0)):
            flow = daily[a] / 2 * (1.0 + sign * lean) * shape
            volume[index[(source, "exit")]] = flow * recording()
            volume[index[(target, "entry")]] = flow * recording()
        paired |= {a, b}
    for i in range(len(profiles)):
        if i not in paired:
            lean = tilt()
            volume[index[(i, "entry")]] = daily[i] / 2 * (1.0 + lean) * shape * recording()
            volume[index[(i, "exit")]] = daily[i] / 2 * (1.0 - lean) * shape * recording()

    active = np.ones((len(cells), n_days), dtype=bool)
    surge = (months == last - SURGE_MONTHS_BEFORE_END)
    silent = (months > last - SILENT_MONTHS)
    surge_crossing = next((p.crossing for p in profiles if p.code == SURGE_POST), None)
    for row, (i, direction) in enumerate(cells):
        p = profiles[i]
        if p.code == SURGE_POST or (surge_crossing and p.crossing == surge_crossing):
            volume[row, surge] *= SURGE_NORTH if northbound(p, direction) else SURGE_SOUTH
        if p.code == SILENT_POST:
            active[row, silent] = False
    volume += transit
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.nan_to_num(
            np.stack([np.bincount(month_code, weights=transit[r], minlength=n_months) for r in range(len(cells))])
            / np.stack([np.bincount(month_code, weights=volume[r], minlength=n_months) for r in range(len(cells))]))
    volume *= active
    transit_share = np.clip(share, 0.0, 1.0)

    cell_days = active.sum(axis=1)
    if rows <= cell_days.sum():
        # Fewer rows than post-days: every post keeps days in proportion to the days it reports.
        budget = _apportion(rows, cell_days.astype(float), cell_days)
        extra = np.zeros_like(budget)
    else:
        # Every post-day reported, the rest of the rows to the busiest posts (more categories recorded).
        budget = cell_days.copy()
        busy = (volume * active).sum(axis=1)
        extra = _apportion(rows - int(cell_days.sum()), busy, cell_days * (N_COMBOS - 1))
        budget = budget + extra
    per_day = np.zeros((len(cells), n_days), dtype=np.int64)
    for row in range(len(cells)):
        on = np.flatnonzero(active[row])
        base, spare = divmod(int(budget[row]), len(on)) if len(on) else (0, 0)
        per_day[row, on] = base
        if spare:  # evenly spread (seeded offset): every month of a post gets its share of extra rows
            picks = np.floor((np.arange(spare) + rng.random()) * len(on) / spare).astype(np.int64)
            per_day[row, on[picks]] += 1
        if base == 0:
            # Fewer rows than days: the days a post reports carry its whole month, so monthly and
            # yearly volumes stay calibrated at any row count (only the daily series is patchy).
            reported = per_day[row] > 0
            wanted = np.bincount(month_code, weights=volume[row] * active[row], minlength=n_months)
            kept = np.bincount(month_code, weights=volume[row] * reported, minlength=n_months)
            scale = np.divide(wanted, kept, out=np.zeros_like(wanted), where=kept > 0)
            volume[row] = np.where(reported, volume[row] * scale[month_code], volume[row])
    volume[per_day == 0] = 0.0  # what no row reports is not there (the minors' rates are scaled on it)
    return _Plan(days, cells, volume, per_day, transit_share)


def _cell_shares(profiles: list[PostProfile], plan: _Plan) -> np.ndarray:
    """Cells x nationalities over the whole period: regular travellers and transit mixed by volume."""
    base = np.array([nationality_shares(profiles[i], d) for i, d in plan.cells])
    totals = plan.volume.sum(axis=1)
    months = plan.days.to_period("M")
    month_code = pd.factorize(months, sort=True)[0]
    monthly = np.stack([np.bincount(month_code, weights=plan.volume[r], minlength=plan.transit.shape[1])
                        for r in range(len(plan.cells))])
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.nan_to_num((monthly * plan.transit).sum(axis=1) / totals)
    return (1 - overall)[:, None] * base + overall[:, None] * transit_shares()[None, :]


def _uam_rates(profiles: list[PostProfile], plan: _Plan) -> np.ndarray:
    """Per cell and nationality, the chance that a crossing minor is unaccompanied, scaled so the whole
    period holds UAM_PER_YEAR a year in expectation."""
    weights = np.array([uam_weights(profiles[i], d) for i, d in plan.cells])  # cells x nationalities
    shares = _cell_shares(profiles, plan)
    minors = plan.volume.sum(axis=1)[:, None] * shares * AGE_SHARE[MINOR_BAND]
    weighted = float((weights * minors).sum())
    if weighted <= 0:
        return np.zeros_like(weights)
    years = len(plan.days) / 365.25
    return np.minimum(weights * UAM_PER_YEAR * years / weighted, 1.0)


def iter_flow_frames(
    profiles: list[PostProfile], rows: int, seed: int, end: dt.date = SAMPLE_END
) -> Iterator[pd.DataFrame]:
    """Exactly `rows` flow-count rows for the given posts, oldest month first: a frame per month, or
    several for a month of more than MAX_FRAME_ROWS rows (never two months in one frame).

    Each month draws from its own seeded generator, so a month's rows do not depend on how the others
    are consumed; the whole sequence is the same for the same seed.
    """
    if rows <= 0 or not profiles:
        return
    plan = _plan(profiles, rows, seed, end)
    uam_rate = _uam_rates(profiles, plan)
    demography = _SEX_SHARE[_SEX_IDX] * _AGE_SHARE[_AGE_IDX]
    p_cells = [nationality_shares(profiles[i], d)[_NAT_IDX] * demography for i, d in plan.cells]
    p_transit = transit_shares()[_NAT_IDX] * demography
    minor = np.equal(_AGE_IDX, AGE_BANDS.index(MINOR_BAND))
    day_values = plan.days.values.astype("datetime64[D]")
    months = plan.days.to_period("M")
    for number, month in enumerate(months.unique()):
        rng = np.random.default_rng([seed, 1, number])
        in_month = np.flatnonzero(months == month)
        parts, pending = [], 0
        for row, (i, direction) in enumerate(plan.cells):
            k_days = plan.rows[row, in_month]
            order = rng.permutation(N_COMBOS)  # which categories tend to be drawn together varies
            part = plan.transit[row, number]
            p = p_cells[row] if part <= 0 else (1 - part) * p_cells[row] + part * p_transit
            for k in np.unique(k_days[k_days > 0]):
                day_idx = in_month[k_days == k]
                pi = inclusion_probabilities(p, int(k))
                mask = systematic_sample(pi, rng.random(len(day_idx)), order)
                d_pos, combo = np.nonzero(mask)
                expected = plan.volume[row, day_idx[d_pos]] * p[combo] / pi[combo]
                counts = rng.poisson(expected)
                rate = np.where(minor[combo], uam_rate[row, _NAT_IDX[combo]], 0.0)
                uam = rng.binomial(counts, rate)
                parts.append((i, direction, day_idx[d_pos], combo, counts, uam))
                pending += len(combo)
            if pending >= MAX_FRAME_ROWS:  # a busy month comes in pieces: memory stays flat at any size
                yield _frame(profiles, parts, day_values)
                parts, pending = [], 0
        if parts:
            yield _frame(profiles, parts, day_values)


def _frame(profiles: list[PostProfile], parts: list, day_values: np.ndarray) -> pd.DataFrame:
    size = sum(len(p[3]) for p in parts)
    post = np.empty(size, dtype=np.int64)
    direction = np.empty(size, dtype=object)
    prev_country = np.empty(size, dtype=object)
    next_country = np.empty(size, dtype=object)
    pos = 0
    for i, d, _days, combo, _counts, _uam in parts:
        sl = slice(pos, pos + len(combo))
        other = profiles[i].neighbour or ""
        post[sl] = profiles[i].post_id
        direction[sl] = d
        prev_country[sl] = other if d == "entry" else ""
        next_country[sl] = other if d == "exit" else ""
        pos += len(combo)
    combo = np.concatenate([p[3] for p in parts])
    frame = pd.DataFrame({
        "day": day_values[np.concatenate([p[2] for p in parts])],
        "post_id": post,
        "direction": direction,
        "nationality": _NAT_NAMES[_NAT_IDX[combo]],
        "sex": _SEX_NAMES[_SEX_IDX[combo]],
        "age_band": _AGE_NAMES[_AGE_IDX[combo]],
        "prev_country": prev_country,
        "next_country": next_country,
        "count": np.concatenate([p[4] for p in parts]).astype(np.int64),
        "unaccompanied_minors": np.concatenate([p[5] for p in parts]).astype(np.int64),
    })
    frame = frame.sort_values(["day", "post_id", "direction"], kind="stable", ignore_index=True)
    frame["day"] = frame["day"].dt.date
    return frame


def generate_flows(
    profiles: list[PostProfile], rows: int, seed: int, end: dt.date = SAMPLE_END
) -> pd.DataFrame:
    """The same rows as `iter_flow_frames`, in one frame (small samples and tests; seeding streams)."""
    frames = list(iter_flow_frames(profiles, rows, seed, end))
    if not frames:
        return pd.DataFrame(columns=["day", "post_id", "direction", "nationality", "sex", "age_band",
                                     "prev_country", "next_country", "count", "unaccompanied_minors"])
    return pd.concat(frames, ignore_index=True)
