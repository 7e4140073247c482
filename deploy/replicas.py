"""Several csc-dash replicas behind nginx, sharing one PostgreSQL: one command starts the set.

    make serve-replicas N=2                     # http://127.0.0.1:8080
    python -m deploy.replicas --replicas 2 --port 8080
    python -m deploy.replicas --print-config    # the rendered nginx.conf, to adapt for a server

The store is ``DATABASE_URL`` (default: the database ``csc_dash`` on the local PostgreSQL,
created if missing). Every replica gets the same secrets: ``CSC_DASH_COOKIE_KEY`` and
``STREAMLIT_SERVER_COOKIE_SECRET`` from the environment, or random ones made for this run
(then a restart signs staff out). Staff accounts come from ``CSC_DASH_USERS_FILE`` as usual;
without it the set runs in local demo mode.

The first replica is started alone (it creates the tables of an empty database), then the
others, each opening its first page once (imports and sample data loaded before anyone comes),
then nginx (``deploy/nginx.conf.template``: sticky sessions on a cookie, websockets,
uploads, media, health). Logs and nginx's files go to ``var/replicas/``. Ctrl-C stops it all.

:class:`NginxProxy` is also what the browser tests start on free ports.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/csc_dash"
NGINX = os.environ.get("CSC_DASH_NGINX", "nginx")


def nginx_binary() -> str | None:
    """The nginx executable, or ``None`` when it is not installed (apt-get install nginx)."""
    found = shutil.which(NGINX) or shutil.which(NGINX, path="/usr/sbin:/sbin")
    return found


def render_config(*, folder: Path, listen: str, upstreams: list[str], max_body_mb: int = 200,
                  foreground: bool = True) -> str:  # fmt: skip
    """``deploy/nginx.conf.template`` with its placeholders filled in."""
    if not upstreams:
        raise ValueError("at least one replica is needed")
    servers = "\n".join(
        f"        server {address} max_fails=1 fail_timeout=10s;" for address in upstreams
    )
    values = {
        "folder": str(folder),
        "listen": listen,
        "servers": servers,
        "max_body_mb": str(int(max_body_mb)),
        "daemon": "daemon off;" if foreground else "",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError("a placeholder of the nginx template was not filled in")
    return text


@dataclass
class NginxProxy:
    """nginx in the foreground, as a child process, with its config and logs in ``folder``."""

    port: int
    upstreams: list[str]
    folder: Path
    max_body_mb: int = 200
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.folder / "nginx.conf"

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def write_config(self) -> Path:
        (self.folder / "tmp").mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            render_config(
                folder=self.folder,
                listen=f"{self.host}:{self.port}",
                upstreams=self.upstreams,
                max_body_mb=self.max_body_mb,
            )
        )
        return self.config_path

    def _command(self, *extra: str) -> list[str]:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx)")
        # -e: the error log before the config is read (the default path needs root).
        return [binary, "-p", str(self.folder), "-c", str(self.config_path),
                "-e", str(self.folder / "error.log"), *extra]  # fmt: skip

    def check(self) -> None:
        """``nginx -t`` on the written config; raises with nginx's words if it is wrong."""
        done = subprocess.run(  # noqa: S603 - our own nginx command line
            self._command("-t"), capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {done.stderr.strip()}")

    def start(self, timeout: float = 20.0) -> NginxProxy:
        self.write_config()
        self.check()
        self.process = subprocess.Popen(  # noqa: S603 - our own nginx command line
            self._command(), cwd=self.folder, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.errors()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/proxy-health", timeout=2) as resp,  # noqa: S310
            ):
                if resp.status == 200:
                    return self
            time.sleep(0.1)
        raise TimeoutError(f"nginx on port {self.port} did not answer in {timeout} s")

    def errors(self, chars: int = 3000) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def upstream_of(self, affinity: str) -> str | None:
        """The replica (``host:port``) that the last logged request with this ``csc_replica``
        cookie value went to, from the access log."""
        found = None
        if self.access_log.exists():
            for line in self.access_log.read_text(errors="replace").splitlines():
                if f"affinity={affinity} " in line:
                    # "upstream=a:1, b:2 affinity=...": the last one tried answered.
                    tried = line.split("upstream=", 1)[1].split(" affinity=", 1)[0]
                    last = tried.split(",")[-1].strip()
                    if last not in ("", "-"):
                        found = last
        return found

    def route(self, affinity: str) -> str | None:
        """The replica nginx sends a browser with this ``csc_replica`` cookie to now (asks
        ``/_stcore/health`` with it and reads the access log)."""
        request = urllib.request.Request(f"{self.url}/_stcore/health")  # noqa: S310
        request.add_header("Cookie", f"csc_replica={affinity}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=5).close()  # noqa: S310
        return self.upstream_of(affinity)

    def affinities(self, per_upstream: int, *, tries: int = 200) -> dict[str, list[str]]:
        """``per_upstream`` values of the ``csc_replica`` cookie that nginx sends to each
        replica (found by asking ``/_stcore/health`` with random values and reading the access
        log): lets a test put chosen people on a chosen replica."""
        found: dict[str, list[str]] = {u: [] for u in self.upstreams}
        for _ in range(tries):
            if all(len(v) >= per_upstream for v in found.values()):
                break
            value = secrets.token_hex(16)
            upstream = self.route(value)
            if upstream in found and len(found[upstream]) < per_upstream:
                found[upstream].append(value)
        return found

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def __enter__(self) -> NginxProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def replica_env(*, database_url: str, cookie_key: str, cookie_secret: str,
                data_dir: Path) -> dict[str, str | None]:  # fmt: skip
    """What every replica shares (the store and the secrets), plus its own scratch folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": database_url,
        "CSC_DASH_COOKIE_KEY": cookie_key,
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
        "CSC_DASH_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }


def warm(url: str) -> None:
    """Open the first page once, so the replica has imported the app's modules and loaded the
    sample data before nginx sends it the first person (the first run costs seconds)."""
    from benchmarks.streamlit_client import ProtocolError, StreamlitSession, run_async

    async def visit() -> None:
        async with StreamlitSession(url, timeout=120) as session:
            await session.open()

    with contextlib.suppress(ProtocolError, OSError):
        run_async(visit())


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if the server does not have it yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    target = make_url(_driver_url(url))
    if not target.drivername.startswith("postgresql") or not target.database:
        return
    admin = create_engine(
        target.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                quoted = target.database.replace('"', '""')
                conn.execute(text(f'CREATE DATABASE "{quoted}"'))
    finally:
        admin.dispose()


def _driver_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx listens here (default 8080)")
    parser.add_argument("--first-port", type=int, default=8501,
                        help="replica i listens on first-port + i (default 8501)")  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1", help="nginx listens on this address")
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "replicas")
    parser.add_argument("--print-config", action="store_true",
                        help="print the nginx config this would use, and stop")  # fmt: skip
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")

    ports = [args.first_port + i for i in range(args.replicas)]
    folder = args.folder.resolve()
    proxy = NginxProxy(
        port=args.port,
        upstreams=[f"127.0.0.1:{p}" for p in ports],
        folder=folder / "nginx",
        max_body_mb=int(os.environ.get("CSC_DASH_MAX_UPLOAD_MB", "200")),
        host=args.host,
    )
    if args.print_config:
        print(render_config(folder=proxy.folder, listen=f"{args.host}:{args.port}",
                            upstreams=proxy.upstreams, max_body_mb=proxy.max_body_mb))  # fmt: skip
        return 0
    if nginx_binary() is None:
        print("nginx is not installed. On Debian: apt-get install nginx", file=sys.stderr)
        return 2

    from benchmarks.streamlit_client import AppServer, free_port

    for port in [*ports, args.port]:
        try:
            free_port(port, port + 1)
        except RuntimeError:
            print(f"Port {port} is in use. Stop what uses it, or choose others with "
                  "--first-port / --port (make serve-replicas FIRST_PORT=... PROXY_PORT=...).",
                  file=sys.stderr)  # fmt: skip
            return 2

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        ensure_database(database_url)
    except Exception as exc:  # noqa: BLE001 - say plainly, no traceback
        print(f"Cannot reach the database: {type(exc).__name__}: {exc}".splitlines()[0],
              file=sys.stderr)  # fmt: skip
        return 2
    # A plain `kill` (or systemd stopping the unit) stops the whole set, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    cookie_key = os.environ.get("CSC_DASH_COOKIE_KEY") or secrets.token_urlsafe(32)
    cookie_secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_urlsafe(32)
    servers: list[AppServer] = []
    try:
        for i, port in enumerate(ports):
            env = replica_env(database_url=database_url, cookie_key=cookie_key,
                              cookie_secret=cookie_secret, data_dir=folder / f"replica-{i + 1}")  # fmt: skip
            server = AppServer(port=port, env=env, log_path=folder / f"replica-{i + 1}.log")
            servers.append(server)
            server.start(timeout=120)  # one at a time: the first one creates the tables
            warm(server.url)
            print(f"replica {i + 1} answers on {server.url} (log {server.log_path})", flush=True)
        proxy.start()
        print(f"csc-dash: {proxy.url}  ({args.replicas} replicas behind nginx; Ctrl-C stops)",
              flush=True)  # fmt: skip
        reported: set[int] = set()
        while True:
            down = {
                i
                for i, s in enumerate(servers)
                if s.process is None or s.process.poll() is not None
            }
            for i in sorted(down - reported):
                print(f"replica {i + 1} stopped; nginx sends its people to the others "
                      f"(see {servers[i].log_path})", file=sys.stderr, flush=True)  # fmt: skip
            reported |= down
            if len(down) == len(servers):
                print("every replica stopped", file=sys.stderr)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        proxy.stop()
        for server in servers:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
