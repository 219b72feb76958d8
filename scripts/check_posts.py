"""Check data/posts.csv against the reference map: every land post near its border and on its own side.

    python scripts/check_posts.py [path/to/posts.csv]

Prints one line per land post (distance to the Natural Earth 1:10m border line with its neighbour, the country
its point falls in) and one per air or sea post, then any problem. Exits 1 if any post breaks a rule, 2 if the
file is missing, else 0.

The geometry and the rule are not repeated here: distances and point-in-country come from geo.reference, the
verdicts from geo.posts.checks (the same code `python -m geo check` runs on the database):
  - a land post lies within 5 km of the line between its country and its neighbour, and inside its own
    country's polygon or within 100 m of the line;
  - an airport lies inside its country, a seaport inside it or within 1 km of it (generalised coastline);
  - every crossing has exactly one post on each side.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import reference
from geo.posts.checks import MAX_BORDER_KM, land_post_problem, point_post_problem, post_problems
from geo.posts.queries import read_posts_csv


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else None
    if path is not None and not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    posts = read_posts_csv(path)
    land = posts[posts["type"] == "land"].sort_values(["crossing_code", "country_iso3"])
    other = posts[posts["type"] != "land"].sort_values(["type", "code"])

    print(f"{'post':8} {'crossing':11} {'nbr':3} {'km to line':>10} {'point in':8}  verdict  name")
    distances = []
    for row in land.itertuples():
        km = reference.distance_to_border_m(row.lon, row.lat, row.country_iso3, row.neighbour_iso3) / 1000
        inside = reference.country_of_point(row.lon, row.lat) or "-"
        problem = land_post_problem(row.code, row.country_iso3, row.neighbour_iso3, row.lon, row.lat)
        distances.append((km, row.code))
        print(f"{row.code:8} {row.crossing_code:11} {row.neighbour_iso3:3} {km:10.2f} {inside:8}  "
              f"{'ok' if problem is None else 'FAIL':7}  {row.name}")

    print()
    print(f"{'post':8} {'type':4} {'point in':8} {'km to own':>9}  verdict  name")
    for row in other.itertuples():
        inside = reference.country_of_point(row.lon, row.lat) or "-"
        km = reference.distance_to_country_m(row.lon, row.lat, row.country_iso3) / 1000
        problem = point_post_problem(row.country_iso3, row.lon, row.lat, row.type)
        print(f"{row.code:8} {row.type:4} {inside:8} {km:9.2f}  {'ok' if problem is None else 'FAIL':7}  {row.name}")

    print()
    counts = posts.groupby(["country_iso3", "type"]).size().unstack(fill_value=0)
    print(counts.to_string())
    crossings = land["crossing_code"].nunique()
    print(f"\n{len(posts)} posts: {len(land)} land ({crossings} crossings), "
          f"{(posts['type'] == 'air').sum()} air, {(posts['type'] == 'sea').sum()} sea")
    if distances:
        km, code = max(distances)
        print(f"largest distance of a land post to its border line: {km:.2f} km ({code}); limit {MAX_BORDER_KM:g} km")

    problems = post_problems(posts)
    if posts["code"].duplicated().any():
        problems.append(f"duplicate codes: {', '.join(sorted(posts.loc[posts['code'].duplicated(), 'code']))}")
    for problem in problems:
        print(f"PROBLEM {problem}")
    print("OK" if not problems else f"{len(problems)} problem(s) found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
