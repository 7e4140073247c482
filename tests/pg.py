"""Store fixtures for tests: the same test on SQLite and on PostgreSQL, each in isolation.

PostgreSQL comes from ``CSC_DASH_TEST_POSTGRES_URL``; without it the local server
(:data:`DEFAULT_URL`) is used when it answers, and the PostgreSQL half of a test is skipped when it
does not, except in CI (``CSC_DASH_CI=1``), where an unreachable server fails the test.
Every PostgreSQL test gets its own schema (``search_path`` in the URL), dropped afterwards, so
tests running at the same time on the same server never see each other's rows.

Use in a test module::

    from tests.pg import engine, store_url  # noqa: F401  (pytest fixtures)

    def test_something(engine):       # runs twice: [sqlite] and [postgresql]
        ...

``store_url`` alone gives the URL (e.g. for ``DATABASE_URL`` in an AppTest); ``pg_url`` gives an
isolated PostgreSQL URL only; :func:`isolated_schema` is the context manager behind them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from csc_dash.workshop import store

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CSC_DASH_CI") == "1"


def _driver_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@functools.cache
def _probe(url: str) -> str | None:
    """``None`` if the server answers, else why not."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(error).__name__}: {error}".splitlines()[0]
    finally:
        engine.dispose()
    return None


def postgres_url() -> str:
    """The test server's URL; skips the test if unreachable (fails in CI)."""
    url = _driver_url(os.environ.get("CSC_DASH_TEST_POSTGRES_URL") or DEFAULT_URL)
    problem = _probe(url)
    if problem is not None:
        message = f"PostgreSQL at {make_url(url).render_as_string()} is not reachable: {problem}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextlib.contextmanager
def isolated_schema(url: str) -> Iterator[str]:
    """A fresh schema on the server at ``url``; yields a URL whose connections use only it."""
    schema = f"csc_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    with isolated_schema(postgres_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL of an empty store: an SQLite file, or an isolated PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
    else:
        with isolated_schema(postgres_url()) as url:
            yield url


@pytest.fixture(scope="session")
def _shared_pg_engine():
    """One isolated PostgreSQL schema per test session, emptied before each test that uses it."""
    with isolated_schema(postgres_url()) as url:
        made = store.make_engine(url)
        yield made
        made.dispose()


def _empty(engine) -> None:
    names = ", ".join(table.name for table in (*store.DATA_TABLES, *store.SECURITY_TABLES))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '20s'"))
        conn.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """An engine from :func:`csc_dash.workshop.store.make_engine` on an empty store (both databases).

    SQLite: a new file per test. PostgreSQL: a schema of this test session, emptied first
    (creating tables for every test would cost a third of a second each). For a test that needs
    a store of its own (schema changes, several engines), use ``store_url`` instead.
    """
    if request.param == "sqlite":
        made = store.make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
        yield made
        made.dispose()
    else:
        shared = request.getfixturevalue("_shared_pg_engine")
        _empty(shared)
        yield shared


def row_counts(engine) -> dict[str, int]:
    """Rows in every table of the store (to show an erase leaves nothing behind)."""
    with engine.connect() as conn:
        return {
            table.name: conn.scalar(select(func.count()).select_from(table))
            for table in store.metadata.sorted_tables
        }


class TcpProxy:
    """A TCP relay to ``target`` that can be stopped (every connection cut) and started again
    on the same port: a database server going away and coming back."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.1)
        self._listener = listener
        self._running.set()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None:
            self._thread.join()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self) -> None:
        while self._running.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_RDWR)
