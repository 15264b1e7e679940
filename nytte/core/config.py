"""Typed settings from the environment (prefix NYTTE_) and the one error type that
stops the app or a command with a single sentence saying what to fix."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEFAULT_SQLITE_PATH = DATA_DIR / "nytte.db"
_ENV_PREFIX = "NYTTE_"


class ConfigError(RuntimeError):
    """Bad configuration. The message is one sentence telling the operator what to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=_ENV_PREFIX, extra="ignore", frozen=True)

    database_url: str = Field(default=f"sqlite:///{DEFAULT_SQLITE_PATH}")
    # PostgreSQL: the owner's URL, used by `nytte migrate` (and the demo loader) only;
    # the app connects with database_url, a role without ownership (nytte.core.db_roles).
    migrate_database_url: str | None = None
    # Development only: let the app run as the owner of the audited tables.
    allow_owner_database_role: bool = False
    reference_dir: Path = REFERENCE_DIR
    roles_file: Path = REPO_ROOT / "config" / "roles.toml"
    # With login configured or this set, the local demo role picker is never offered.
    require_login: bool = False
    # The municipality the demo-mode roles are scoped to (Greve, as in the demo data).
    demo_municipality: str = "0253"
    # A folder of screening rule sets to use instead of data/rulesets (NYTTE_RULESET_DIR).
    ruleset_dir: Path | None = None
    # The Jobindsats API token (NYTTE_JOBINDSATS_TOKEN); see jobindsats_token().
    jobindsats_token: str = ""
    # Jobindsats API v3; a test points it at a local fake server.
    jobindsats_url: str = "https://api.jobindsats.dk/v3"

    @field_validator("database_url", "migrate_database_url")
    @classmethod
    def _normalise_url(cls, url: str | None) -> str | None:
        if not url:
            return None
        # Operators paste plain postgres:// URLs; SQLAlchemy needs the driver named.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url

    @property
    def owner_database_url(self) -> str:
        """The URL that migrations and other setup steps use."""
        return self.migrate_database_url or self.database_url


def load_settings() -> Settings:
    """The settings from the NYTTE_* environment variables as they are now.

    Reading them through pydantic-settings costs milliseconds, and hot paths ask often
    (every screening asks for the rule-set folder), so the result is kept per snapshot
    of those variables (by their upper-case names): a changed variable is read again.
    The settings are frozen."""
    return _settings_for(tuple(os.environ.get(name) for name in _ENV_NAMES))


@lru_cache(maxsize=8)
def _settings_for(env: tuple[str | None, ...]) -> Settings:
    del env  # the cache key; Settings() reads the environment itself
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError lists every field
        raise ConfigError(
            f"Indstillingerne kunne ikke læses ({exc.__class__.__name__}): "
            "ret miljøvariablerne NYTTE_* og start igen."
        ) from exc


_ENV_NAMES = tuple(_ENV_PREFIX + name.upper() for name in Settings.model_fields)


class RetentionSettings(BaseSettings):
    """NYTTE_RETENTION_MONTHS, NYTTE_RETENTION_BIRTH_YEAR, NYTTE_RETENTION_DRAFT_DAYS."""

    model_config = SettingsConfigDict(env_prefix="NYTTE_RETENTION_", extra="ignore")

    months: int = Field(default=12, ge=1, le=240)
    # "keep" by default: the dashboards' age composition is computed from the birth
    # year for each period, so coarsening or removing it changes historical figures.
    birth_year: str = "keep"
    # A roll draft (the roll a user typed and did not save) is deleted after this
    # many days without a change.
    draft_days: int = Field(default=7, ge=1, le=90)


SECRETS_FILE = Path(".streamlit/secrets.toml")


def jobindsats_token(secrets_file: Path | None = None) -> str | None:
    """The Jobindsats API token: the environment first, then ``[jobindsats] token`` in
    .streamlit/secrets.toml (read with tomllib: nytte never imports Streamlit, and the
    refresh also runs from the command line)."""
    token = load_settings().jobindsats_token.strip()
    if token:
        return token
    path = secrets_file or SECRETS_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            return None
        section = data.get("jobindsats")
        if isinstance(section, dict):
            value = section.get("token")
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None
