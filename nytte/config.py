"""Typed settings from the environment (prefix NYTTE_) and the one error type that
stops the app or a command with a single sentence saying what to fix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEFAULT_SQLITE_PATH = DATA_DIR / "nytte.db"


class ConfigError(RuntimeError):
    """Bad configuration. The message is one sentence telling the operator what to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NYTTE_", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DEFAULT_SQLITE_PATH}")
    reference_dir: Path = REFERENCE_DIR
    roles_file: Path = REPO_ROOT / "config" / "roles.toml"
    # With login configured or this set, the local demo role picker is never offered.
    require_login: bool = False
    # The municipality the demo-mode roles are scoped to (Greve, as in the demo data).
    demo_municipality: str = "0253"
    # Jobindsats API v3; a test points it at a local fake server.
    jobindsats_url: str = "https://api.jobindsats.dk/v3"

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, url: str) -> str:
        # Operators paste plain postgres:// URLs; SQLAlchemy needs the driver named.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url


def load_settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError lists every field
        raise ConfigError(
            f"Indstillingerne kunne ikke læses ({exc.__class__.__name__}): "
            "ret miljøvariablerne NYTTE_* og start igen."
        ) from exc
