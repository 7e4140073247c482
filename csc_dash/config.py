"""Configuration from the environment, read when asked (never at import time).

| variable | meaning | default |
|---|---|---|
| ``CSC_DASH_DATA_DIR`` | folder for the database, user file and other local state | ``var/`` in the project |
| ``DATABASE_URL`` | SQLAlchemy URL of the store | SQLite file ``<data dir>/csc_dash.sqlite`` |
| ``CSC_DASH_MAX_UPLOAD_MB`` | largest uploaded scored CSV, in megabytes | 200 |
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


#: Largest uploaded test set, in megabytes, unless ``CSC_DASH_MAX_UPLOAD_MB`` says otherwise.
DEFAULT_MAX_UPLOAD_MB = 200.0


def max_upload_bytes() -> int:
    """The largest scored CSV an analyst may upload (``CSC_DASH_MAX_UPLOAD_MB``, default 200 MB).

    Raises
    ------
    ValueError
        If the variable is set but is not a positive number: a set-up mistake to fix loudly.
    """
    raw = os.environ.get("CSC_DASH_MAX_UPLOAD_MB", "").strip()
    if not raw:
        return int(DEFAULT_MAX_UPLOAD_MB * 1024 * 1024)
    try:
        mb = float(raw)
    except ValueError:
        mb = float("nan")
    if not mb > 0 or mb == float("inf"):
        raise ValueError(f"CSC_DASH_MAX_UPLOAD_MB must be a positive number of megabytes; got {raw!r}.")
    return int(mb * 1024 * 1024)


def max_upload_mb() -> int:
    """:func:`max_upload_bytes` in whole megabytes (rounded up), for ``st.file_uploader``."""
    mb = 1024 * 1024
    return max(1, -(-max_upload_bytes() // mb))
