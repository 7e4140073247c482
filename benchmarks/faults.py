"""Faults with real components: the server killed in the middle of the load, and the database
stopped under a running app.

1. **kill -9** — participants join and save answers against one app server on SQLite; when half
   the answers are acknowledged the server is killed with SIGKILL (no shutdown, as in a power
   cut). It is started again on the same data folder and the same people come back (under new
   made-up names: their browser session died with the server) and save more. Then every
   answer acknowledged before and after the crash must be in the store, none twice, and
   SQLite's ``PRAGMA integrity_check`` must say ``ok``.
2. **PostgreSQL outage** — a throwaway PostgreSQL cluster (``initdb`` in a temp folder, its own
   port and socket folder; never the shared system server) serves an app replica.
   Participants join and save; the cluster is stopped; their next save must show the plain
   "Not saved yet" message with a Retry button (never a traceback); the cluster is started
   again; Retry must store each kept answer exactly once.

    python -m benchmarks.faults                 # both
    python -m benchmarks.faults --only kill9 --sessions 8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.load import (
    NOT_SAVED_PREFIX,
    PAGE,
    SAVED_PREFIX,
    LoadConfig,
    compare,
    drive,
    join,
    make_workshop,
    save_view,
    stored_answers,
)
from benchmarks.streamlit_client import (
    AppServer,
    ProtocolError,
    StreamlitSession,
    launch_app,
    run_async,
    store_url,
)

PG_BIN = Path(os.environ.get("CSC_DASH_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = 5499


# --------------------------------------------------------------------------------------------
# A throwaway PostgreSQL cluster
# --------------------------------------------------------------------------------------------


def _as_postgres() -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    return []


@dataclass
class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temp folder (trust auth on 127.0.0.1 only).

    Never touches the system server: its own data folder, port and socket folder.
    """

    port: int = PG_PORT
    folder: Path | None = None

    @staticmethod
    def available() -> bool:
        return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser"))

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data(self) -> Path:
        assert self.folder is not None
        return self.folder / "pgdata"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*_as_postgres(), *args], capture_output=True, text=True, check=check, timeout=120
        )

    def init(self) -> ThrowawayPostgres:
        self.folder = Path(tempfile.mkdtemp(prefix="csc-pg-"))
        os.chmod(self.folder, 0o777)
        (self.folder / "sock").mkdir()
        os.chmod(self.folder / "sock", 0o777)
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=on"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.folder / "pg.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False
        )

    def running(self) -> bool:
        result = self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return result.returncode == 0

    def cleanup(self) -> None:
        if self.folder is None:
            return
        with contextlib.suppress(Exception):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> ThrowawayPostgres:
        self.init()
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


# --------------------------------------------------------------------------------------------
# 1. kill -9 in the middle of the load
# --------------------------------------------------------------------------------------------


def integrity_check(sqlite_path: Path) -> str:
    with contextlib.closing(sqlite3.connect(sqlite_path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


async def _kill_when(server: AppServer, progress: list[str], target: int, killed: dict) -> None:
    while len(progress) < target:
        await asyncio.sleep(0.05)
    killed["acknowledged_before"] = len(progress)
    killed["at"] = time.perf_counter()
    server.kill9()


def kill9_run(sessions: int = 8, moves: int = 8, answers: int = 4,
              think: tuple[float, float] = (0.1, 0.5), folder: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """The kill -9 fault run; returns the figures (``ok`` says whether it passed)."""
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="csc-kill9-")))
        server = launch_app(folder, staff=True)
        stack.callback(lambda: server.stop())
        url = store_url(server.env)
        workshop_id, code = make_workshop(url, "Kill -9 test")
        cfg = LoadConfig(sessions, moves, answers, think, ramp=1.0, tag="crash")
        progress: list[str] = []
        killed: dict[str, Any] = {}

        async def phase_one():
            killer = asyncio.create_task(
                _kill_when(server, progress, max(1, sessions * answers // 2), killed)
            )
            results, _, _ = await drive(server.url, cfg, code=code, progress=progress)
            killer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await killer
            return results

        before = run_async(phase_one())
        cut_off = sum(1 for r in before if r.errors)  # sessions the crash cut off
        # The same data folder, the same port: as an operator restarting the app would.
        restarted = AppServer(
            port=server.port, env=server.env, log_path=server.log_path, extra_args=server.extra_args
        )
        started = time.perf_counter()
        restarted.start(timeout=90)
        restart_s = time.perf_counter() - started
        stack.callback(restarted.stop)
        cfg_back = LoadConfig(
            sessions, max(2, moves // 2), max(1, answers // 2), think, ramp=1.0, tag="back"
        )
        after, _, _ = run_async(drive(restarted.url, cfg_back, code=code))
        restarted.stop()
        acknowledged = [a for r in before + after for a in r.acknowledged]
        stored = stored_answers(url, workshop_id)
        counts = compare(acknowledged, stored)
        integrity = integrity_check(Path(server.env["CSC_DASH_DATA_DIR"]) / "csc_dash.sqlite")
        errors_after = [e for r in after for e in r.errors]
        return {
            "fault": "kill -9 during load (SQLite)",
            "sessions": sessions,
            "acknowledged_before_kill": killed.get("acknowledged_before"),
            "sessions_cut_off": cut_off,
            "restart_s": round(restart_s, 2),
            "rejoined_after_restart": sum(r.joined for r in after),
            "errors_after_restart": errors_after,
            "integrity_check": integrity,
            **counts,
            "ok": (
                counts["lost"] == 0
                and counts["duplicated"] == 0
                and integrity == "ok"
                and bool(killed)
                and not errors_after
            ),
        }


# --------------------------------------------------------------------------------------------
# 2. PostgreSQL stopped under a replica
# --------------------------------------------------------------------------------------------


async def _outage_participant(url: str, code: str, index: int, pg: ThrowawayPostgres,
                              down: asyncio.Event, up: asyncio.Event, ready: list) -> dict:  # fmt: skip
    """Join, save once, wait for the outage, save again (must say 'Not saved yet'),
    wait for PostgreSQL to return, press Retry (must say 'Saved')."""
    from csc_dash import workshop

    out: dict[str, Any] = {
        "acknowledged": [],
        "not_saved_shown": False,
        "retry_button": False,
        "errors": [],
    }
    name = f"pg{index:02d}x{random.randrange(16**4):04x}"
    async with StreamlitSession(url, timeout=90) as session:
        try:
            ok, text = await join(
                session, code=code, pseudonym=name, role=workshop.ROLE_TAGS[index % 3]
            )
            if not ok:
                out["errors"].append(f"{name} could not join: {text[:300]}")
                ready.append(index)
                return out
            await session.open(PAGE)
            reason = f"{name} before the outage"
            run = await save_view(session, 0, reason)
            if SAVED_PREFIX in run.main_text():
                out["acknowledged"].append(reason)
            ready.append(index)
            await down.wait()
            reason = f"{name} during the outage"
            run = await save_view(session, 1, reason)
            text = run.main_text()
            out["not_saved_shown"] = NOT_SAVED_PREFIX in text
            out["exceptions_during_outage"] = run.exceptions
            retry = [w for w in run.widgets("button") if w.label == "Retry"]
            out["retry_button"] = bool(retry)
            if SAVED_PREFIX in text:  # would mean the store was not really down
                out["acknowledged"].append(reason)
            await up.wait()
            if retry:
                run = await session.click(retry[0])
                if SAVED_PREFIX in run.main_text():
                    out["acknowledged"].append(reason)
                else:
                    out["errors"].append(
                        f"{name}: retry did not say Saved: {run.main_text()[-300:]}"
                    )
        except (ProtocolError, LookupError) as exc:
            out["errors"].append(f"{name}: {exc}"[:300])
            ready.append(index)
    return out


def postgres_outage_run(sessions: int = 3, folder: Path | None = None,
                        outage_s: float = 3.0, port: int = PG_PORT) -> dict[str, Any]:  # fmt: skip
    """The PostgreSQL-outage fault run; returns the figures (``ok`` says whether it passed)."""
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="csc-pgout-")))
        pg = stack.enter_context(ThrowawayPostgres(port=port))
        server = launch_app(folder, staff=True, database_url=pg.url)
        stack.callback(server.stop)
        workshop_id, code = make_workshop(pg.url, "PostgreSQL outage test")

        async def go():
            down, up = asyncio.Event(), asyncio.Event()
            ready: list[int] = []
            tasks = [
                asyncio.create_task(_outage_participant(server.url, code, i, pg, down, up, ready))
                for i in range(sessions)
            ]
            while len(ready) < sessions:
                await asyncio.sleep(0.1)
            await asyncio.to_thread(pg.stop, "fast")
            down.set()
            await asyncio.sleep(outage_s)
            await asyncio.to_thread(pg.start)
            up.set()
            return await asyncio.gather(*tasks)

        results = run_async(go())
        acknowledged = [a for r in results for a in r["acknowledged"]]
        stored = stored_answers(pg.url, workshop_id)
        counts = compare(acknowledged, stored)
        errors = [e for r in results for e in r["errors"]]
        return {
            "fault": "PostgreSQL stopped under a replica",
            "sessions": sessions,
            "not_saved_shown": sum(r["not_saved_shown"] for r in results),
            "retry_button_shown": sum(r["retry_button"] for r in results),
            "exceptions_on_screen": sum(
                len(r.get("exceptions_during_outage") or []) for r in results
            ),
            "errors": errors,
            **counts,
            "ok": (
                counts["lost"] == 0
                and counts["duplicated"] == 0
                and counts["acknowledged"] == 2 * sessions
                and all(r["not_saved_shown"] and r["retry_button"] for r in results)
                and not errors
            ),
        }


def run() -> list[dict]:
    """The benchmarks contract."""
    kill = kill9_run()
    rows = [
        {"name": "kill -9 mid-load: acknowledged answers lost or duplicated", "value": kill["lost"] + kill["duplicated"], "unit": "answers", "budget": 0},
        {"name": "kill -9 mid-load: restart to healthy", "value": kill["restart_s"], "unit": "s", "budget": None},
    ]  # fmt: skip
    if ThrowawayPostgres.available():
        pg = postgres_outage_run()
        rows.append({"name": "PostgreSQL outage: acknowledged answers lost or duplicated", "value": pg["lost"] + pg["duplicated"], "unit": "answers", "budget": 0})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("kill9", "postgres"), default=None)
    parser.add_argument("--sessions", type=int, default=None)
    args = parser.parse_args(argv)
    outcomes = []
    if args.only in (None, "kill9"):
        outcomes.append(kill9_run(**({"sessions": args.sessions} if args.sessions else {})))
    if args.only in (None, "postgres"):
        outcomes.append(
            postgres_outage_run(**({"sessions": args.sessions} if args.sessions else {}))
        )
    for outcome in outcomes:
        print(outcome["fault"])
        for key, value in outcome.items():
            if key != "fault":
                print(f"  {key}: {value}")
    return 0 if all(o["ok"] for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
