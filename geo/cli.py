"""`python -m geo ...`: the command line for admins.

Exit codes: 0 success, 1 the data has problems (or a file was rejected), 2 usage error, or a database that
cannot be used (unreachable, login refused, no such database, no PostGIS, no schema: one message naming host,
port and database and what failed, from geo.db_status; never the password, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.config import settings
from geo.i18n import fmt_count, fmt_number, languages, t


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
    from geo.posts.checks import database_problems

    engine = _migrated_engine()
    problems = database_problems(engine)
    lang = getattr(args, "lang", "en")
    for problem in problems:
        print(f"{t('cli.problem', lang)} {problem.line(lang)}")
    print(fmt_count(len(problems), "cli.found", lang) if problems else t("cli.none_found", lang))
    return 1 if problems else 0


def _cli_actor():
    """The command line acts as an admin; the audit log names the operating-system account."""
    import getpass

    from geo.access.auth import Actor

    try:
        who = getpass.getuser()
    except Exception:  # no login name in some containers
        who = "unknown"
    return Actor(f"cli:{who}"[:80], "admin")


def _migrated_engine():
    """The engine of a database migrated to this code's schema (with PostGIS on PostgreSQL); else
    geo.db_status.DatabaseUnavailable, which main() prints (exit 2)."""
    from geo.db_status import check_schema

    engine = _engine()
    check_schema(engine)
    return engine


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geo.io.imports import import_data

    path = Path(args.file)
    if not path.is_file():
        print(f"python -m geo import: error: no such file: {args.file}", file=sys.stderr)
        return 2
    if args.chunk_rows < 1:
        print("python -m geo import: error: --chunk-rows must be 1 or more", file=sys.stderr)
        return 2
    engine = _migrated_engine()
    if engine is None:
        return 1
    actor = _cli_actor()
    if args.user:  # that user's role and country scope, through the same rule as the forms
        from geo.access.users import UserError, actor_of

        try:
            actor = actor_of(engine, args.user)
        except UserError as error:
            print(f"python -m geo import: error: --user {args.user}: {t(error.key, 'en', **error.params)}",
                  file=sys.stderr)
            return 2
    # The file is handed over open, not read: the size guard looks at its size first, and a CSV is then
    # read as a stream (memory bounded by a chunk of rows, not by the file).
    with path.open("rb") as handle:
        report = import_data(engine, actor, args.kind, handle, path.name, dry_run=args.dry_run,
                             progress=_ProgressLines(args.lang, always=args.progress), chunk_rows=args.chunk_rows)
    if not report.ok:
        for problem in report.problems:
            print(f"{t('cli.problem', args.lang)} {problem.line(args.lang)}")
        if report.more_problems:
            print(f"{t('cli.problem', args.lang)} {report.file}: "
                  + t("data.report.more", args.lang, n=fmt_number(report.more_problems, args.lang)))
        print(t("data.report.rejected", args.lang, n=report.problem_count))
        return 1
    if report.ignored_columns:
        print(t("data.report.ignored", args.lang, columns=", ".join(report.ignored_columns)))
    print(report.summary(args.lang))
    for note in report.notes:  # what the reader decided: the sheet read, dates read day first
        print(f"{t('cli.note', args.lang)} {note.line(args.lang)}")
    for warning in report.warnings:  # saved: data worth a look, not a problem (exit 0)
        print(f"{t('cli.warning', args.lang)} {warning.line(args.lang)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from geo import kinds

    if kinds.get(args.kind).export_chunks is not None and not getattr(args, "parts", False):
        return cmd_export_streamed(args)  # millions of rows (flows): written as read, in bounded memory
    from pathlib import Path

    from geo.io.export_limits import export_checked, export_parts
    from geo.io.exports import ExactOnly, export_bytes

    engine = _migrated_engine()
    if engine is None:
        return 1
    try:
        if args.parts:  # a ZIP of files that each import (within the import's limits)
            data = export_parts(engine, args.kind, args.format, hxl=args.hxl, exact=args.exact)
        else:
            data, too_large = export_checked(engine, args.kind, args.format, hxl=args.hxl, exact=args.exact)
            if too_large is not None:  # said, and written as asked (exit 0, as before): it will not import back
                print(t("cli.export_too_large", "en", message=too_large.message("en")), file=sys.stderr)
                data = export_bytes(engine, args.kind, args.format, hxl=args.hxl, exact=args.exact)
    except ExactOnly:
        print(f"error: {args.kind} holds exact counts of vulnerable people and is exported only with --exact "
              "(a restricted file, for programme staff)", file=sys.stderr)
        return 2
    Path(args.output).write_bytes(data)
    restricted = " RESTRICTED: exact counts of vulnerable people" if args.exact else ""
    print(f"{args.kind} exported to {args.output} ({len(data)} bytes){restricted}")
    return 0


class _ProgressLines:
    """Progress of an import on stderr: nothing for a quick import; once it has run 2 s (or from the start
    with --progress), a line every 5 % of the file or every 5 s, and a last line when done."""

    def __init__(self, lang: str, always: bool = False) -> None:
        self.lang, self.always = lang, always
        self.shown_fraction, self.shown_at, self.started = -1.0, -1.0, False

    def __call__(self, step) -> None:  # step: geo.io.report.ImportProgress
        if not (self.always or self.started or step.elapsed >= 2.0):
            return
        due = (step.stage != "reading" or step.fraction - self.shown_fraction >= 0.05
               or step.elapsed - self.shown_at >= 5.0 or self.always)
        if not due:
            return
        self.started = True
        self.shown_fraction, self.shown_at = step.fraction, step.elapsed
        print(t("cli.import_progress", self.lang, stage=t(f"data.stage.{step.stage}", self.lang),
                percent=f"{step.fraction * 100:.0f}", read=fmt_number(step.rows_read, self.lang),
                checked=fmt_number(step.rows_checked, self.lang), written=fmt_number(step.rows_written, self.lang),
                seconds=f"{step.elapsed:.1f}"), file=sys.stderr, flush=True)


def _read_password(confirm: bool = True) -> str:
    """From a prompt on a terminal (asked twice), else the first line of stdin (for scripts)."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Repeat password: ") != first:
            raise ValueError("the passwords differ")
        return first
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


def cmd_users(args: argparse.Namespace) -> int:
    from geo.access import users

    engine = _migrated_engine()
    if engine is None:
        return 1
    actor = _cli_actor()
    try:
        if args.action == "list":
            frame = users.users_frame(engine)
            for row in frame.itertuples():
                state = "active" if row.active else "disabled"
                # New fields go last: admins' scripts read the first four by position.
                print(f"{row.username}\t{row.role}\t{state}\tfailed={row.failed_attempts}\t"
                      f"countries={row.countries or 'region'}")
            print(f"{len(frame)} user(s)")
        elif args.action == "add":
            users.create_user(engine, actor, args.name, args.role, _read_password(), args.country)
            print(f"user {args.name} added with role {args.role} for {args.country or 'the whole region'}")
        elif args.action == "set-countries":
            users.set_countries(engine, actor, args.name, args.countries)
            print(f"user {args.name} now edits {args.countries or 'the whole region'}")
        elif args.action == "set-role":
            users.set_role(engine, actor, args.name, args.role)
            print(f"user {args.name} now has role {args.role}")
        elif args.action in ("disable", "enable"):
            users.set_active(engine, actor, args.name, args.action == "enable")
            print(f"user {args.name} {args.action}d")
        elif args.action == "password":
            users.set_password(engine, actor, args.name, _read_password())
            print(f"password of {args.name} changed")
    except users.UserError as error:
        print(f"refused: {t(error.key, 'en', **error.params)}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Kept for existing scripts; the benchmark is a tool over the app, in bench/ (`python -m bench`)."""
    from geo.config import REPO_ROOT

    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))  # bench/ sits beside geo/, not inside it
    from bench.server import run_bench

    if args.flows_rows < 1 or args.repeat < 1:
        print("python -m geo bench: error: --flows-rows and --repeat must be 1 or more", file=sys.stderr)
        return 2
    worst = run_bench(args.flows_rows, args.seed, repeat=args.repeat)
    print(f"BENCH rows={args.flows_rows} worst_page_p50_ms={worst:.1f}")
    return 0


def cmd_export_streamed(args: argparse.Namespace) -> int:
    """A large kind's export written as it is read (geo.io.streaming): memory bounded by one chunk of rows,
    the same file as export_bytes builds (CSV, GeoJSON; XLSX continues on more sheets past Excel's limit)."""
    from pathlib import Path

    from geo.io.export_limits import export_estimate
    from geo.io.exports import ExactOnly
    from geo.io.streaming import export_to_path

    engine = _migrated_engine()
    if engine is None:
        return 1
    try:
        too_large = export_estimate(engine, args.kind, args.format, hxl=args.hxl, exact=args.exact)
        if too_large is not None:  # said before the stream starts; written as asked (it will not import back)
            print(t("cli.export_too_large", "en", message=too_large.message("en")), file=sys.stderr)
        export_to_path(engine, args.kind, args.format, Path(args.output), hxl=args.hxl, exact=args.exact)
    except ExactOnly:
        print(f"error: {args.kind} holds exact counts of vulnerable people and is exported only with --exact "
              "(a restricted file, for programme staff)", file=sys.stderr)
        return 2
    restricted = " RESTRICTED: exact counts of vulnerable people" if args.exact else ""
    print(f"{args.kind} exported to {args.output} ({Path(args.output).stat().st_size} bytes){restricted}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """N app replicas behind HAProxy on one database (geo/serve.py)."""
    from geo.db import ensure_database
    from geo.serve import Cluster, parse_backend, run

    try:
        remote = [parse_backend(b) for b in args.backend]
    except ValueError as error:
        print(f"python -m geo serve: error: --backend {error}", file=sys.stderr)
        return 2
    if args.replicas < 0 or (args.replicas == 0 and not remote) or not 0 < args.port < 65536:
        print("python -m geo serve: error: --replicas must be 1 or more (0 only with --backend), "
              "--port 1 to 65535", file=sys.stderr)
        return 2
    url = settings().database_url
    # Created, migrated and filled once here, before the replicas start (not by N of them at once); a
    # database that cannot be used ends here with its one message (exit 2).
    ensure_database(_engine())
    return run(Cluster(args.replicas, args.port, url, bind_host=args.host, remote=remote,
                       say=lambda line: print(line, flush=True)))


def cmd_highlights(args: argparse.Namespace) -> int:
    """What changed in a month, in words (exit 2 for a malformed month or a month with no flow data)."""
    from geo import periods
    from geo.overview import highlight_text as words
    from geo.overview import highlights as hl

    countries = tuple(c.strip().upper() for c in (args.country or "").split(",") if c.strip())
    scope = hl.Scope(countries)
    month = None
    if args.month is not None:
        month = periods.parse_month(args.month)  # THE month parser: malformed -> exit 2
        if month is None:
            print(t("hl.bad_month", args.lang, value=args.month), file=sys.stderr)
            return 2
    engine = _migrated_engine()
    if engine is None:
        return 1
    month = month or hl.default_month(engine, scope)
    if month is None or month not in hl.months_with_flows(engine, scope):
        print(t("hl.no_data", args.lang, month=args.month or "–"), file=sys.stderr)
        return 2
    result = hl.find_highlights(engine, month, scope)
    sys.stdout.write(words.render(result, args.lang, args.format, limit=args.limit))
    return 0


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
    p.add_argument("--lang", choices=languages(), default="en", help="language of the report")
    p.set_defaults(func=cmd_check)

    from geo.io.schema import FORMATS
    from geo.io.table import CHUNK_ROWS
    from geo.kinds import KINDS
    from geo.models import ROLES

    p = sub.add_parser("import", help="import a file (all or nothing); exit 1 with a report when rejected")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("file", help="CSV, XLSX, GeoJSON or GeoPackage")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--lang", choices=languages(), default="en", help="language of the report")
    p.add_argument("--progress", action="store_true",
                   help="progress lines on stderr from the start (by default only once an import runs over 2 s)")
    p.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS, metavar="N",
                   help=f"rows read, checked and written at a time (default {CHUNK_ROWS:,})")
    p.add_argument("--user", metavar="NAME",
                   help="import as that user: their role and country scope apply (default: as an admin)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export a kind of data to a file")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument("--hxl", action="store_true", help="CSV: add an HXL hashtag row under the header")
    p.add_argument("--parts", action="store_true",
                   help="write a ZIP of files that each fit the import's limits (a large XLSX or CSV)")
    p.add_argument("--exact", action="store_true",
                   help="restricted file for staff: exact counts of vulnerable people (flows' unaccompanied "
                        "minors; assisted returns, which are exported only this way)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("users", help="manage users (password from a prompt, or stdin when not a terminal)")
    users_sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    u = users_sub.add_parser("list", help="list users")
    u = users_sub.add_parser("add", help="add a user")
    u.add_argument("name")
    u.add_argument("--role", choices=ROLES, required=True)
    u.add_argument("--country", metavar="ISO3[,ISO3]",
                   help="the CA4 countries whose records the user may change (default: the whole region)")
    u = users_sub.add_parser("set-countries", help="change the countries a user may edit ('' for the region)")
    u.add_argument("name")
    u.add_argument("countries", metavar="ISO3[,ISO3]")
    u = users_sub.add_parser("set-role", help="change a user's role")
    u.add_argument("name")
    u.add_argument("role", choices=ROLES)
    for action in ("disable", "enable", "password"):
        u = users_sub.add_parser(action, help=f"{action} a user" if action != "password" else "set a password")
        u.add_argument("name")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("bench", help="same as `python -m bench server`: time the queries and pages reading flows"
                                    " under AppTest on a database of N flow rows of its own")
    p.add_argument("--flows-rows", type=int, required=True, help="flow rows of the benchmark database")
    p.add_argument("--seed", type=int, default=2026, help="random seed of its sample data (default 2026)")
    p.add_argument("--repeat", type=int, default=15, help="filter changes timed per page (default 15)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("serve", help="N app replicas behind HAProxy (session affinity, health checks); "
                                    "Ctrl-C or SIGTERM stops them all; exit 1 if one cannot start")
    p.add_argument("--replicas", type=int, default=2, help="local `streamlit run app.py` processes (default 2)")
    p.add_argument("--port", type=int, default=8501, help="the balancer's port (default 8501)")
    p.add_argument("--host", default="0.0.0.0", help="the address the balancer listens on (default all)")
    p.add_argument("--backend", action="append", default=[], metavar="HOST:PORT",
                   help="a replica on another machine (same DATABASE_URL), repeatable")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("highlights", help="what changed in a month, in words (exit 2: no data for that month)")
    p.add_argument("--month", help="YYYY-MM (default: the last complete month with data)")
    p.add_argument("--lang", choices=languages(), default="es")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--country", help="CA4 countries of the posts, e.g. GTM,SLV (default: all four)")
    p.add_argument("--limit", type=int, default=6, help="highlights shown (default 6, as on the overview)")
    p.set_defaults(func=cmd_highlights)

    from geo.alerts.cli import add_parser as add_alerts

    add_alerts(sub)  # python -m geo alerts subscribe|list|unsubscribe|run (geo/alerts/cli.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    if getattr(args, "flows_rows", None) is not None and args.flows_rows < 0:
        parser.error("--flows-rows must be 0 or more")
    try:
        return int(args.func(args))
    except Exception as error:  # a database that cannot be used: its one message, exit 2
        from alembic.util.exc import CommandError

        from geo.db_status import classify, is_database_error

        if not (is_database_error(error) or isinstance(error, CommandError)):
            raise
        lang = getattr(args, "lang", None) or "en"
        print(classify(error, settings().database_url).message(lang if lang in languages() else "en"),
              file=sys.stderr)
        return 2
