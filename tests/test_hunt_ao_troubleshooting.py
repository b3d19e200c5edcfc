"""Hunt AO (troubleshooting and exercise labs: a lab built, broken on purpose, diagnosed
with ping and ``ip route get``, then fixed; pings the page expects to fail before the
fix, "Expected output:" blocks, solutions in ``<details>``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from iplab import undo
from iplab.context import make_env
from iplab.importer.convert import ImportResult
from iplab.importer.prose import labels_output, said_to_fail
from iplab.journal import Journal
from iplab.scenario import Scenario
from iplab.steps import NetnsExec, Probe
from tests import pages
from tests.conftest import FIXTURES

PAGES = FIXTURES / "troubleshooting"


def _imported(name: str) -> tuple[ImportResult, Scenario]:
    return pages.imported(PAGES / name)


def _probes(lab: Scenario) -> list[tuple[str, bool]]:
    return [(s.op.target, s.op.reachable) for s in lab.steps if isinstance(s.op, Probe)]


def test_a_ping_shown_failing_in_an_expected_output_block_must_fail() -> None:
    """Hunt AO #1: ao6-wrong-route-quiz.md shows the ping of exercise 1 failing in a
    ```text block after "Expected output:"; the block was read as the next step's prose,
    the ping as a probe that must succeed, and ``iplab run`` said "FAILED: 2/3 claims
    hold" of a lab that does what the page says. The block is the ping's output now (and
    the route lookup's, below it), and the ping must fail."""
    result, lab = _imported("ao6-wrong-route-quiz.md")
    assert _probes(lab) == [("10.20.2.2", False), ("10.20.2.1", True), ("10.20.2.2", True)]
    first = next(s for s in lab.steps if isinstance(s.op, Probe))
    assert first.output is not None and "100% packet loss" in first.output
    looked = next(s for s in lab.steps if s.output and s.output.startswith("10.20.1.2 via"))
    assert looked.prose is not None and "Expected output" not in looked.prose, looked.prose
    assert result.model_error is None


def test_a_ping_the_page_says_should_fail_must_fail() -> None:
    """Hunt AO #2: ao8-loopback-exercise.md says "This ping **should fail**" above a ping
    it shows no output of, and "# fails too!" after the next one; both were probes that
    must succeed (``iplab run``: "FAIL hO9ex5 reaches 10.5.5.1", exit 1). They must fail
    now, said in the summary; the second one answers on the kernel, and the run says the
    page is wrong there. The ping after the fix still must succeed."""
    result, lab = _imported("ao8-loopback-exercise.md")
    assert _probes(lab) == [("10.5.5.1", False), ("10.5.5.2", False), ("10.5.5.1", True)]
    said = "\n".join(result.warnings)
    assert "line 19: the page says 'ip netns exec ex5 ping -c 1 -W 1 10.5.5.1' fails" in said
    assert "('fails too!'): read as a probe that must fail" in said


def test_a_script_s_comment_that_a_ping_fails_lets_it_fail() -> None:
    """Hunt AO #2: in ao5-break-fix.sh, ``ip netns exec red ping -c 1 -W 1 127.0.0.1  #
    FAILS: loopback is down`` (no address the lab assigns: not a probe) was a step that must
    succeed, and ``iplab run`` rolled the whole lab back at the drill. It may fail now; the
    ping after ``ip -n red link set lo up`` still may not."""
    result, lab = _imported("ao5-break-fix.sh")
    loopback = [s for s in lab.steps if isinstance(s.op, NetnsExec) and "127.0.0.1" in s.op.command]
    assert [s.may_fail for s in loopback] == [True, False]
    assert any(
        "'FAILS: loopback is down'): read as a step that may fail" in w for w in result.warnings
    )


@pytest.mark.parametrize(
    ("text", "own", "fails"),
    [
        ("Now ping the namespace's own address. This ping **should fail** (why?):", False, True),
        ("this ping must fail now:", False, True),
        ("Pinging the peer should fail as well:", False, True),
        ("It is expected to fail until you fix the route.", False, True),
        ("The ping should not fail any more:", False, False),
        ("Without forwarding it will fail. Turn it on and ping again:", False, False),
        ("If the ping fails, check the route:", False, False),
        ("fails too!", True, True),
        ("FAILS: loopback is down", True, True),
        ("expected: Network is unreachable", True, True),
        ("fails", False, False),  # (in the words before a command: a claim needs a verb)
        ("no longer fails", True, False),
        ("if it fails, check lo", True, False),
        ("should work", True, False),
    ],
)
def test_words_that_say_a_command_fails(text: str, own: bool, fails: bool) -> None:
    """Hunt AO #2: which words say the command they introduce (or follow) fails."""
    assert bool(said_to_fail(text, own=own)) is fails


@pytest.mark.parametrize(
    ("text", "label", "alone"),
    [
        ("Expected output:", True, True),
        ("**Expected output:**", True, True),
        ("Output:", True, True),
        ("You should see something like this:", True, True),
        ("Run it once more. Sample output:", True, False),
        ("The output should look like this:", True, True),
        ("Save this as lab.conf:", False, False),
        ("Expected output", False, False),
        ("Now look at the output of the next command:", False, False),
    ],
)
def test_a_label_of_what_a_command_printed(text: str, label: bool, alone: bool) -> None:
    """Hunt AO #1: the paragraph between a command's block and a block of what it printed."""
    assert labels_output(text) == (label, alone)


#: what ``tcpdump -ni hO9vb icmp`` (step 15 of ao3-mtu-blackhole.md) wrote in the hunt's run
#: before the tutorial's cleanup deleted hO9va, and hO9vb with it
_CAPTURED = """\
tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on hO9vb, link-type EN10MB (Ethernet), snapshot length 262144 bytes
17:05:54.309016 IP 172.16.0.1 > 172.16.0.2: ICMP echo request, id 8319, seq 1, length 1480
tcpdump: pcap_loop: The interface disappeared
2 packets captured
"""


def test_a_capture_that_ended_by_itself_is_said_once(tmp_path: Path) -> None:
    """Hunt AO #3: ao3-mtu-blackhole.md watches vb "in another terminal" (``tcpdump -ni vb
    icmp``, run beside the steps); its cleanup deletes ``a``, and with va, vb goes: tcpdump
    ends by itself. When it had ended before ``run`` stopped the lab's jobs, what it
    captured was never said (iplab said it only of a process it stopped), and went with
    the lab's directory. It is said now, once, however the capture ended."""
    _result, lab = _imported("ao3-mtu-blackhole.md")
    step = next(n for n, s in enumerate(lab.steps, 1) if s.background and "tcpdump" in str(s.op))
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    (state / "lab").mkdir(mode=0o700)
    journal = Journal(state / "lab")
    journal.jobs("run1", step, [(4242, 99)])  # (long gone: not this process, not running)
    journal.job_log(step).write_text(_CAPTURED, encoding="utf-8")
    err = io.StringIO()
    env = make_env(state, io.StringIO(), err)
    assert undo.stop_jobs(env, journal, "left running by the tutorial's cleanup") == 0
    said = err.getvalue()
    assert f"iplab: what step {step} captured (" in said, said
    assert "    17:05:54.309016 IP 172.16.0.1 > 172.16.0.2: ICMP echo request" in said
    assert undo.stop_jobs(env, journal, "still running") == 0
    assert err.getvalue() == said  # (once)
