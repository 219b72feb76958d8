"""Replicas behind a load balancer: `python -m geo serve --replicas N --port P`.

One Streamlit process serves about two page views a second on a 2-core machine, whatever the number of
people (the framework's floor, see bench/load.py): a room that opens a shared link at once needs several
processes. This starts N `streamlit run app.py` replicas on free local ports and HAProxy in front of them:

- session affinity by a cookie (`ca4_replica`): a browser's websocket and its uploads
  (`/_stcore/upload_file/...`, separate HTTP requests) reach the replica that holds its session;
- health checks on Streamlit's `/_stcore/health`: a replica that stops is taken out, and a browser on it
  is sent to another one when it reconnects (`option redispatch`); there it gets a fresh session, signed in
  again from its sign-in cookie (geo.access.sessions: verified by any replica, the key is in the database);
- websockets pass through as HTTP upgrades (`timeout tunnel`);
- every replica gets the same DATABASE_URL: everything shared (sign-in tokens, the data version that keys
  the caches, records and their versions for the stale-save check) lives in the database.

Remote replicas (`backends`, HOST:PORT: `streamlit run app.py` on other machines on the same database) join
the same balancer. Pure process management; the command line is geo/cli.py's `serve`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
AFFINITY_COOKIE = "ca4_replica"
HEALTH_PATH = "/_stcore/health"
START_TIMEOUT_S = 120.0


class StartError(RuntimeError):
    """A part of the cluster could not start; the message names which and why."""


@dataclass
class Backend:
    """One replica as the balancer sees it: a name (also its affinity cookie's value) and an address."""

    name: str
    host: str
    port: int
    process: subprocess.Popen | None = None  # None: a remote replica, started elsewhere
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def parse_backend(text: str) -> tuple[str, int]:
    """HOST:PORT of a remote replica; ValueError with the reason otherwise."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not HOST:PORT (e.g. 10.0.0.12:8501)")
    return host, int(port)


def haproxy_config(bind_host: str, port: int, backends: Sequence[Backend], *, check_interval_ms: int = 2000) -> str:
    """HAProxy's configuration for the cluster (HAProxy 2.4 or later)."""
    servers = "\n".join(
        f"    server {b.name} {b.host}:{b.port} check cookie {b.name}" for b in backends)
    return f"""# Written by `python -m geo serve` (geo/serve.py); regenerated at every start.
global
    maxconn 4096

defaults
    mode http
    timeout connect 3s
    timeout client 1h
    timeout server 1h
    # Streamlit's websocket (/_stcore/stream) lives as long as the browser tab
    timeout tunnel 1h
    timeout http-request 30s
    # a replica that does not answer: try again, on another replica
    retries 2
    option redispatch

frontend ca4
    bind {bind_host}:{port}
    default_backend replicas

backend replicas
    # long-lived websockets: a new browser goes to the replica with the fewest connections
    balance leastconn
    # session affinity: the websocket and the uploads of one browser reach one replica. Not `indirect`:
    # HAProxy then strips its cookie from the requests, and through it one websocket handshake in four
    # reached Streamlit without the sign-in cookie (seen here); the replicas simply ignore ca4_replica.
    cookie {AFFINITY_COOKIE} insert nocache httponly attr "SameSite=Lax"
    option httpchk GET {HEALTH_PATH}
    http-check expect status 200
    # A busy replica is not a dead one: under a room's load its health answer took over a second, and with
    # HAProxy's default (the check interval as its timeout) the only replica was marked down and every
    # visitor got 503 (seen here). A stopped replica refuses connections at once, and a refused request
    # is sent to another replica anyway (redispatch), so the wait costs nothing there.
    timeout check 15s
    default-server inter {check_interval_ms} fall 3 rise 1
{servers}
"""


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")
                                            if Path(p).exists()), None)


def _tail(path: Path | None, lines: int = 12) -> str:
    if path is None or not path.exists():
        return ""
    text = path.read_text(errors="replace").strip().splitlines()
    return "\n".join(text[-lines:])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Cluster:
    """N local replicas (plus any remote ones) behind HAProxy. `start()` raises StartError naming the part
    that failed, after stopping what it had started; `stop()` stops everything (idempotent)."""

    replicas: int
    port: int
    database_url: str
    bind_host: str = "0.0.0.0"
    remote: Sequence[tuple[str, int]] = ()
    app: str = "app.py"
    extra_env: dict[str, str] = field(default_factory=dict)
    start_timeout_s: float = START_TIMEOUT_S
    say: Callable[[str], None] = print
    backends: list[Backend] = field(default_factory=list)
    balancer: subprocess.Popen | None = None
    workdir: Path | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind_host in ("0.0.0.0", "::", "") else self.bind_host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        if self.replicas < 0 or (self.replicas == 0 and not self.remote):
            raise StartError("no replica to serve: --replicas must be 1 or more (or give --backend)")
        binary = haproxy_binary()
        if binary is None:
            raise StartError("HAProxy is not installed (Debian: apt-get install haproxy)")
        if not port_is_free(self.bind_host, self.port):
            raise StartError(f"the balancer's port {self.port} on {self.bind_host} is in use")
        self.workdir = Path(tempfile.mkdtemp(prefix="ca4-serve-"))
        env = {**os.environ, **self.extra_env, "DATABASE_URL": self.database_url}
        for number in range(1, self.replicas + 1):
            port = free_port()
            log = self.workdir / f"r{number}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", self.app, "--server.headless", "true",
                     "--server.port", str(port), "--server.address", "127.0.0.1"],
                    cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True)  # a Ctrl-C reaches us; we stop the replicas in order
            self.backends.append(Backend(f"r{number}", "127.0.0.1", port, process, log))
        for number, (host, port) in enumerate(self.remote, start=self.replicas + 1):
            self.backends.append(Backend(f"r{number}", host, port))
        self._wait_for_replicas()
        self._start_balancer(binary)

    def _wait_for_replicas(self) -> None:
        """All replicas start at once (a start is mostly imports); each must answer its health check."""
        waiting = list(self.backends)
        deadline = time.monotonic() + self.start_timeout_s
        while waiting:
            for backend in list(waiting):
                if backend.process is not None and backend.process.poll() is not None:
                    raise StartError(f"replica {backend.name} (port {backend.port}) exited with code "
                                     f"{backend.process.returncode} while starting:\n{_tail(backend.log)}")
                if _answers(backend.url + HEALTH_PATH):
                    waiting.remove(backend)
                    pid = f"pid {backend.process.pid}" if backend.process else "remote"
                    self.say(f"replica {backend.name}: {backend.url} ({pid})")
            if waiting and time.monotonic() > deadline:
                backend = waiting[0]
                raise StartError(f"replica {backend.name} ({backend.url}) did not answer {HEALTH_PATH} within "
                                 f"{self.start_timeout_s:.0f} s" + (f":\n{_tail(backend.log)}" if backend.log else ""))
            if waiting:
                time.sleep(0.2)

    def _start_balancer(self, binary: str) -> None:
        assert self.workdir is not None
        config = self.workdir / "haproxy.cfg"
        config.write_text(haproxy_config(self.bind_host, self.port, self.backends))
        checked = subprocess.run([binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
        if checked.returncode != 0:
            raise StartError(f"HAProxy refused its configuration ({config}):\n{checked.stderr.strip()}")
        log = self.workdir / "haproxy.log"
        with log.open("wb") as out:
            self.balancer = subprocess.Popen([binary, "-db", "-f", str(config)], stdin=subprocess.DEVNULL,
                                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 10
        while not _answers(self.url + HEALTH_PATH):
            if self.balancer.poll() is not None:
                raise StartError(f"HAProxy exited with code {self.balancer.returncode} while starting:\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise StartError(f"HAProxy did not answer on port {self.port} within 10 s:\n{_tail(log)}")
            time.sleep(0.1)
        self.say(f"balancer: HAProxy pid {self.balancer.pid}, {len(self.backends)} replicas, "
                 f"affinity cookie {AFFINITY_COOKIE}")

    def exited(self) -> list[Backend]:
        """Local replicas whose process has ended."""
        return [b for b in self.backends if b.process is not None and b.process.poll() is not None]

    def stop(self) -> None:
        """The balancer first (no new requests), then every replica: SIGTERM, then SIGKILL after 10 s."""
        processes = ([self.balancer] if self.balancer else []) + [b.process for b in self.backends if b.process]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def run(cluster: Cluster) -> int:
    """Start the cluster, serve until Ctrl-C or SIGTERM, stop everything. 0 after a requested stop; 1 if a
    part could not start (its message on stderr) or the balancer itself stopped."""
    stopping: list[int] = []
    started = False

    def request_stop(signum: int, _frame: object) -> None:
        stopping.append(signum)
        if not started:  # still starting: stop waiting now (start() stops what it had started)
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            cluster.start()
        except StartError as error:
            print(f"python -m geo serve: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("python -m geo serve: stopped while starting", file=sys.stderr)
            return 1
        started = True
        cluster.say(f"serving on {cluster.url} (Ctrl-C stops it)")
        reported: set[str] = set()
        while not stopping:
            for backend in cluster.exited():
                if backend.name not in reported:
                    reported.add(backend.name)
                    print(f"replica {backend.name} exited with code {backend.process.returncode}; the balancer "
                          f"sends its visitors to the others:\n{_tail(backend.log)}", file=sys.stderr)
            if cluster.balancer is not None and cluster.balancer.poll() is not None:
                print(f"python -m geo serve: HAProxy exited with code {cluster.balancer.returncode}",
                      file=sys.stderr)
                return 1
            time.sleep(0.3)
        cluster.say("stopping")
        return 0
    finally:
        cluster.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
