"""Many participants at once against one real app server, over Streamlit's own websocket protocol.

Each participant is a real Streamlit session (:class:`benchmarks.streamlit_client.StreamlitSession`,
the messages a browser tab sends): it opens the Welcome page, joins the workshop with the code
(consent ticked, a made-up name, a role tag), opens Trade-offs, moves the threshold slider
``--moves`` times and saves its view of the screen ``--answers`` times (spread between the moves,
each answer different). Between interactions it waits a "think time", as people do.

Reported: interaction latency (send -> the server's ``script_finished``: the whole script rerun
and every delta, not the browser's paint) p50 / p95 / max for slider moves and saves, server
resident memory (start, peak, end), and answers **acknowledged** ("Saved" on screen) versus
**stored** (read back from the store afterwards). Every acknowledged answer must be stored
exactly once: ``lost`` and ``duplicated`` must be 0.

    python -m benchmarks.load --sessions 40            # make load
    python -m benchmarks.load --sessions 8 --moves 6 --answers 3 --think 0.2 0.5
    python -m benchmarks.load --sessions 200 --rooms 5 --replicas 2 --proxy --ramp 30 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/csc_dash   # nginx in front

With ``--proxy`` each participant first loads ``/`` through nginx (as a browser does) and keeps
the sticky-session cookie it sets; with ``failover`` (tests) a participant whose connection
drops connects again and comes back as themselves through the ``?p=`` rejoin link.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.streamlit_client import (
    AppServer,
    ProtocolError,
    Run,
    StreamlitSession,
    launch_app,
    page_cookies,
    rss_mb,
    run_async,
    store_url,
)

PAGE = "Trade-offs"
PAGE_ID = "tradeoffs"
LINE_KEY = "tradeoffs_line_settle"
QUESTION = "reaction"
SAVED_PREFIX = "Saved."
NOT_SAVED_PREFIX = "Not saved yet"
P95_BUDGET_S = 1.0


@dataclass
class LoadConfig:
    sessions: int = 40
    moves: int = 20
    answers: int = 10
    # Seconds a person waits between interactions (uniform): reading the new numbers before
    # moving the line again, choosing a reaction before saving.
    think: tuple[float, float] = (5.0, 15.0)
    ramp: float | None = None  # seconds over which sessions arrive; default 0.25 s per session
    seed: int = 8
    timeout: float = 120.0
    tag: str = "load"  # pseudonym prefix
    # When the connection drops (a replica killed behind a proxy): connect again, come back as
    # the same person through the ``?p=`` rejoin link, and carry on.
    failover: bool = False

    @property
    def ramp_s(self) -> float:
        return self.ramp if self.ramp is not None else min(10.0, 0.25 * self.sessions)


@dataclass
class SessionResult:
    index: int
    pseudonym: str
    joined: bool = False
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"open": [], "join": [], "move": [], "save": []}
    )
    acknowledged: list[str] = field(default_factory=list)  # the reason text of each "Saved" answer
    not_saved_shown: int = 0
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0
    rejoined: int = 0  # came back as themselves after a reconnect
    ended: float = 0.0  # time.perf_counter() when the session closed


@dataclass
class LoadResult:
    config: dict[str, Any]
    sessions: int
    joined: int
    wall_s: float
    moves: int
    saves: int
    p50_s: float
    p95_s: float
    max_s: float
    move_p50_s: float
    move_p95_s: float
    save_p50_s: float
    save_p95_s: float
    join_p95_s: float
    open_p95_s: float
    rss_start_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    acknowledged: int
    stored: int
    lost: int
    duplicated: int
    stored_unacknowledged: int
    not_saved_shown: int
    errors: list[str]

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.joined == self.sessions
            and not self.errors
        )

    def lines(self) -> list[str]:
        return [
            f"sessions {self.sessions} (joined {self.joined}), {self.moves} slider moves, {self.saves} saves, wall {self.wall_s:.1f} s",
            f"interaction latency p50 {self.p50_s * 1000:.0f} ms, p95 {self.p95_s * 1000:.0f} ms, max {self.max_s * 1000:.0f} ms (budget p95 <= {P95_BUDGET_S * 1000:.0f} ms)",
            f"  slider move p50 {self.move_p50_s * 1000:.0f} ms, p95 {self.move_p95_s * 1000:.0f} ms; save p50 {self.save_p50_s * 1000:.0f} ms, p95 {self.save_p95_s * 1000:.0f} ms",
            f"  join p95 {self.join_p95_s * 1000:.0f} ms; page open p95 {self.open_p95_s * 1000:.0f} ms",
            f"server RSS (all replicas) start {self.rss_start_mb:.0f} MB, peak {self.rss_peak_mb:.0f} MB, end {self.rss_end_mb:.0f} MB",
            f"answers acknowledged {self.acknowledged}, stored {self.stored} (lost {self.lost}, duplicated {self.duplicated}, stored but not acknowledged {self.stored_unacknowledged})",
            f"'not saved yet' shown {self.not_saved_shown} times; errors {len(self.errors)}",
        ]


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


# --------------------------------------------------------------------------------------------
# One participant
# --------------------------------------------------------------------------------------------


async def join(
    session: StreamlitSession, *, code: str | None, pseudonym: str, role: str
) -> tuple[bool, str]:
    """Open Welcome and join; (joined, what the screen said)."""
    run = await session.open()
    if run.exceptions:
        return False, "; ".join(run.exceptions)
    if code is not None and run.has_widget("text_input", key="join_code"):
        await session.set(run.widget("text_input", key="join_code"), code)
    await session.set(run.widget("text_input", key="join_pseudonym"), pseudonym)
    await session.set(run.widget("selectbox", key="join_role"), role)
    await session.set(run.widget("checkbox", key="join_agree"), True)
    run = await session.click(run.widget("button", label="Join"))
    text = run.main_text()
    joined = "joined" in text and not run.has_widget(key="join_pseudonym") and not run.exceptions
    return joined, text


async def save_view(session: StreamlitSession, reaction_index: int, reason: str):
    """Fill and submit the 'save my view' form at the bottom of the current page."""
    run = session.last
    radio = run.widget("radio", key=f"sv_{PAGE_ID}_reaction")
    await session.set(radio, radio.proto.options[reaction_index % len(radio.proto.options)])
    await session.set(run.widget("text_area", key=f"sv_{PAGE_ID}_reason"), reason)
    return await session.click(run.widget("button", label="Save my view"))


async def participant(url: str, index: int, cfg: LoadConfig, code: str | None, roles: tuple[str, ...],
                      rng: random.Random, stop: asyncio.Event | None = None,
                      progress: list[str] | None = None,
                      cookies: dict[str, str] | None = None) -> SessionResult:  # fmt: skip
    """One person's session; never raises (errors are recorded). Each acknowledged answer is
    also appended to ``progress`` as it happens (the fault runs watch it)."""
    pseudonym = f"{cfg.tag}{index:03d}x{rng.randrange(16**4):04x}"
    result = SessionResult(index, pseudonym)
    await asyncio.sleep(rng.uniform(0, cfg.ramp_s))
    try:
        # The page itself first, as a browser loads it: behind a proxy this sets the
        # sticky-session cookie that the websocket then carries.
        cookies = await asyncio.to_thread(page_cookies, url, cfg.timeout, cookies=cookies)
    except OSError as exc:
        result.errors.append(f"{pseudonym}: could not load the page: {exc}"[:400])
        return result
    session = StreamlitSession(url, timeout=cfg.timeout, cookies=cookies)
    try:
        await session.connect()
        t = time.perf_counter()
        ok, text = await join(
            session, code=code, pseudonym=pseudonym, role=roles[index % len(roles)]
        )
        result.latencies["join"].append(time.perf_counter() - t)
        if not ok:
            result.errors.append(f"{pseudonym} could not join: {text[:600]}")
            return result
        result.joined = True
        run = await session.open(PAGE)
        result.latencies["open"].append(run.latency_s)
        # The line settles through the Trade-offs fragment's messenger (components v2), in
        # whole steps per 1,000, as a browser sends it once the line stops moving.
        run.widget("bidi_component", key=LINE_KEY)
        save_every = max(1, cfg.moves // max(1, cfg.answers))
        saved = 0
        for move in range(cfg.moves):
            if stop is not None and stop.is_set():
                break
            try:
                await asyncio.sleep(rng.uniform(*cfg.think))
                value = rng.randint(20, 600)
                run = await session.set(run.widget("bidi_component", key=LINE_KEY), {"step": value})
                result.latencies["move"].append(run.latency_s)
                if run.exceptions:
                    result.errors.append(f"{pseudonym} move {move}: {run.exceptions}")
                if saved < cfg.answers and (move + 1) % save_every == 0:
                    await asyncio.sleep(rng.uniform(*cfg.think))
                    reason = f"{pseudonym} answer {saved + 1} at line {value}"
                    saved += 1  # an answer cut off by a lost connection is not tried again
                    run = await save_view(session, saved - 1, reason)
                    result.latencies["save"].append(run.latency_s)
                    text = run.text()
                    if SAVED_PREFIX in text and not run.exceptions:
                        result.acknowledged.append(reason)
                        if progress is not None:
                            progress.append(reason)
                    elif NOT_SAVED_PREFIX in text:
                        result.not_saved_shown += 1
                    else:
                        result.errors.append(
                            f"{pseudonym} save {saved}: no 'Saved': {run.exceptions or text[-200:]}"
                        )
            except ProtocolError:
                if not cfg.failover:
                    raise
                run = await come_back(session, result)
        while saved < cfg.answers and (
            stop is None or not stop.is_set()
        ):  # more answers than moves
            reason = f"{pseudonym} answer {saved + 1} (extra)"
            run = await save_view(session, saved, reason)
            result.latencies["save"].append(run.latency_s)
            if SAVED_PREFIX in run.text():
                result.acknowledged.append(reason)
                if progress is not None:
                    progress.append(reason)
            saved += 1
    except (ProtocolError, LookupError, OSError) as exc:
        result.errors.append(f"{pseudonym}: {type(exc).__name__}: {exc}"[:400])
    finally:
        await session.close()
        result.ended = time.perf_counter()
    return result


async def come_back(session: StreamlitSession, result: SessionResult, *,
                    attempts: int = 20) -> Run:  # fmt: skip
    """After the connection dropped: connect again (through a proxy this lands on a live
    replica), open the page with the ``?p=`` rejoin link the app had put in the address bar,
    and check the person is back as themselves. Raises :class:`ProtocolError` if not."""
    result.reconnects += 1
    last: Exception | None = None
    for _ in range(attempts):
        try:
            await session.close()
            await session.connect()
            run = await session.open(PAGE)
        except ProtocolError as exc:
            last = exc
            await asyncio.sleep(0.5)
            continue
        if result.pseudonym in run.text() and run.has_widget("bidi_component", key=LINE_KEY):
            result.rejoined += 1
            return run
        raise ProtocolError(f"{result.pseudonym} reconnected but is not back as themselves")
    raise ProtocolError(f"{result.pseudonym} could not reconnect: {last!r}")


# --------------------------------------------------------------------------------------------
# The store's side
# --------------------------------------------------------------------------------------------


def make_workshop(url: str, title: str = "Load test", created_by: str = "proof") -> tuple[int, str]:
    """A fresh workshop in the store at ``url``; (id, join code)."""
    from csc_dash import workshop as feedback
    from csc_dash.workshop import store

    engine = store.make_engine(url)
    try:
        workshop = feedback.create_workshop(engine, title=title, created_by=created_by)
        return workshop.id, workshop.code
    finally:
        engine.dispose()


def stored_answers(url: str, workshop_id: int, *, page: str = PAGE_ID) -> list[str]:
    """The reason text of every stored 'save my view' answer of the workshop (one per row)."""
    from csc_dash import workshop as feedback
    from csc_dash.workshop import store

    engine = store.make_engine(url)
    try:
        frame = feedback.responses(engine, workshop_id)
    finally:
        engine.dispose()
    frame = frame[(frame["page"] == page) & (frame["question_id"] == QUESTION)]
    return [str(v.get("reason", "")) if isinstance(v, dict) else str(v) for v in frame["value"]]


def compare(acknowledged: list[str], stored: list[str]) -> dict[str, int]:
    counts = Counter(stored)
    acked = set(acknowledged)
    return {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": sum(1 for reason in acked if counts[reason] == 0),
        "duplicated": sum(n - 1 for n in counts.values() if n > 1),
        "stored_unacknowledged": sum(1 for reason in counts if reason not in acked),
    }


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


async def _sample_rss(pid: int | list[int] | None, peak: list[float], stop: asyncio.Event) -> None:
    pids = [pid] if isinstance(pid, int) else list(pid or [])
    while not stop.is_set() and pids:
        with contextlib.suppress(OSError, ValueError):
            peak.append(sum(rss_mb(p) for p in pids))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def drive(
    url: str | list[str],
    cfg: LoadConfig,
    *,
    code: str | list[str] | None,
    pid: int | list[int] | None = None,
    progress: list[str] | None = None,
    cookies: list[dict[str, str]] | None = None,
) -> tuple[list[SessionResult], list[float], float]:
    """Run every participant at once; (results, RSS samples, wall seconds).

    With several ``url`` (replicas), participant ``i`` stays on replica ``i mod n`` (sticky
    sessions); RSS samples are then the sum over the ``pid`` list. ``cookies[i]``, if given,
    are participant ``i``'s cookies from the start (e.g. a proxy's sticky-session cookie).
    """
    from csc_dash import workshop as feedback

    urls = [url] if isinstance(url, str) else list(url)
    codes = code if isinstance(code, list) else [code]  # participant i joins room i mod rooms
    rng = random.Random(cfg.seed)
    stop = asyncio.Event()
    samples: list[float] = []
    sampler = asyncio.create_task(_sample_rss(pid, samples, stop))
    started = time.perf_counter()
    tasks = [
        participant(
            urls[i % len(urls)],
            i,
            cfg,
            codes[i % len(codes)],
            feedback.ROLE_TAGS,
            random.Random(rng.random()),
            None,
            progress,
            cookies[i] if cookies else None,
        )  # fmt: skip
        for i in range(cfg.sessions)
    ]
    results = await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    stop.set()
    await sampler
    return list(results), samples, wall


def summarise(cfg: LoadConfig, results: list[SessionResult], samples: list[float], wall: float,
              stored: list[str], rss_start: float, rss_end: float) -> LoadResult:  # fmt: skip
    lat = {
        k: [x for r in results for x in r.latencies[k]] for k in ("open", "join", "move", "save")
    }
    interactions = lat["move"] + lat["save"]
    acknowledged = [a for r in results for a in r.acknowledged]
    counts = compare(acknowledged, stored)
    return LoadResult(
        config=asdict(cfg),
        sessions=cfg.sessions,
        joined=sum(r.joined for r in results),
        wall_s=wall,
        moves=len(lat["move"]),
        saves=len(lat["save"]),
        p50_s=quantile(interactions, 0.50),
        p95_s=quantile(interactions, 0.95),
        max_s=max(interactions, default=float("nan")),
        move_p50_s=quantile(lat["move"], 0.50),
        move_p95_s=quantile(lat["move"], 0.95),
        save_p50_s=quantile(lat["save"], 0.50),
        save_p95_s=quantile(lat["save"], 0.95),
        join_p95_s=quantile(lat["join"], 0.95),
        open_p95_s=quantile(lat["open"], 0.95),
        rss_start_mb=rss_start,
        rss_peak_mb=max(samples, default=float("nan")),
        rss_end_mb=rss_end,
        not_saved_shown=sum(r.not_saved_shown for r in results),
        errors=[e for r in results for e in r.errors],
        **counts,
    )


def warm_up(url: str) -> None:
    """One session opens the page first, so the run measures a warm server (caches filled)."""

    async def go() -> None:
        async with StreamlitSession(url) as session:
            await session.open()
            await session.open(PAGE)

    run_async(go())


def run_load(cfg: LoadConfig, *, folder: Path | None = None, database_url: str | None = None,
             server: AppServer | None = None, replicas: int = 1, rooms: int = 1,
             proxy: bool = False) -> LoadResult:  # fmt: skip
    """Start ``replicas`` servers (staff mode, one store, ``rooms`` fresh workshops) unless given
    one, run, and check the store. Replicas share the store (``database_url``, or one SQLite
    file in WAL mode: fine for processes on one machine) and the secrets, as in
    docs/DEPLOYMENT.md. With ``proxy`` the participants go through nginx
    (``deploy/nginx.conf.template``, sticky cookie) instead of each being given a replica."""
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="csc-load-")))
        servers = [server] if server is not None else []
        if not servers:
            cookie_key = secrets.token_urlsafe(32)
            shared = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32)}
            for _ in range(replicas):
                started = launch_app(
                    folder, staff=True, database_url=database_url, cookie_key=cookie_key,
                    extra_env=shared,
                )  # fmt: skip
                stack.callback(started.stop)
                servers.append(started)
        urls = [s.url for s in servers]
        if proxy:
            from benchmarks.streamlit_client import pick_port
            from deploy.replicas import NginxProxy

            front = NginxProxy(
                port=pick_port(), upstreams=[f"127.0.0.1:{s.port}" for s in servers],
                folder=folder / "nginx",
            ).start()  # fmt: skip
            stack.callback(front.stop)
            urls = [front.url]
        url = store_url(servers[0].env)
        workshops = [make_workshop(url, f"Load test room {i + 1}") for i in range(rooms)]
        for each in servers:
            warm_up(each.url)
        rss_start = sum(each.rss_mb() for each in servers)
        results, samples, wall = run_async(
            drive(urls, cfg, code=[c for _, c in workshops], pid=[s.pid for s in servers])
        )
        rss_end = sum(each.rss_mb() for each in servers)
        stored = [a for workshop_id, _ in workshops for a in stored_answers(url, workshop_id)]
        result = summarise(cfg, results, samples, wall, stored, rss_start, rss_end)
        result.config.update(replicas=len(servers), rooms=rooms, proxy=proxy)
        return result


def run() -> list[dict]:
    """The benchmarks contract: 40 participants, 20 moves and 10 answers each."""
    result = run_load(LoadConfig())
    return [
        {
            "name": "40 participants: interaction p50",
            "value": result.p50_s * 1000,
            "unit": "ms",
            "budget": None,
        },
        {
            "name": "40 participants: interaction p95",
            "value": result.p95_s * 1000,
            "unit": "ms",
            "budget": P95_BUDGET_S * 1000,
        },
        {
            "name": "40 participants: slider move p95",
            "value": result.move_p95_s * 1000,
            "unit": "ms",
            "budget": None,
        },
        {
            "name": "40 participants: save p95",
            "value": result.save_p95_s * 1000,
            "unit": "ms",
            "budget": None,
        },
        {
            "name": "40 participants: server peak RSS",
            "value": result.rss_peak_mb,
            "unit": "MB",
            "budget": None,
        },
        {
            "name": "40 participants: answers acknowledged",
            "value": result.acknowledged,
            "unit": "answers",
            "budget": None,
        },
        {
            "name": "40 participants: acknowledged answers lost or duplicated",
            "value": result.lost + result.duplicated,
            "unit": "answers",
            "budget": 0,
        },
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"),
                        help="seconds a person waits between interactions (uniform); default 5 15")  # fmt: skip
    parser.add_argument("--replicas", type=int, default=1,
                        help="app processes sharing the store; participants stick to one each")  # fmt: skip
    parser.add_argument("--ramp", type=float, default=None, help="seconds over which people arrive")
    parser.add_argument("--rooms", type=int, default=1,
                        help="workshops at once; participant i joins room i mod rooms")  # fmt: skip
    parser.add_argument("--proxy", action="store_true",
                        help="put nginx (deploy/) in front of the replicas; sticky cookie")  # fmt: skip
    parser.add_argument(
        "--database-url", default=None, help="store URL (default: SQLite in a temp folder)"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the result as JSON here"
    )
    args = parser.parse_args(argv)
    cfg = LoadConfig(args.sessions, args.moves, args.answers, tuple(args.think), args.ramp)
    result = run_load(cfg, database_url=args.database_url, replicas=args.replicas,
                      rooms=args.rooms, proxy=args.proxy)  # fmt: skip
    for line in result.lines():
        print(line)
    for error in result.errors[:10]:
        print("  error:", error)
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=1, default=str))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
