"""Hunt BK: tutorials that measure or serve between namespaces (tests/fixtures/stored-pages-6/).

#1 A client's failure the page shows (``curl: (7) Couldn't connect to server`` while lo
   is still down; ``curl ... 6000`` before the port forwarding works) was a step that must
   succeed: the run stopped there and rolled the lab back. Now a step that may fail, said
   by the import, as for iproute2's and ping's own error words; run again after a change,
   the same line stays a step of its own (no retry read once).
#2 A ping of the link-local address the author's kernel gave the peer (``fe80::...%veth00``,
   from the author's random MAC address) must have succeeded: here no one has it, and the
   run rolled back. Now a step that may fail, and the import says why.
#3 ``ip netns exec ns2 iperf3 -s -D`` was a step iplab cannot undo ("what it changes stays
   on the host after the lab is down"), while down stops the daemon in the lab's namespace.
#4 ``# 2 packets transmitted, 0 received, 100% packet loss`` written under a ping (after
   ``ip_forward=0``) did not make it a probe that must fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.jobs import daemon_server
from iplab.steps import NetnsExec, Probe, Raw, Step
from tests.conftest import FIXTURES
from tests.kernel import SKIP
from tests.pages import imported, ran_clean

PAGES = FIXTURES / "stored-pages-6"


def _step(steps: tuple[Step, ...] | list[Step], words: str) -> Step:
    found = [s for s in steps if isinstance(s.op, Raw | NetnsExec) and s.op.command.endswith(words)]
    assert len(found) == 1, [s.op for s in steps]
    return found[0]


def test_a_curl_the_page_shows_failing_may_fail() -> None:
    result, lab = imported(PAGES / "bk-p02-messing-around-nc.md")
    assert _step(lab.setup, "curl localhost:8900").may_fail
    said = "shows 'sudo ip netns exec ns1 curl localhost:8900' fail"
    assert any(said in w for w in result.warnings), result.warnings


def test_each_failing_curl_of_a_page_stays_a_step_that_may_fail() -> None:
    """Two curls shown failing, one that works between them: three steps, as on the page."""
    _, lab = imported(PAGES / "bk-p07-fun-with-netns-flask.md")
    curls = [
        (s.op.command, s.may_fail)
        for s in lab.setup
        if isinstance(s.op, Raw | NetnsExec) and "curl" in s.op.command
    ]
    assert curls == [
        ("curl http://127.0.0.1:8080/", False),
        ("curl http://127.0.0.1:8080/", True),
        ("curl http://192.168.0.2:8080/", False),
        ("curl http://127.0.0.1:6000/", True),
    ]


def test_a_ping_of_the_authors_link_local_address_may_fail() -> None:
    result, lab = imported(PAGES / "bk-p03-ipv6-playground.md")
    ping = _step(lab.setup, "ping -c 2 fe80::c8a1:5cff:fe3e:77b2%veth00")
    assert ping.may_fail
    assert any("link-local address the kernel gives a link" in w for w in result.warnings)
    assert result.model_error is None


def test_an_iperf3_daemon_in_the_labs_namespace_is_undone() -> None:
    result, _ = imported(PAGES / "bk-p01-ns-lab-iperf.md")
    assert "cannot undo" not in result.summary(), result.summary()


def test_which_iperf_servers_leave_only_their_process() -> None:
    assert daemon_server("sudo ip netns exec ns2 iperf3 -s -D")
    assert daemon_server("iperf3 -sD")
    assert not daemon_server("iperf3 -s")  # (in the foreground: run beside the next steps)
    assert not daemon_server("iperf3 -s -D -I /run/iperf3.pid")  # (a file of the host)
    assert not daemon_server("iperf3 -s -D --logfile=/var/log/iperf3.log")
    assert not daemon_server("iperf3 -c 192.168.100.2 -t 5")


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_ipv6_playground_runs_and_leaves_nothing(prefix: str, tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = ran_clean(PAGES / "bk-p03-ipv6-playground.md", prefix, state, tmp_path)
    assert f"PASS {prefix}red reaches fd00:10::2" in done.stdout, done.stdout


def test_a_ping_shown_reaching_nothing_in_a_comment_under_it_must_fail() -> None:
    """``ping -c 2 -W 1 10.0.2.2`` after ``ip_forward=0``, ``# 2 packets transmitted, 0
    received, 100% packet loss`` under it: a probe that must fail (it was one that must
    succeed, and the comment the teardown's prose)."""
    result, lab = imported(PAGES / "bk-p05-router-traceroute.md")
    probes = [s.op for s in lab.setup if isinstance(s.op, Probe)]
    assert [(p.target, p.reachable) for p in probes] == [
        ("10.0.2.2", True),
        ("10.0.2.2", False),
    ]
    said = "received, 100% packet loss'): read as a probe that must fail"
    assert any(said in w for w in result.warnings), result.warnings
