"""`python -m geo alerts ...` (registered by geo.cli): subscribe, list, unsubscribe, run.

Exit codes as the rest of the command line: 0 done, 1 problems (a subscription refused, a mail not
accepted: it stays pending), 2 usage errors (argparse's, and a setting the command cannot use).
"""

from __future__ import annotations

import argparse
import sys

from geo.i18n import languages, t

LANG = "en"  # the command line's own messages; mails go in each subscriber's language


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alerts", help="early warning: subscriptions and the hourly run that mails new alerts")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = actions.add_parser("subscribe", help="subscribe an e-mail address to the highlights or to alerts")
    s.add_argument("--email", required=True)
    s.add_argument("--user", help="the account the subscription belongs to (its person sees it in the app)")
    what = s.add_mutually_exclusive_group(required=True)
    what.add_argument("--highlights", action="store_true", help="the monthly highlights, with the brief PDF")
    what.add_argument("--post", metavar="CODE", help="alerts for a post, e.g. GTM-AGC")
    what.add_argument("--country", metavar="ISO3", help="alerts for a programme country, e.g. GTM")
    what.add_argument("--border", metavar="ISO3-ISO3", help="alerts for the posts of a border, e.g. GTM-HND")
    rule = s.add_mutually_exclusive_group()
    rule.add_argument("--week-above", type=int, metavar="N",
                      help="with --post: crossings at the post in a week above N (instead of the findings)")
    rule.add_argument("--week-below", type=int, metavar="N", help="with --post: crossings in a week below N")
    rule.add_argument("--seasonal-change", type=float, metavar="PCT",
                      help="with --post: the month's change against the seasonal expectation of at least PCT "
                           "(e.g. 40, or -30 for a drop)")
    s.add_argument("--lang", choices=languages(), default="es", help="the mails' language (default es)")
    actions.add_parser("list", help="list the subscriptions")
    u = actions.add_parser("unsubscribe", help="end a subscription")
    u.add_argument("id", type=int)
    r = actions.add_parser("run", help="evaluate every subscription and mail each new alert once (for cron)")
    r.add_argument("--dry-run", action="store_true", help="print what would be sent; send and record nothing")
    p.set_defaults(func=cmd_alerts)


def cmd_alerts(args: argparse.Namespace) -> int:
    from geo.cli import _cli_actor, _migrated_engine
    from geo.config import SettingsError

    engine = _migrated_engine()
    if engine is None:
        return 1
    try:
        if args.action == "subscribe":
            return _subscribe(engine, _cli_actor(), args)
        if args.action == "list":
            return _list(engine)
        if args.action == "unsubscribe":
            return _unsubscribe(engine, _cli_actor(), args.id)
        return _run(engine, args.dry_run)
    except SettingsError as error:
        print(error.message(LANG), file=sys.stderr)
        return 2


def _refused(error) -> int:
    print(f"refused: {t(error.key, LANG, **error.params)}", file=sys.stderr)
    return 1


def _subscribe(engine, actor, args: argparse.Namespace) -> int:
    from geo.alerts import subscriptions as subs

    topic, target = next((name, getattr(args, name)) for name in ("post", "country", "border")
                         if getattr(args, name)) if not args.highlights else ("highlights", None)
    rule, threshold = next(((name, value) for name, value in (
        ("week_above", args.week_above), ("week_below", args.week_below),
        ("seasonal_change", args.seasonal_change)) if value is not None), (None, None))
    if rule is not None and topic != "post":
        print("python -m geo alerts subscribe: error: --week-above, --week-below and --seasonal-change need "
              "--post", file=sys.stderr)
        return 2
    try:
        sub, created = subs.subscribe(engine, actor, args.email, topic, target, lang=args.lang, user=args.user,
                                      rule=rule, threshold=threshold)
    except subs.SubscriptionError as error:
        return _refused(error)
    print(("subscribed" if created else "already subscribed") + f": #{sub.id} {_describe(sub)}")
    return 0


def _describe(sub) -> str:
    from geo.alerts.mail import topic_label

    owner = f" (user {sub.username})" if sub.username else ""
    return f"{sub.email}{owner} → {topic_label(sub, LANG)} [{sub.lang}]"


def _list(engine) -> int:
    from geo.alerts import subscriptions as subs

    found = subs.subscriptions(engine)
    for sub in found:
        print(f"#{sub.id}\t{sub.email}\t{sub.username or '-'}\t{sub.topic}\t{sub.target or '-'}\t"
              f"{sub.rule or '-'}\t{'' if sub.threshold is None else f'{sub.threshold:g}'}\t{sub.lang}")
    print(f"{len(found)} subscription(s)")
    return 0


def _unsubscribe(engine, actor, subscription_id: int) -> int:
    from geo.alerts import subscriptions as subs

    try:
        sub = subs.unsubscribe(engine, actor, subscription_id)
    except subs.SubscriptionError as error:
        return _refused(error)
    print(f"unsubscribed: #{sub.id} {_describe(sub)}")
    return 0


def _run(engine, dry_run: bool) -> int:
    from geo.alerts.run import run
    from geo.config import mail_settings, public_url

    report = run(engine, None if dry_run else mail_settings(), public_url(), dry_run=dry_run)
    month = f"{report.month:%Y-%m}" if report.month else "none (no complete month with flow data)"
    verb = "would send" if dry_run else "sent"
    for o in report.sent:
        extra = ", brief PDF attached" if o.attachment else ""
        print(f"{verb}: #{o.subscription.id} to {o.subscription.email}: {o.subject} ({o.alerts} alert(s){extra})")
    for o in report.failed:
        print(f"FAILED: #{o.subscription.id} to {o.subscription.email}: {o.error}; {o.alerts} alert(s) stay "
              "pending and are retried next run", file=sys.stderr)
    print(f"month evaluated: {month}; {verb} {len(report.sent)} mail(s)"
          + (f"; {len(report.failed)} failed" if report.failed else "")
          + ("; dry run: nothing sent or recorded" if dry_run else ""))
    return 0 if report.ok else 1
