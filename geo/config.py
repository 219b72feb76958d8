"""Settings read from the environment, in one place.

DATABASE_URL   SQLAlchemy URL; unset means the embedded SQLite file under var/.
CA4_LANG       default language of the UI ("es" or "en").
CA4_DATA_DIR   folder holding reference/ and posts.csv (defaults to the repository's data/).
CA4_VAR_DIR    folder for local state (the embedded database, benchmark databases).
CA4_REQUIRE_LOGIN  "1" makes the whole app require sign-in.
CA4_IMPORT_MAX_MB  largest file accepted by imports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "en")


@dataclass(frozen=True)
class Settings:
    database_url: str
    default_lang: str
    data_dir: Path
    var_dir: Path
    require_login: bool
    import_max_mb: float

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_sqlite_url(var_dir: Path) -> str:
    return f"sqlite:///{(var_dir / 'ca4.sqlite').as_posix()}"


def settings() -> Settings:
    """Read the environment now (not at import time, so tests can change it)."""
    var_dir = Path(os.environ.get("CA4_VAR_DIR", REPO_ROOT / "var"))
    lang = os.environ.get("CA4_LANG", "es")
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_sqlite_url(var_dir),
        default_lang=lang if lang in LANGUAGES else "es",
        data_dir=Path(os.environ.get("CA4_DATA_DIR", REPO_ROOT / "data")),
        var_dir=var_dir,
        require_login=os.environ.get("CA4_REQUIRE_LOGIN", "0") in ("1", "true", "yes"),
        import_max_mb=float(os.environ.get("CA4_IMPORT_MAX_MB", "50")),
    )
