"""`python -m geo ...`: the command line for admins.

Exit codes: 0 success, 1 the data has problems (or a file was rejected), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.config import settings


def _engine():
    from geo.db import get_engine

    return get_engine(settings().database_url)


def cmd_init(args: argparse.Namespace) -> int:
    from geo.db import ensure_database

    engine = _engine()
    seeded = ensure_database(engine, flows_rows=args.flows_rows)
    where = settings().database_url.split("@")[-1]  # never print a password
    print(f"database ready at {where}" + (" (filled with sample data)" if seeded else " (already filled)"))
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from geo.db import is_empty, migrate
    from geo.sample import seed_all, seed_sample

    engine = _engine()
    migrate(engine)
    report = print if not args.quiet else None
    if is_empty(engine):
        counts = seed_all(engine, seed=args.seed, flows_rows=args.flows_rows, report=report)
    else:
        counts = seed_sample(engine, seed=args.seed, flows_rows=args.flows_rows, report=report)
    print(f"sample data regenerated with seed {args.seed}: "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from geo.checks import database_problems
    from geo.db import current_revision, head_revision

    engine = _engine()
    if current_revision(engine) != head_revision():
        print("database is not migrated to the current schema: run `python -m geo init`", file=sys.stderr)
        return 1
    problems = database_problems(engine)
    for problem in problems:
        print(f"PROBLEM {problem}")
    print(f"{len(problems)} problem(s) found" if problems else "OK: no problems found")
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="CA4 Border Monitor administration")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create/migrate the database and fill it with sample data if empty")
    p.add_argument("--flows-rows", type=int, default=None, help="sample flow rows on first fill")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("seed", help="regenerate the sample data deterministically")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--flows-rows", type=int, default=None, help="number of sample flow rows")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("check", help="integrity report; exit 1 when problems are found")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    if getattr(args, "flows_rows", None) is not None and args.flows_rows < 0:
        parser.error("--flows-rows must be 0 or more")
    return int(args.func(args))
