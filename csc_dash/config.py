"""Configuration from the environment, read when asked (never at import time).

| variable | meaning | default |
|---|---|---|
| ``CSC_DASH_DATA_DIR`` | folder for the database, user file and other local state | ``var/`` in the project |
| ``DATABASE_URL`` | SQLAlchemy URL of the store | SQLite file ``<data dir>/csc_dash.sqlite`` |
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The folder for local state; created on first use. Never inside the tracked files."""
    path = Path(os.environ.get("CSC_DASH_DATA_DIR") or ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """The store's SQLAlchemy URL (``DATABASE_URL``), defaulting to an SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style postgres:// URLs name no driver; use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{data_dir() / 'csc_dash.sqlite'}"
