"""Shells a page opens where iplab cannot go (hunt N): what is typed in them never runs on
the host.

``sudo unshare --net --fork --pid --mount-proc bash`` then, at the container's prompt,
``iptables -P OUTPUT DROP``: the import said OK, and ``up`` set the host's policy (the
hunt ran it in a namespace of its own standing in for the host). ``unshare``/``nsenter -t
PID`` shells, containers and other hosts (``ssh node2``) are sessions whose lines are
notes, until ``exit``; a second terminal's prompt coming back is still that shell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import ipgrammar, jobs, runner, scenario, verify
from iplab.errors import UsageError
from iplab.importer.convert import import_text
from iplab.importer.elsewhere import shell_elsewhere
from iplab.plan import build, expected_state
from iplab.steps import NetnsAdd

PAGES = Path(__file__).parent / "fixtures" / "elsewhere"


@pytest.mark.parametrize(
    ("line", "away"),
    [
        ("unshare --net --fork --pid --mount-proc bash", "a network namespace with no name"),
        ("unshare -n", "a network namespace with no name"),  # ($SHELL)
        ("unshare -fpn /bin/bash", "a network namespace with no name"),
        ("nsenter -t 4242 -n", "the network namespace of process 4242"),
        ("nsenter --target 4242 --net bash", "the network namespace of process 4242"),
        ("nsenter --target=4242 -a", "the network namespace of process 4242"),
        ("ssh node2", "another host"),
        ("ssh -p 2222 root@node2", "another host"),
        ("docker exec -it web bash", "a container"),
        ("kubectl exec -it pod -- sh", "a pod"),
        ("vagrant ssh", "a virtual machine"),
        ("unshare --net ip link", None),  # a program, and done
        ("unshare --net=/var/run/netns/red true", None),  # a name
        ("unshare --pid --fork bash", None),  # the host's network
        ("nsenter -t 4242 -n ip addr", None),
        ("ssh node2 ip link", None),
        ("docker exec web ip a", None),
    ],
)
def test_a_shell_elsewhere_is_told(line: str, away: str | None) -> None:
    program, *args = line.split()
    assert shell_elsewhere(program, args) == away


def test_a_container_s_shell_lines_never_run_on_the_host() -> None:
    page = (PAGES / "container-shell.md").read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="no command found"):  # every command is inside
        import_text(page, "markdown", "container-shell.md")
    with_host = page + "\nOn the host:\n\n```console\n$ sudo ip netns add hnafter\n```\n"
    result = import_text(with_host, "markdown", "container-shell.md")
    steps = scenario.load_text(result.yaml, "page.yaml").steps
    assert [s.op for s in steps] == [NetnsAdd(name="hnafter")]  # the host's line alone
    assert any("opens a shell in a network namespace with no name" in w for w in result.warnings)


def test_a_second_terminal_s_prompt_coming_back_is_still_that_shell() -> None:
    page = (PAGES / "two-terminals.md").read_text(encoding="utf-8")
    result = import_text(page, "markdown", "two-terminals.md")
    commands = [
        line.strip()
        for line in result.yaml.splitlines()
        if line.strip().startswith(("command:", "address:", "name:", "dev:"))
    ]
    assert "address: 10.77.7.2/24" not in commands  # typed in terminal 1, the unshared shell
    assert "address: 10.77.7.1/24" in commands  # typed in terminal 2, the host
    assert not any("ping" in c for c in commands)


#: (hunt W, by design: ``nsenter -t 4242``, a pid written out, is refused before anything
#: runs now; the lab's job, %1, is the process whose namespace these lines change)
LAB = """\
name: c
setup:
  - action: link add
    name: br0
    type: bridge
  - action: raw
    command: unshare --net --fork sleep infinity &
    shell: true
  - action: raw
    command: nsenter -t %1 -n ip addr add 10.77.1.10/24 dev ceth1
  - action: raw
    command: nsenter -t %1 -n ip link set lo up
"""


def test_a_change_in_a_process_s_namespace_leaves_the_lab_s_objects_known() -> None:
    """Hunt N: after ``nsenter -t $PID -n ip ...`` verify skipped every link, a bridge made
    by typed steps too, and said OK with the lab's bridge deleted."""
    plan = build(scenario.load_text(LAB, "c.yaml"))
    expected = expected_state(plan)
    before_nsenter = expected_state(plan, upto=2)
    assert verify.unknowable(expected) == verify.unknowable(before_nsenter)
    assert ipgrammar.effects("nsenter -t 4242 -n ip link set lo up") is not None
    assert ipgrammar.effects("nsenter -t 4242 -n touch /etc/x") is None  # a file: unknown


def test_verify_says_what_it_compared_and_when_it_compared_nothing() -> None:
    plan = build(scenario.load_text(LAB, "c.yaml"))
    assert verify.verdict(expected_state(plan, upto=1), "after step 1") == (
        "the kernel holds what the scenario promises after step 1 (0 namespaces, 1 link)"
    )
    # (hunt W, by design: the unshare job no longer turns verify off, and touch changes no
    # name: a script of unknown effect is what makes the model know none of the objects)
    unknown = LAB.replace("nsenter -t %1 -n ip link set lo up", "./make-links.sh")
    said = verify.verdict(expected_state(build(scenario.load_text(unknown, "c.yaml"))))
    assert said.startswith("nothing compared: the model knows none of the lab's objects (1 ")


@pytest.mark.parametrize(
    ("command", "unshares"),
    [
        ("sudo unshare --net --fork --pid --mount-proc sleep infinity &", True),
        ("unshare -fn sleep 100 &", True),
        ("unshare --pid --fork sleep 9 &", False),
        ("ip netns exec a sleep 5 &", False),
    ],
)
def test_a_job_that_unshares_the_network_is_told(command: str, unshares: bool) -> None:
    assert jobs.unshares_the_network(command) is unshares


@pytest.mark.kernel
@pytest.mark.usefixtures("prefix")  # (the kernel tests' gate)
def test_the_run_waits_for_a_job_to_be_in_its_own_namespace() -> None:
    """Hunt N (once, under load): ``nsenter -t $PID -n ip link`` right after ``unshare --net
    ... &`` listed the host's links: the job had not unshared yet. The step after such a job
    waits until the job's first process is in a namespace of its own."""
    import subprocess

    never = subprocess.Popen(["sleep", "30"])
    unshared = subprocess.Popen(["unshare", "--net", "sleep", "30"])
    try:
        assert runner.wait_unshared(unshared.pid, 5.0, lambda: False)
        assert not runner.wait_unshared(never.pid, 0.2, lambda: False)  # the host's, still
    finally:
        for process in (never, unshared):
            process.kill()
            process.wait()
