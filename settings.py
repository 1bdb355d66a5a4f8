"""Every setting Opit reads, declared once with its default and help text.

A setting is read from the environment first, then from `.streamlit/secrets.toml` (top-level key of
the same name, or the name without the `OPIT_` prefix in lower case under an `[opit]` table), and
falls back to its default. The README's settings table is checked against `SETTINGS` by a test.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "OPIT_DATABASE_URL",
        "sqlite:///data/opit.db",
        "Where Opit keeps its data. SQLite (a file, relative to the working directory) for one "
        "process; `postgresql+psycopg://user:pass@host/db` for a team running several processes.",
    ),
    Setting(
        "OPIT_LANGUAGE",
        "bg",
        "Default interface language, `bg` or `en`. Each person can switch in the sidebar.",
    ),
    Setting(
        "OPIT_PUBLIC_URL",
        "http://localhost:8501",
        "The address citizens use to reach Opit; questionnaire links and QR codes start with it.",
    ),
    Setting(
        "OPIT_DATA_DIR",
        "data",
        "Folder for uploads (prototype screenshots) and migration backups.",
    ),
    Setting(
        "OPIT_MAX_UPLOAD_MB",
        "20",
        "Largest file, in megabytes, that any import or upload accepts.",
    ),
    Setting(
        "OPIT_BACKUP_BEFORE_MIGRATE",
        "true",
        "Copy a SQLite database to `<file>.bak` before bringing it to a newer schema.",
    ),
    Setting(
        "OPIT_LOG_LEVEL",
        "INFO",
        "Logging level of the app and the command line (`DEBUG`, `INFO`, `WARNING`, `ERROR`).",
    ),
    Setting(
        "OPIT_SESSION_IDLE_MINUTES",
        "60",
        "A signed-in person who does nothing for this many minutes must sign in again.",
    ),
    Setting(
        "OPIT_SESSION_MAX_HOURS",
        "12",
        "However active, a sign-in lasts at most this many hours.",
    ),
    Setting(
        "OPIT_LOGIN_MAX_FAILURES",
        "5",
        "Wrong passwords in a row after which an account is locked for a while.",
    ),
    Setting(
        "OPIT_LOGIN_LOCK_MINUTES",
        "15",
        "How long, in minutes, a locked account stays locked (an admin can unlock it sooner).",
    ),
    Setting(
        "OPIT_SUBMISSIONS_PER_CLIENT_HOUR",
        "30",
        "Questionnaire answers one client address may send through one link in an hour.",
    ),
    Setting(
        "OPIT_SUBMISSIONS_PER_LINK_MINUTE",
        "120",
        "Questionnaire answers one link accepts in a minute from everyone together (per process).",
    ),
    Setting(
        "OPIT_TRUST_FORWARDED_FOR",
        "false",
        "Behind a load balancer: take the client's address from the `X-Forwarded-For` header.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@cache
def _secrets() -> dict:
    path = Path.cwd() / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def get(name: str) -> str:
    """The value of a declared setting: environment, then secrets.toml, then the default."""
    try:
        setting = _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name} is not a declared setting; add it to settings.SETTINGS") from None
    if name in os.environ and os.environ[name] != "":
        return os.environ[name]
    secrets = _secrets()
    if name in secrets:
        return str(secrets[name])
    short = name.removeprefix("OPIT_").lower()
    if isinstance(secrets.get("opit"), dict) and short in secrets["opit"]:
        return str(secrets["opit"][short])
    return setting.default


def get_int(name: str) -> int:
    value = get(name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"The setting {name} must be a whole number, not {value!r}") from None


def get_bool(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    path = Path(get("OPIT_DATA_DIR"))
    return path if path.is_absolute() else Path.cwd() / path
