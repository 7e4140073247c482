"""A small client that speaks Streamlit's own websocket protocol, and a real app server to talk to.

A browser tab talks to a Streamlit server over one websocket (``/_stcore/stream``): it sends
``BackMsg.rerun_script`` with the page and the values of the widgets on screen, and the server
answers with ``ForwardMsg`` deltas (one per element, addressed by a delta path) until
``script_finished``. :class:`StreamlitSession` does the same without a browser, so dozens of real
Streamlit sessions can run against one server from one process (the load and fault benchmarks).

:class:`AppServer` starts ``streamlit run app.py`` on a free port with its own environment
(data folder, ``DATABASE_URL``, secrets), waits for ``/_stcore/health`` and stops or kills it.

Example::

    async with StreamlitSession(server.url) as s:
        run = await s.open("tradeoffs")
        slider = run.widget("slider")
        run = await s.set(slider, [0.3])
        assert "per 1,000" in run.text()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Element kinds whose value goes over the wire in each WidgetState field.
_VALUE_FIELD = {
    "slider": "double_array_value",
    "radio": "string_value",
    "selectbox": "string_value",
    "text_input": "string_value",
    "text_area": "string_value",
    "feedback": "string_value",
    "checkbox": "bool_value",
    "number_input": "double_value",
    "multiselect": "string_array_value",
    "select_slider": "string_array_value",
    "button_group": "string_array_value",
    "button": "trigger_value",
    "bidi_component": "json_value",  # a components v2 element's state, e.g. {"step": 95}
}

# Runs a cached message is kept for (the browser's default ``maxCachedMessageAge``).
MAX_CACHED_AGE = 2

# Inner fields that hold text a person reads.
_TEXT_FIELDS = ("body", "label", "text", "caption", "help", "message", "placeholder", "title")

#: Debian's Chromium and the flags it needs here (no sandbox as root; no background calls to
#: outside hosts, which this machine refuses). Used by the benchmarks and the browser tests.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ProtocolError(RuntimeError):
    """The server closed the connection or sent something this client cannot follow."""


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a listening TCP socket on ``port`` (Linux ``/proc``)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # local address "ADDR:PORT" in hex; state 0A is LISTEN; field 9 is the inode
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            return True
    return False


def free_port(start: int | None = None, stop: int | None = None) -> int:
    """A TCP port nobody listens on (in ``[start, stop)`` if given, tried in a random order so
    two servers starting at once rarely pick the same one; else any)."""
    candidates = list(range(start, stop)) if start is not None and stop is not None else [0]
    random.Random().shuffle(candidates)  # its own generator: a seeded load run is unchanged
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {start}..{stop}")


# --------------------------------------------------------------------------------------------
# The app server
# --------------------------------------------------------------------------------------------


@dataclass
class AppServer:
    """``streamlit run app.py`` as a child process with its own environment.

    ``env`` is added to (and overrides) the current environment; ``None`` values remove a
    variable. The server's log goes to ``log_path``.
    """

    port: int
    env: dict[str, str | None] = field(default_factory=dict)
    log_path: Path | None = None
    extra_args: tuple[str, ...] = ()
    app: Path = ROOT / "app.py"
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(self.app),
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            *self.extra_args,
        ]  # fmt: skip

    def start(self, timeout: float = 60.0) -> AppServer:
        env = dict(os.environ)
        for key, value in self.env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if log is not subprocess.DEVNULL:
            log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.process.returncode}: {self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    # The answer must come from this server: another one that took the port
                    # between the pick and the start answers too, while ours fails to bind.
                    ours = self.process is not None and listens_on(self.process.pid, self.port)
                    if resp.status == 200 and ours:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(
            f"streamlit on port {self.port} not healthy in {timeout} s: {self.log_tail()}"
        )

    def log_tail(self, chars: int = 3000) -> str:
        if self.log_path and Path(self.log_path).exists():
            return Path(self.log_path).read_text(errors="replace")[-chars:]
        return ""

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def rss_mb(self) -> float:
        """Resident memory of the server process in MB (from /proc)."""
        if self.process is None:
            return float("nan")
        return rss_mb(self.process.pid)

    def kill9(self) -> None:
        """Kill the server without warning (SIGKILL), as a power cut would."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill9()

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


FACILITATOR = "facil"
FACILITATOR_PASSWORD = "correct-horse-battery-" + "staple"  # test-only account in a tmp folder
# Ports tried first (one engineer's range on the shared development machine); any free port else.
PORT_RANGE = (8620, 8630)


def pick_port() -> int:
    try:
        return free_port(*PORT_RANGE)
    except RuntimeError:
        return free_port()


def app_env(folder: Path, *, staff: bool = False, database_url: str | None = None,
            cookie_key: str | None = None, data_dir: Path | None = None) -> dict[str, str | None]:  # fmt: skip
    """The environment of a throwaway app server whose state lives in ``folder``.

    ``staff=True`` adds a facilitator account (``FACILITATOR`` / ``FACILITATOR_PASSWORD``, made
    with the same code as ``python -m csc_dash users add``) and a random cookie key, so the app
    leaves local demo mode. Without it the users file is absent: demo mode.
    """
    import secrets

    folder.mkdir(parents=True, exist_ok=True)
    data_dir = data_dir or folder / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    if staff:
        users_file = folder / "users.yaml"
        if not users_file.exists():
            from csc_dash import auth

            auth.add_user(FACILITATOR, FACILITATOR_PASSWORD, role="facilitator", path=users_file)
        cookie_key = cookie_key or secrets.token_urlsafe(32)
    else:
        users_file = folder / "no-users.yaml"
        cookie_key = None
    return {
        "CSC_DASH_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "CSC_DASH_COOKIE_KEY": cookie_key,
        "CSC_DASH_USERS_FILE": str(users_file),
        "PYTHONUNBUFFERED": "1",
    }


def launch_app(folder: Path, *, staff: bool = False, database_url: str | None = None,
               extra_env: dict[str, str | None] | None = None, extra_args: tuple[str, ...] = (),
               port: int | None = None, cookie_key: str | None = None,
               data_dir: Path | None = None, timeout: float = 90) -> AppServer:  # fmt: skip
    """Start one app server with its state in ``folder`` (see :func:`app_env`) and wait for it."""
    env = app_env(
        folder, staff=staff, database_url=database_url, cookie_key=cookie_key, data_dir=data_dir
    )
    env.update(extra_env or {})

    def server_on(chosen: int) -> AppServer:
        log_path = folder / f"streamlit-{chosen}.log"
        return AppServer(port=chosen, env=env, log_path=log_path, extra_args=extra_args)

    # A port we picked may be taken by another server between the pick and the start (ours then
    # exits at once): two more tries on other ports. A real failure fails every time, and the
    # last try raises it.
    for _ in range(0 if port else 2):
        server = server_on(pick_port())
        try:
            return server.start(timeout=timeout)
        except RuntimeError:
            server.stop()
    return server_on(port or pick_port()).start(timeout=timeout)


def store_url(server_env: dict[str, str | None]) -> str:
    """The store URL an app server with this environment uses."""
    if server_env.get("DATABASE_URL"):
        saved = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = server_env["DATABASE_URL"]
        try:
            from csc_dash import config

            return config.database_url()
        finally:
            if saved is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = saved
    return f"sqlite:///{Path(server_env['CSC_DASH_DATA_DIR']) / 'csc_dash.sqlite'}"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --------------------------------------------------------------------------------------------
# What one script run put on screen
# --------------------------------------------------------------------------------------------


@dataclass
class Element:
    path: tuple[int, ...]
    kind: str  # "markdown", "slider", "alert", "exception", "button", ... or "block:<type>"
    proto: Any  # the inner protobuf message (e.g. the Slider)

    @property
    def id(self) -> str:
        return getattr(self.proto, "id", "")

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "")

    @property
    def form_id(self) -> str:
        return getattr(self.proto, "form_id", "")

    def texts(self) -> list[str]:
        out = []
        for name in _TEXT_FIELDS:
            value = getattr(self.proto, name, None)
            if isinstance(value, str) and value:
                out.append(value)
        if self.kind == "metric":
            out.append(getattr(self.proto, "body", ""))
        return out


@dataclass
class Run:
    """The screen after one script run, in delta-path order."""

    elements: list[Element]
    status: int
    latency_s: float
    pages: dict[str, str]  # page name / url path -> page script hash
    page_hash: str

    def text(self) -> str:
        return "\n".join(t for el in self.elements for t in el.texts())

    def main_text(self) -> str:
        """Text of the main area only (delta paths under container 0; 1 is the sidebar)."""
        return "\n".join(t for el in self.elements if el.path[:1] == (0,) for t in el.texts())

    @property
    def exceptions(self) -> list[str]:
        return [
            f"{e.proto.type}: {e.proto.message}" for e in self.elements if e.kind == "exception"
        ]

    def widgets(self, kind: str | None = None) -> list[Element]:
        return [e for e in self.elements if e.id and (kind is None or e.kind == kind)]

    def widget(
        self, kind: str | None = None, *, label: str | None = None, key: str | None = None
    ) -> Element:
        """The first widget of ``kind`` whose label contains ``label`` / whose id ends in ``key``."""
        for el in self.widgets(kind):
            if label is not None and label.lower() not in el.label.lower():
                continue
            if key is not None and not el.id.endswith(f"-{key}") and not el.id.endswith(key):
                continue
            return el
        names = [(e.kind, e.label, e.id[-40:]) for e in self.widgets()]
        raise LookupError(f"no {kind or 'widget'} label={label!r} key={key!r}; on screen: {names}")

    def has_widget(
        self, kind: str | None = None, *, label: str | None = None, key: str | None = None
    ) -> bool:
        try:
            self.widget(kind, label=label, key=key)
        except LookupError:
            return False
        return True


# --------------------------------------------------------------------------------------------
# A session
# --------------------------------------------------------------------------------------------


class StreamlitSession:
    """One browser tab's worth of Streamlit session, over the websocket.

    Widget values the client has set are sent with every rerun while the widget stays on screen,
    as the browser does; form widgets are sent only with their form's submit.
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0, query_string: str = "",
                 cookies: dict[str, str] | None = None) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        # The address bar's query string: sent with every rerun and updated when the app
        # changes it (``st.query_params``), as the browser does; e.g. the ``?p=`` rejoin link.
        self.query_string = query_string
        # Cookies sent with the websocket handshake (a proxy's sticky-session cookie).
        self.cookies: dict[str, str] = dict(cookies or {})
        self._ws = None
        self._values: dict[str, Any] = {}  # widget id -> WidgetState
        self._pending_form: dict[str, dict[str, Any]] = {}  # form id -> widget id -> WidgetState
        self.pages: dict[str, str] = {}
        self.page_hash = ""
        self.last: Run | None = None
        # Large elements the server may send as a hash reference next time (as the browser's
        # message cache does): hash -> (message, run number last seen).
        self._cache: dict[str, tuple[Any, int]] = {}
        self._runs = 0
        self.bytes_received = 0
        self.session_id = ""  # the server's id of this session (upload URLs name it)

    async def __aenter__(self) -> StreamlitSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        import websockets

        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self._ws = await websockets.connect(
                self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
                ping_interval=None, additional_headers=headers or None,
            )  # fmt: skip
        except Exception as exc:  # refused, timed out, handshake failed
            raise ProtocolError(f"could not connect to {self.ws_url}: {exc!r}") from exc

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None

    # -- driving ------------------------------------------------------------------------------

    async def open(self, page: str | None = None) -> Run:
        """Load ``page`` (its title, url path or file stem; ``None`` = default page)."""
        page_hash = "" if page is None else self._page_hash(page)
        self._values.clear()
        self._pending_form.clear()
        return await self._rerun(page_hash, [])

    async def rerun(self) -> Run:
        return await self._rerun(self.page_hash, [])

    async def set(self, element: Element, value: Any) -> Run:
        """Give a widget a new value. Outside a form this reruns the script (like the browser);
        inside a form the value waits for :meth:`submit`, and the last run is returned."""
        state = self._state(element, value)
        if element.form_id:
            self._pending_form.setdefault(element.form_id, {})[element.id] = state
            assert self.last is not None
            return self.last
        self._values[element.id] = state
        return await self._rerun(self.page_hash, [])

    async def click(self, element: Element) -> Run:
        """Press a button (or a form's submit button, sending the form's values with it)."""
        trigger = self._state(element, True)
        extra = [trigger]
        if element.form_id:
            extra.extend(self._pending_form.pop(element.form_id, {}).values())
        return await self._rerun(self.page_hash, extra)

    # -- plumbing -----------------------------------------------------------------------------

    def _page_hash(self, page: str) -> str:
        if not self.pages:
            raise ProtocolError(
                "open the default page first: the page list comes with the first run"
            )
        key = page.lower().removeprefix("pages/").removesuffix(".py")
        for name, digest in self.pages.items():
            if name.lower() == key:
                return digest
        raise LookupError(f"no page {page!r}; pages: {sorted(self.pages)}")

    @staticmethod
    def _state(element: Element, value: Any):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=element.id)
        kind = element.kind
        if kind == "button" or kind == "download_button":
            state.trigger_value = bool(value)
            return state
        field_name = _VALUE_FIELD.get(kind)
        if field_name is None:
            raise ProtocolError(f"this client cannot set a {kind!r} widget")
        if field_name == "double_array_value":
            state.double_array_value.data[:] = [
                float(v) for v in (value if isinstance(value, list | tuple) else [value])
            ]
        elif field_name == "string_array_value":
            state.string_array_value.data[:] = [
                str(v) for v in (value if isinstance(value, list | tuple) else [value])
            ]
        elif field_name == "json_value":
            state.json_value = json.dumps(value)
        elif field_name == "double_value":
            state.double_value = float(value)
        elif field_name == "bool_value":
            state.bool_value = bool(value)
        else:
            state.string_value = "" if value is None else str(value)
        return state

    async def _rerun(self, page_hash: str, extra_states: list) -> Run:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if self._ws is None:
            await self.connect()
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = page_hash
        rerun.context_info.timezone = "Europe/London"
        rerun.context_info.locale = "en-GB"
        states = {s.id: s for s in self._values.values()}
        for s in extra_states:
            states[s.id] = s
        rerun.widget_states.widgets.extend(states.values())
        rerun.cached_message_hashes.extend(self._cache)
        started = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
        except Exception as exc:  # the connection closed under us
            self._ws = None
            raise ProtocolError(f"could not send to the server: {exc!r}") from exc
        run = await self._read_run(started)
        self._runs += 1
        self._cache = {h: v for h, v in self._cache.items() if self._runs - v[1] <= MAX_CACHED_AGE}
        on_screen = {e.id for e in run.elements if e.id}
        self._values = {k: v for k, v in self._values.items() if k in on_screen}
        self.last = run
        return run

    async def _read_run(self, started: float) -> Run:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        elements: dict[tuple[int, ...], Element] = {}
        while True:
            try:
                data = await asyncio.wait_for(self._ws.recv(), self.timeout)
            except Exception as exc:  # closed, timed out
                self._ws = None
                raise ProtocolError(f"no answer from the server: {exc!r}") from exc
            self.bytes_received += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(fm.ref_hash)
                if cached is None:
                    raise ProtocolError(
                        f"the server referred to a message this client never had: {fm.ref_hash}"
                    )
                ref = fm
                fm = ForwardMsg()
                fm.CopyFrom(cached[0])
                fm.metadata.CopyFrom(ref.metadata)
                kind = fm.WhichOneof("type")
                self._cache[ref.ref_hash] = (cached[0], self._runs)
            elif fm.metadata.cacheable and fm.hash:
                self._cache[fm.hash] = (fm, self._runs)
            if kind == "page_info_changed":
                self.query_string = fm.page_info_changed.query_string
            elif kind == "new_session":
                if not fm.metadata.run.fragment_ids:
                    elements = {}
                self.page_hash = fm.new_session.page_script_hash or self.page_hash
                self.session_id = fm.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":
                for page in fm.navigation.app_pages:
                    self.pages[page.page_name] = page.page_script_hash
                    if page.url_pathname:
                        self.pages[page.url_pathname] = page.page_script_hash
                    if page.is_default:
                        self.pages.setdefault("", page.page_script_hash)
                self.page_hash = fm.navigation.page_script_hash or self.page_hash
            elif kind == "delta":
                path = tuple(fm.metadata.delta_path)
                delta = fm.delta
                dkind = delta.WhichOneof("type")
                if dkind == "new_element":
                    inner_kind = delta.new_element.WhichOneof("type")
                    inner = getattr(delta.new_element, inner_kind) if inner_kind else None
                    elements[path] = Element(path, inner_kind or "empty", inner)
                elif dkind == "add_block":
                    block = delta.add_block
                    bkind = block.WhichOneof("type") or "vertical"
                    elements[path] = Element(path, f"block:{bkind}", getattr(block, bkind, block))
            elif kind == "script_finished":
                status = fm.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script called st.rerun(): the next run follows
                ordered = [elements[p] for p in sorted(elements)]
                return Run(
                    ordered,
                    int(status),
                    time.perf_counter() - started,
                    dict(self.pages),
                    self.page_hash,
                )


def page_cookies(base_url: str, timeout: float = 30.0, *, path: str = "/",
                 cookies: dict[str, str] | None = None) -> dict[str, str]:  # fmt: skip
    """Load the page itself (``GET /``), as a browser does before it opens the websocket,
    sending ``cookies``; return them with those the answer set (a proxy's sticky-session
    cookie, if any)."""
    from http.cookies import SimpleCookie

    request = urllib.request.Request(base_url.rstrip("/") + path)  # noqa: S310
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
        resp.read()
        jar = SimpleCookie()
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    return {**(cookies or {}), **{name: morsel.value for name, morsel in jar.items()}}


def run_async(coroutine):
    """``asyncio.run(coroutine)``, in a thread of its own when this thread already has a running
    event loop (Playwright's sync API keeps one), so the client works inside browser tests."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def element_summary(run: Run) -> list[tuple[str, str, str]]:
    """(kind, label or first text, id tail) for each element: handy when a journey changes."""
    out = []
    for el in run.elements:
        texts = el.texts()
        out.append((el.kind, (texts[0] if texts else "")[:60], el.id[-30:]))
    return out


def dump(run: Run) -> str:
    return json.dumps(element_summary(run), indent=1)
