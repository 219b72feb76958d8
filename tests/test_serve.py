"""`python -m geo serve`: the balancer's configuration, and the ways a cluster cannot start (each named).

The cluster serving browsers, failover and SIGTERM are in tests/test_replicas_browser.py (one start)."""

from __future__ import annotations

import socket
import subprocess

import pytest

from geo import cli
from geo.serve import AFFINITY_COOKIE, Backend, Cluster, StartError, haproxy_binary, haproxy_config, parse_backend
from tests.support import require_service


def test_haproxy_accepts_the_configuration_with_affinity_health_checks_and_long_websockets(tmp_path) -> None:
    binary = haproxy_binary()
    if binary is None:
        require_service("HAProxy is not installed (apt-get install haproxy; .ci/run does it)")
    backends = [Backend("r1", "127.0.0.1", 8601), Backend("r2", "10.0.0.12", 8501)]
    config = haproxy_config("0.0.0.0", 8501, backends)
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert f"cookie {AFFINITY_COOKIE} insert nocache" in config
    assert "server r1 127.0.0.1:8601 check cookie r1" in config
    assert "server r2 10.0.0.12:8501 check cookie r2" in config
    assert "option httpchk GET /_stcore/health" in config and "timeout check 15s" in config
    assert "timeout tunnel 1h" in config and "option redispatch" in config


@pytest.mark.parametrize("text, expected", [("10.0.0.12:8501", ("10.0.0.12", 8501)), ("app2:80", ("app2", 80))])
def test_a_remote_replica_is_host_and_port(text: str, expected: tuple[str, int]) -> None:
    assert parse_backend(text) == expected


@pytest.mark.parametrize("text", ["10.0.0.12", ":8501", "host:0", "host:http", "host:70000"])
def test_a_malformed_remote_replica_is_refused_with_its_text(text: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_backend(text)


def test_a_busy_balancer_port_is_named_before_any_replica_starts(tmp_path) -> None:
    if haproxy_binary() is None:
        require_service("HAProxy is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cluster = Cluster(2, port, f"sqlite:///{tmp_path / 'x.sqlite'}", bind_host="127.0.0.1", say=lambda _: None)
        with pytest.raises(StartError, match=f"port {port} on 127.0.0.1 is in use"):
            cluster.start()
    assert cluster.backends == []  # nothing was started


def test_a_replica_that_cannot_start_is_named_with_its_reason_and_the_others_are_stopped(tmp_path) -> None:
    if haproxy_binary() is None:
        require_service("HAProxy is not installed")
    lines: list[str] = []
    cluster = Cluster(1, 0, f"sqlite:///{tmp_path / 'x.sqlite'}", bind_host="127.0.0.1",
                      app="no_such_app.py", start_timeout_s=60, say=lines.append)
    cluster.port = _free_port()
    with pytest.raises(StartError) as raised:
        cluster.start()
    message = str(raised.value)
    assert message.startswith("replica r1 (port ")
    assert "exited with code" in message and "no_such_app.py" in message  # Streamlit's own reason
    assert cluster.balancer is None and cluster.workdir is None
    assert all(b.process.poll() is not None for b in cluster.backends)


def test_the_command_refuses_impossible_numbers_with_exit_2(capsys) -> None:
    assert cli.main(["serve", "--replicas", "0", "--port", "8501"]) == 2
    assert "--replicas must be 1 or more" in capsys.readouterr().err
    assert cli.main(["serve", "--replicas", "1", "--backend", "nohost"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
