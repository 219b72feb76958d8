"""`python -m bench e2e|server --flows-rows N`, `python -m bench import --rows N`, `python -m bench load --users N`:
see bench/__init__.py."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description="CA4 Border Monitor benchmarks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    e2e = sub.add_parser("e2e", help="time filter changes and first loads in headless Chromium, until drawn")
    server = sub.add_parser("server", help="time the key queries and the pages reading flows under AppTest")
    for p in (e2e, server):
        p.add_argument("--flows-rows", type=int, required=True, help="flow rows of the benchmark database")
        p.add_argument("--seed", type=int, default=2026, help="random seed of its sample data (default 2026)")
    e2e.add_argument("--changes", type=int, default=7, help="user actions timed per page (default 7)")
    e2e.add_argument("--pages", default="flows,map,infrastructure,workshops,present",
                     help="comma-separated pages (default: flows,map,infrastructure,workshops,present)")
    e2e.add_argument("--lang", choices=("en", "es"), default="en")
    e2e.add_argument("--app-url", default=None,
                     help="measure an app already running on the benchmark database (e.g. under a profiler)")
    e2e.add_argument("--shots", type=Path, default=None, help="folder for a screenshot after each change")
    server.add_argument("--repeat", type=int, default=15, help="filter changes timed per page (default 15)")
    flows_import = sub.add_parser("import", help="time `python -m geo import flows` of a valid N-row CSV")
    flows_import.add_argument("--rows", type=int, required=True, help="rows of the flows CSV")
    flows_import.add_argument("--seed", type=int, default=2026, help="random seed of its rows (default 2026)")
    flows_import.add_argument("--database-url", default=None,
                              help="import into this (migrated, reference records loaded) database instead of "
                                   "a fresh SQLite one, e.g. a PostgreSQL schema")
    load = sub.add_parser("load", help="simulated users opening shared links at once over Streamlit's websocket, "
                                       "through R replicas behind HAProxy: views/s and p50/p95 per concurrency level")
    load.add_argument("--users", type=int, required=True, help="simulated users at the highest level")
    load.add_argument("--replicas", default="1", help="app replicas behind the balancer; a list (1,2) measures "
                                                      "each in turn, side by side (default 1)")
    load.add_argument("--flows-rows", type=int, default=2_000_000,
                      help="flow rows of the benchmark database (default 2,000,000)")
    load.add_argument("--seed", type=int, default=2026, help="random seed of its sample data and links")
    load.add_argument("--views", type=int, default=3, help="links each user opens one after another (default 3)")
    load.add_argument("--app-url", default=None, help="measure an app already running (no replicas started)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "load":
        try:
            replicas = [int(r) for r in args.replicas.split(",")]
        except ValueError:
            replicas = []
        if args.users < 1 or args.views < 1 or args.flows_rows < 1 or not replicas or min(replicas) < 1:
            parser.error("--users, --views, --flows-rows and each of --replicas must be 1 or more")
        from bench.load import run_load, summary_line

        results = run_load(args.users, replicas, args.flows_rows, args.seed, args.views, app_url=args.app_url)
        for count, levels in results.items():
            print(summary_line(args.users, count, levels[-1]))
        return 0
    if args.command == "import":
        if args.rows < 1:
            parser.error("--rows must be 1 or more")
        from bench.importing import run_import_bench

        seconds = run_import_bench(args.rows, args.seed, database_url=args.database_url)
        print(f"IMPORT rows={args.rows} seconds={seconds:.1f} rows_per_s={args.rows / seconds:.0f}")
        return 0
    if args.flows_rows < 1:
        parser.error("--flows-rows must be 1 or more")
    if args.command == "server":
        if args.repeat < 1:
            parser.error("--repeat must be 1 or more")
        from bench.server import run_bench

        worst = run_bench(args.flows_rows, args.seed, repeat=args.repeat)
        print(f"BENCH rows={args.flows_rows} worst_page_p50_ms={worst:.1f}")
        return 0
    from bench.e2e import ACTIONS, run_e2e, summary_line

    pages = tuple(p for p in args.pages.split(",") if p)
    unknown = [p for p in pages if p not in ACTIONS]
    if unknown or not pages or args.changes < 1:
        parser.error(f"--pages must name some of {', '.join(ACTIONS)} and --changes be 1 or more")
    results, _cold = run_e2e(args.flows_rows, args.seed, args.changes, pages, args.lang,
                             shots=args.shots, app_url=args.app_url)
    for result in results:
        for line in result.lines():
            print(line)
    print(summary_line(args.flows_rows, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
