"""Typed settings, read once from ``LAGUNA_*`` environment variables and ``laguna.toml``.

Precedence: environment > ``laguna.toml`` (in the project folder, or the file named by
``LAGUNA_CONFIG``) > defaults. Every setting is documented in the README (a test checks).
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """All of laguna's settings. Field name ``x`` is read from ``LAGUNA_X``."""

    model_config = SettingsConfigDict(env_prefix="LAGUNA_", extra="forbid", frozen=True)

    home: Path = Field(PROJECT_ROOT, description="Project folder; var/ lives here.")
    database_url: str | None = Field(
        None, description="Use this PostgreSQL server instead of the embedded one."
    )
    storage_crs: str = Field("EPSG:7792", description="Projected CRS of every stored geometry.")
    pg_port: int | None = Field(None, ge=1024, le=65535, description="Embedded server's port.")
    pg_os_user: str = Field("postgres", description="OS user that runs the embedded server as root.")
    pg_bin: Path | None = Field(None, description="Folder of PostgreSQL's server programs.")
    statement_timeout_ms: int = Field(10_000, ge=100, description="Limit of request-time queries.")
    max_page_size: int = Field(10_000, ge=1, description="Most rows one request may return.")
    dask_scheduler: str | None = Field(None, description="Dask scheduler address for jobs.")
    language: Literal["it", "en"] = Field("it", description="Default interface language.")
    secret_key: str = Field("laguna-local", description="Flask secret key (set it in production).")
    user: str | None = Field(None, description="Name recorded in the audit log for CLI edits.")
    basemap_url: str = Field("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                             description="Online basemap tile URL of the map viewer ('' for none).")
    basemap_attribution: str = Field("© OpenStreetMap contributors",
                                     description="Attribution shown with the online basemap.")

    @field_validator("storage_crs")
    @classmethod
    def _projected_metres(cls, value: str) -> str:
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        try:
            crs = CRS.from_user_input(value)
        except CRSError as exc:
            raise ValueError(f"{value!r} is not a known coordinate reference system") from exc
        epsg = crs.to_epsg()
        if epsg is None:
            raise ValueError(f"{value!r} has no EPSG code; give one such as EPSG:7792")
        if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
            raise ValueError(f"EPSG:{epsg} is not a projected CRS in metres")
        return f"EPSG:{epsg}"

    @property
    def storage_srid(self) -> int:
        return int(self.storage_crs.split(":")[1])

    @property
    def var_dir(self) -> Path:
        return self.home / "var"

    @property
    def sql_dir(self) -> Path:
        return PROJECT_ROOT / "sql"

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        # The environment wins over laguna.toml, which arrives as init arguments.
        return env_settings, init_settings


def _toml_values() -> dict:
    path = Path(os.environ.get("LAGUNA_CONFIG", PROJECT_ROOT / "laguna.toml"))
    if not path.exists():
        if "LAGUNA_CONFIG" in os.environ:
            raise ConfigError(f"The settings file {path} named by LAGUNA_CONFIG does not exist.")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The settings file {path} is not valid TOML: {exc}.") from None


def load_settings(**overrides) -> Settings:
    """Build and validate settings; a bad value raises :class:`ConfigError` in one sentence."""
    values = _toml_values() | overrides
    try:
        return Settings(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        raise ConfigError(
            f"Setting LAGUNA_{field.upper()} is invalid: {err['msg'].removeprefix('Value error, ')}."
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own with :func:`load_settings`)."""
    return load_settings()
