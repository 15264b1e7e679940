"""Load benchmark: many users at once, speaking Streamlit's own websocket protocol.

    python -m bench load [--db URL] [--users 10,20,30] [--think 1,5] [--processes 1|2]
                         [--duration 40] [--server-arg=--runner.postScriptGC=false]

It starts the app itself (loopback only; with ``--processes 2`` two app processes
behind nginx with docs/deploy/nginx.conf, sticky sessions by client address), then:

1. first views: each role opens each of its pages once on a fresh server (cold caches);
2. solo warm re-runs: one session per role re-runs each page a few times alone, with the
   server's CPU time per re-run from /proc/<pid>/stat (utime + stime);
3. for every N in ``--users`` and think time in ``--think``: N sessions (the demo roles
   in turn, each chosen by the demo role picker's ``?rolle=`` parameter) re-run their
   role's pages one after the other, waiting about the think time (0.5–1.5×) after
   each answer, for ``--duration`` seconds. Per page p50/p95/max, throughput (re-runs
   per second), the server's CPU per re-run and its memory (RSS).

A re-run is timed from the BackMsg ``rerun_script`` to the ForwardMsg
``script_finished``, as a browser would see it without drawing. Without ``--db`` it
builds a demo database (seed 1) of its own. The machine load (os.getloadavg) is printed
at the start and at the end: the machine has other users, and figures are only
comparable at a similar load."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import ssl
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

from bench.server import AppServer, insecure_tls, load_text, nginx, running_app
from nytte.core.auth import Role
from nytte.core.navigation import pages_for

ALL_ROLES: tuple[Role, ...] = (Role.KOORDINATOR, Role.LEDER, Role.RAAD, Role.ADMIN)
ROLES: list[Role] = list(ALL_ROLES)  # the roles of this run (--roles)
DEFAULT_PAGE = "forside"  # app.py: st.Page(..., default=True)
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
CLK_TCK = os.sysconf("SC_CLK_TCK")
RUN_TIMEOUT = 120.0  # seconds one re-run may take before the bench gives up on it


# ---------------------------------------------------------------------- the server side

def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass(frozen=True)
class Target:
    """Where the sessions connect, and the app processes behind it."""

    base: str
    apps: tuple[AppServer, ...]
    tls: ssl.SSLContext | None

    def cpu(self) -> float:
        return sum(cpu_seconds(a.pid) for a in self.apps)

    def cpu_each(self) -> list[float]:
        return [cpu_seconds(a.pid) for a in self.apps]

    def rss(self) -> list[float]:
        return [rss_mb(a.pid) for a in self.apps]


@contextmanager
def serve(db_url: str, processes: int, server_args: Sequence[str],
          tmp: Path) -> Iterator[Target]:
    env = {"NYTTE_DATABASE_URL": db_url}
    with ExitStack() as stack:
        apps = tuple(stack.enter_context(running_app(env, extra_args=server_args,
                                                     log=tmp / f"app{i}.log"))
                     for i in range(processes))
        if processes == 1:
            yield Target(apps[0].base, apps, None)
            return
        ports = [int(a.base.rsplit(":", 1)[1]) for a in apps]
        proxy_dir = tmp / "nginx"
        proxy_dir.mkdir()
        front, _ = stack.enter_context(nginx(proxy_dir, ports))
        yield Target(front, apps, insecure_tls())


# ---------------------------------------------------------------------- one session

class Session:
    """One browser tab: a websocket to /_stcore/stream in one demo role."""

    def __init__(self, ws: ClientConnection, role: Role) -> None:
        self.ws = ws
        self.role = role
        self.errors: list[str] = []

    async def rerun(self, page: str) -> float:
        """Ask for a run of ``page``; the seconds until the script finished."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = f"rolle={self.role.value}"
        # The default page (the front page) is served at the root: its url_pathname is "".
        state.page_name = "" if page == DEFAULT_PAGE else page
        state.context_info.timezone = "Europe/Copenhagen"
        state.context_info.locale = "da-DK"
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(RUN_TIMEOUT):
            while True:
                data = await self.ws.recv()
                fwd = ForwardMsg()
                fwd.ParseFromString(data if isinstance(data, bytes) else data.encode())
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    if fwd.delta.new_element.WhichOneof("type") == "exception":
                        exc = fwd.delta.new_element.exception
                        self.errors.append(f"{page}: {exc.type}: {exc.message[:200]}")
                elif kind == "page_not_found":
                    self.errors.append(f"{page}: page not found")
                elif kind == "script_finished" and fwd.script_finished in DONE:
                    return time.perf_counter() - t0


def _ws_url(base: str) -> str:
    return base.replace("http", "ws", 1) + "/_stcore/stream"


async def open_session(target: Target, role: Role, number: int,
                       base: str | None = None) -> Session:
    # Each session from its own loopback network (127.0.<n>.1): nginx's ip_hash keys
    # on the first three octets, so the sessions spread over the processes as distinct
    # clients would.
    source = f"127.0.{number % 250 + 1}.1"
    ws = await connect(_ws_url(base or target.base), subprotocols=["streamlit"],  # type: ignore[list-item]
                       max_size=None, ssl=target.tls if base is None else None,
                       local_addr=(source, 0), open_timeout=30, ping_interval=None)
    return Session(ws, role)


# ---------------------------------------------------------------------- the phases

def role_pages(role: Role) -> list[str]:
    return [p.key for p in pages_for(role)]


async def first_views(target: Target, app: AppServer) -> dict[tuple[Role, str], float]:
    """Each role opens each of its pages once, straight at ``app`` (cold caches)."""
    times: dict[tuple[Role, str], float] = {}
    for i, role in enumerate(ROLES):
        s = await open_session(target, role, 200 + i, base=app.base)
        try:
            for page in role_pages(role):
                times[(role, page)] = await s.rerun(page)
                print(f"  first view {role.value}/{page}: {times[(role, page)]:.2f} s",
                      flush=True)
        finally:
            await s.ws.close()
    return times


@dataclass
class Solo:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


async def solo_warm(target: Target, repeat: int) -> dict[tuple[Role, str], Solo]:
    """One session per role, alone on the server: each page re-run ``repeat`` times."""
    out: dict[tuple[Role, str], Solo] = {}
    for i, role in enumerate(ROLES):
        s = await open_session(target, role, 220 + i)
        try:
            for page in role_pages(role):
                await s.rerun(page)  # arrive on the page (a page change), then re-run it
                solo = out.setdefault((role, page), Solo())
                for _ in range(repeat):
                    c0 = target.cpu()
                    solo.wall.append(await s.rerun(page))
                    await asyncio.sleep(0.05)  # let the post-run work (GC) finish
                    solo.cpu.append(target.cpu() - c0)
        finally:
            await s.ws.close()
    return out


@dataclass
class LoadResult:
    users: int
    think: float
    window: float
    runs: dict[str, list[float]]  # page -> seconds, runs started in the window
    in_window: int  # runs that finished inside the window
    cpu: float  # server CPU seconds from window start to the last answer
    cpu_each: list[float]
    rss: list[float]
    client_cpu: float
    errors: list[str]
    load: str

    @property
    def all_runs(self) -> list[float]:
        return [t for ts in self.runs.values() for t in ts]


async def load_run(target: Target, users: int, think: float, duration: float,
                   seed: int) -> LoadResult:
    rng = random.Random(seed)
    sessions = [await open_session(target, ROLES[i % len(ROLES)], i) for i in range(users)]
    try:
        # Every session opens its first page before the clock starts (logging in).
        starts = [rng.randrange(len(role_pages(s.role))) for s in sessions]
        await asyncio.gather(*(s.rerun(role_pages(s.role)[k])
                               for s, k in zip(sessions, starts, strict=True)))
        runs: dict[str, list[float]] = defaultdict(list)
        finished_at: list[float] = []
        c0, each0, t_cpu0 = target.cpu(), target.cpu_each(), os.times()
        t0 = time.perf_counter()
        stop = t0 + duration

        async def user(s: Session, k: int, delay: float) -> None:
            pages = role_pages(s.role)
            await asyncio.sleep(delay)
            while time.perf_counter() < stop:
                k += 1
                page = pages[k % len(pages)]
                runs[page].append(await s.rerun(page))
                finished_at.append(time.perf_counter())
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

        await asyncio.gather(*(user(s, k, rng.uniform(0, think))
                               for s, k in zip(sessions, starts, strict=True)))
        cpu = target.cpu() - c0
        each = [b - a for a, b in zip(each0, target.cpu_each(), strict=True)]
        t_cpu1 = os.times()
        client = (t_cpu1.user - t_cpu0.user) + (t_cpu1.system - t_cpu0.system)
        return LoadResult(users, think, duration, dict(runs),
                          sum(1 for t in finished_at if t <= stop), cpu, each,
                          target.rss(), client, [e for s in sessions for e in s.errors],
                          load_text())
    finally:
        await asyncio.gather(*(s.ws.close() for s in sessions), return_exceptions=True)


# ---------------------------------------------------------------------- the tables

def pct(values: Sequence[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def print_first_and_solo(first: dict[tuple[Role, str], float],
                         solo: dict[tuple[Role, str], Solo]) -> None:
    print("\nFirst view (cold caches) and warm re-runs alone on the server")
    print(f"{'role':<20} {'page':<22} {'first s':>8} {'warm p50 s':>11} "
          f"{'CPU ms/re-run':>14}")
    for (role, page), s in solo.items():
        print(f"{role.value:<20} {page:<22} {first.get((role, page), float('nan')):>8.2f} "
              f"{statistics.median(s.wall):>11.3f} {statistics.median(s.cpu) * 1000:>14.0f}")
    cpus = [c for s in solo.values() for c in s.cpu]
    print(f"{'all pages':<43} {max(first.values()):>8.2f} "
          f"{statistics.median([w for s in solo.values() for w in s.wall]):>11.3f} "
          f"{statistics.median(cpus) * 1000:>14.0f}   (first: the slowest; CPU: median)")


def print_load(r: LoadResult) -> None:
    every = r.all_runs
    n = len(every)
    print(f"\n{r.users} sessions, think {r.think:g} s, {r.window:.0f} s "
          f"(machine load at the end: {r.load})")
    print(f"{'page':<22} {'re-runs':>8} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for page in sorted(r.runs):
        ts = r.runs[page]
        print(f"{page:<22} {len(ts):>8} {statistics.median(ts):>7.2f} {pct(ts, 95):>7.2f} "
              f"{max(ts):>7.2f}")
    split = " + ".join(f"{c:.1f}" for c in r.cpu_each)
    print(f"{'all':<22} {n:>8} {statistics.median(every):>7.2f} {pct(every, 95):>7.2f} "
          f"{max(every):>7.2f}")
    print(f"throughput {r.in_window / r.window:.1f} re-runs/s; server CPU {r.cpu:.1f} s "
          f"({split}) = {r.cpu / max(n, 1) * 1000:.0f} ms per re-run; RSS "
          f"{' + '.join(f'{m:.0f}' for m in r.rss)} MB; load generator CPU "
          f"{r.client_cpu:.1f} s; errors {len(r.errors)}")
    for e in sorted(set(r.errors))[:5]:
        print(f"  error: {e}")


def print_summary(results: list[LoadResult], processes: int) -> None:
    print(f"\nSummary ({processes} app process{'es' if processes > 1 else ''})")
    print(f"{'users':>5} {'think s':>7} {'re-runs/s':>9} {'p50 s':>6} {'p95 s':>6} "
          f"{'max s':>6} {'CPU ms/re-run':>13} {'RSS MB':>7} {'errors':>6}")
    for r in results:
        every = r.all_runs
        print(f"{r.users:>5} {r.think:>7g} {r.in_window / r.window:>9.1f} "
              f"{statistics.median(every):>6.2f} {pct(every, 95):>6.2f} {max(every):>6.2f} "
              f"{r.cpu / max(len(every), 1) * 1000:>13.0f} {sum(r.rss):>7.0f} {len(r.errors):>6}")


# ---------------------------------------------------------------------- main

def _numbers(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


async def _bench(args: argparse.Namespace, target: Target) -> int:
    first = await first_views(target, target.apps[0])
    for app in target.apps[1:]:  # every process warm before the load, as after a while
        await first_views(target, app)
    if args.solo_runs:
        print_first_and_solo(first, await solo_warm(target, args.solo_runs))
    results = []
    for users in (int(u) for u in _numbers(args.users)):
        for think in _numbers(args.think):
            results.append(await load_run(target, users, think, args.duration,
                                          seed=users * 100 + int(think * 10)))
            print_load(results[-1])
            await asyncio.sleep(2)  # the server settles (disconnected sessions)
    print_summary(results, len(target.apps))
    return 1 if any(r.errors for r in results) else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--db", help="database URL (default: a fresh demo database, seed 1)")
    parser.add_argument("--users", default="10,20,30", help="sessions at once, e.g. 10,20,30")
    parser.add_argument("--think", default="1,5", help="seconds between answer and next click")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1,
                        help="2: two app processes behind nginx (docs/deploy/nginx.conf)")
    parser.add_argument("--duration", type=float, default=40.0,
                        help="seconds of load per configuration")
    parser.add_argument("--roles", default=",".join(r.value for r in ALL_ROLES),
                        help="demo roles the sessions take in turn")
    parser.add_argument("--solo-runs", type=int, default=3,
                        help="warm re-runs of each page alone on the server (0: none)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="passed to `streamlit run`, "
                        "e.g. --server-arg=--runner.postScriptGC=false")
    args = parser.parse_args(argv)
    ROLES[:] = [Role(r.strip()) for r in args.roles.split(",") if r.strip()]
    print(f"Machine load at start: {load_text()}")
    with tempfile.TemporaryDirectory(prefix="nytte-load-") as tmp_name:
        tmp = Path(tmp_name)
        db_url = args.db
        if db_url is None:
            from nytte.demo.database import demo_database

            t0 = time.perf_counter()
            demo_database(tmp / "demo.db", 1).dispose()
            db_url = f"sqlite:///{tmp / 'demo.db'}"
            print(f"Demo database built in {time.perf_counter() - t0:.0f} s")
        shown = db_url.split("@")[-1] if "@" in db_url else db_url
        print(f"Database: {shown}; {args.processes} app process(es); server args: "
              f"{' '.join(args.server_arg) or '(none)'}")
        with serve(db_url, args.processes, args.server_arg, tmp) as target:
            code = asyncio.run(_bench(args, target))
    print(f"\nMachine load at end: {load_text()}")
    return code
