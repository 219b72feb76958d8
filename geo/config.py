"""Settings read from the environment, in one place, validated when read.

DATABASE_URL   SQLAlchemy URL (sqlite:///path or postgresql+psycopg://user:pass@host:port/db);
               unset or empty means the embedded SQLite file under var/.
CA4_LANG       default language of the UI: one with a catalog in geo/i18n/locales (es, en; unset: es).
CA4_LOCALE_DIR a folder of more catalogs (<lang>/LC_MESSAGES/messages.po), read by geo.i18n at start.
CA4_DATA_DIR   folder holding reference/ and posts.csv (defaults to the repository's data/).
CA4_VAR_DIR    folder for local state (the embedded database, benchmark databases).
CA4_REQUIRE_LOGIN  1/true/yes makes the whole app require sign-in; 0/false/no or unset does not.
CA4_IMPORT_MAX_MB  largest file accepted by imports, in MB: a number above 0 and at most 2000 (unset: 50).
CA4_TIMEZONE   the region's time zone, an IANA name (unset: America/Guatemala): every time shown (audit log,
               recent changes, last loads) is in it; stored times stay UTC.
CA4_SMTP_HOST, CA4_SMTP_PORT, CA4_SMTP_FROM, CA4_SMTP_USER, CA4_SMTP_PASSWORD, CA4_SMTP_STARTTLS
               the mail server alerts are sent through (geo.alerts): unset host means no mail is sent; with a
               host, FROM is required, PORT is 1-65535 (unset: 587 with STARTTLS, else 25), USER and PASSWORD
               go together, STARTTLS is a flag.
CA4_PUBLIC_URL the app's address as mails link to it (http:// or https://; unset: http://localhost:8501).

A value outside these raises SettingsError, whose message names the variable, the value and what is
accepted, in Spanish or English; the app and the command line show that message, never a traceback.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_IMPORT_MB = 2000.0  # beyond this a single upload would not fit the memory of the machines we run on
_TRUE = ("1", "true", "yes", "si", "sí", "on")
_FALSE = ("0", "false", "no", "off", "")


class SettingsError(ValueError):
    """A setting with a value the app cannot use. `message(lang)` says which, and what is accepted."""

    def __init__(self, variable: str, value: str, accepted_key: str) -> None:
        self.variable, self.value, self.accepted_key = variable, value, accepted_key
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from babel.lists import format_list

        from geo.i18n import babel_locale, languages, t

        shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
        if self.variable == "DATABASE_URL" and "@" in shown:  # never show a password
            shown = "…@" + shown.split("@")[-1]
        lang = lang if lang in languages() else "en"
        # {languages} in an accepted-values text lists the catalogs present ("es o en"); other texts ignore it.
        accepted = t(self.accepted_key, lang, languages=format_list(list(languages()), style="or",
                                                                    locale=babel_locale(lang)))
        return t("config.err.setting", lang, variable=self.variable, value=shown, accepted=accepted)


@dataclass(frozen=True)
class Settings:
    database_url: str
    default_lang: str
    data_dir: Path
    var_dir: Path
    require_login: bool
    import_max_mb: float
    timezone: str = "America/Guatemala"  # IANA name, checked: times are shown in it (geo.i18n.fmt_datetime)

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_sqlite_url(var_dir: Path) -> str:
    return f"sqlite:///{(var_dir / 'ca4.sqlite').as_posix()}"


def _import_max_mb(raw: str | None) -> float:
    if raw is None or not raw.strip():
        return 50.0
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_IMPORT_MB):
        raise SettingsError("CA4_IMPORT_MAX_MB", raw, "config.accepts.import_max_mb")
    return value


DEFAULT_TIMEZONE = "America/Guatemala"  # the CA4 keep UTC-6 all year (no daylight saving)


def _timezone(raw: str | None) -> str:
    from zoneinfo import ZoneInfo

    value = (raw or "").strip() or DEFAULT_TIMEZONE
    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError):  # not found (a KeyError), or not a zone name at all
        raise SettingsError("CA4_TIMEZONE", raw or "", "config.accepts.timezone") from None
    return value


def local_timezone():
    """The region's time zone (CA4_TIMEZONE, validated) as a ZoneInfo: what every time shown is in."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(_timezone(os.environ.get("CA4_TIMEZONE")))


def _database_url(raw: str | None, var_dir: Path) -> str:
    if raw is None or not raw.strip():
        return default_sqlite_url(var_dir)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise SettingsError("DATABASE_URL", raw, "config.accepts.database_url") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError("DATABASE_URL", raw, "config.accepts.database_url")
    return raw.strip()


def _language(raw: str | None) -> str:
    from geo.i18n import languages

    value = (raw or "es").strip().lower() or "es"
    if value not in languages():  # the languages are the catalogs present
        raise SettingsError("CA4_LANG", raw or "", "config.accepts.lang")
    return value


def _flag(name: str, raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(name, raw or "", "config.accepts.flag")


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server alerts go through (None from mail_settings() when CA4_SMTP_HOST is unset)."""

    host: str
    port: int
    sender: str
    user: str | None
    password: str | None = field(default=None, repr=False)  # never printed
    starttls: bool = False


def _public_url(raw: str | None) -> str:
    from urllib.parse import urlsplit

    value = (raw or "").strip() or "http://localhost:8501"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise SettingsError("CA4_PUBLIC_URL", raw or "", "config.accepts.public_url")
    return value.rstrip("/")


def public_url() -> str:
    """The app's address as mails link to it (CA4_PUBLIC_URL), without a trailing slash."""
    return _public_url(os.environ.get("CA4_PUBLIC_URL"))


def mail_settings() -> MailSettings | None:
    """The SMTP settings, validated (SettingsError naming the variable), or None when CA4_SMTP_HOST is unset."""
    from email.utils import parseaddr

    env = os.environ.get
    host = (env("CA4_SMTP_HOST") or "").strip()
    if not host:
        return None
    if any(c.isspace() or c in "/@" for c in host) or len(host) > 253:
        raise SettingsError("CA4_SMTP_HOST", env("CA4_SMTP_HOST") or "", "config.accepts.smtp_host")
    starttls = _flag("CA4_SMTP_STARTTLS", env("CA4_SMTP_STARTTLS"))
    raw_port = (env("CA4_SMTP_PORT") or "").strip()
    if not raw_port:
        port = 587 if starttls else 25
    elif raw_port.isascii() and raw_port.isdigit() and 1 <= int(raw_port) <= 65535:
        port = int(raw_port)
    else:
        raise SettingsError("CA4_SMTP_PORT", env("CA4_SMTP_PORT") or "", "config.accepts.smtp_port")
    sender = (env("CA4_SMTP_FROM") or "").strip()
    address = parseaddr(sender)[1]
    if not address or "@" not in address or any(c in sender for c in "\r\n"):
        raise SettingsError("CA4_SMTP_FROM", env("CA4_SMTP_FROM") or "", "config.accepts.smtp_from")
    user = (env("CA4_SMTP_USER") or "").strip() or None
    password = env("CA4_SMTP_PASSWORD") or None
    if password and not user:
        raise SettingsError("CA4_SMTP_USER", "", "config.accepts.smtp_user")
    return MailSettings(host, port, sender, user, password, starttls)


def settings() -> Settings:
    """Read the environment now (not at import time, so tests can change it). Raises SettingsError."""
    var_dir = Path(os.environ.get("CA4_VAR_DIR") or REPO_ROOT / "var")
    return Settings(
        database_url=_database_url(os.environ.get("DATABASE_URL"), var_dir),
        default_lang=_language(os.environ.get("CA4_LANG")),
        data_dir=Path(os.environ.get("CA4_DATA_DIR") or REPO_ROOT / "data"),
        var_dir=var_dir,
        require_login=_flag("CA4_REQUIRE_LOGIN", os.environ.get("CA4_REQUIRE_LOGIN")),
        import_max_mb=_import_max_mb(os.environ.get("CA4_IMPORT_MAX_MB")),
        timezone=_timezone(os.environ.get("CA4_TIMEZONE")),
    )


def settings_problem(lang: str = "en") -> str | None:
    """The message for the first invalid setting, or None when all are usable (for start-up checks)."""
    try:
        settings()
        mail_settings()
        public_url()
    except SettingsError as error:
        return error.message(lang)
    return None
