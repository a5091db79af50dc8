"""Where crm keeps its files: the one module that knows locations (tests patch it)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "crm"
DB_ENV = "CRM_DB"
CONFIG_ENV = "CRM_CONFIG"


def default_db_path() -> Path:
    """The embedded database's default location in the user's data directory."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "crm.sqlite3"


def db_path(option: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the database path: ``--db`` wins, then ``CRM_DB``, then the default."""
    if option:
        return Path(option).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


_config_option: Path | None = None


def use_config(option: str | os.PathLike[str] | None) -> None:
    """Make ``--config FILE`` the config file for this process (None: back to the default)."""
    global _config_option
    _config_option = Path(option).expanduser() if option else None


def config_path() -> Path:
    """The config file: ``--config``, then ``CRM_CONFIG``, then ``config.toml`` in the user's
    config directory."""
    if _config_option is not None:
        return _config_option
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def drafts_dir() -> Path:
    """Where the user's own draft templates live: ``drafts/<lang>/<kind>.txt`` beside the
    config file, each one replacing crm's template of the same name."""
    return config_path().parent / "drafts"
