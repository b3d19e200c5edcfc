"""Hunt AH: CNI and container runtimes by hand (``unshare`` in two terminals, runc, crun,
cnitool, chroot): the pids an author's session names, and the lines of a prompt-less block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iplab import scenario
from iplab.export import export
from iplab.importer.convert import import_text
from iplab.importer.reader import Kind
from iplab.model import ModelError
from iplab.pids import literal_pid, with_job_pids
from iplab.plan import build, decide_sudo
from iplab.render import renderer

FIXTURES = Path(__file__).parent / "fixtures" / "containers-cni"


def _imported(name: str, kind: Kind = "markdown") -> str:
    """The scenario ``iplab import`` makes of a fixture, as YAML."""
    return import_text((FIXTURES / name).read_text(), kind, name).yaml


def test_a_link_moved_to_a_literal_pid_is_refused_before_anything_runs() -> None:
    """Hunt AH #1: 08-two-terminals-unshare-bash.txt prints ``echo $$`` (4187) in the
    container's shell, then runs ``sudo ip link set veth1 netns 4187`` on the host. It was
    only a warning: with a stranger's process at that pid, ``up`` moved the lab's veth1
    into the stranger's namespace. Refused before anything runs, as ``nsenter -t 4187``
    is, naming the file's line."""
    yaml = _imported("08-two-terminals-unshare-bash.txt", "session")
    with pytest.raises(ModelError) as raised:
        build(scenario.load_text(yaml, "lab.yaml"))
    said = str(raised.value)
    assert said.startswith("lab.yaml:"), said
    assert "setup[1]" in said
    assert "names the process 4187, a pid of the author's session" in said


@pytest.mark.parametrize(
    ("command", "pid"),
    [
        ("sudo ip link set veth1 netns 4187", "4187"),
        ("ip link set dev veth1 netns 4187 name eth0", "4187"),
        ("ip netns exec a ip link set veth1 netns 4187", "4187"),
        ("ip link set veth1 netns 1", None),  # init's: the host's own, moved back
        ("ip link set veth1 netns c1", None),
        ("ip link set veth1 netns %1", None),
        ("ip link set veth-web netns $pid", None),
    ],
)
def test_a_link_set_netns_pid_is_a_literal_pid(command: str, pid: str | None) -> None:
    """Hunt AH #1: ``ip link set DEV netns PID`` takes a pid, as ``ip netns attach`` does."""
    assert literal_pid(command) == pid


def test_a_link_moved_to_a_pid_printed_for_a_job_is_moved_to_that_job() -> None:
    """Hunt AH #1: a pid the session printed for a job (``[1] 3113``) is that job, as
    for ``ip netns attach``."""
    moved = with_job_pids("sudo ip link set veth1 netns 3113", {"3113": "%1"})
    assert moved == "sudo ip link set veth1 netns %1"


@pytest.mark.parametrize(
    "name",
    ["10-runtime-cmds-block.md", "06-container-from-scratch-chroot.md", "03-runc-netns.md"],
)
def test_every_line_of_a_block_without_prompts_is_a_command(name: str) -> None:
    """Hunt AH #2: in a ```bash block without prompts, ``runc spec`` became the output of the
    ``docker export ... | tar`` step (03), ``tar -xzf ... -C rootfs`` and ``cp
    /etc/resolv.conf rootfs/etc/`` the output of ``mkdir rootfs``, which prints nothing
    (06), and ``crun spec``, ``ctr run``, ``nerdctl run``, ``umoci``, ``buildah``,
    ``skopeo``, ``cnitool add`` vanished (10): each is a step now, none an output."""
    text = (FIXTURES / name).read_text()
    lab = scenario.load_text(_imported(name), "lab.yaml")
    fenced = re.findall(r"```bash\n(.*?)```", text, re.S)
    lines = [line for block in fenced for line in block.splitlines() if line.strip()]
    written = [
        renderer().command(s.op, decide_sudo(lab.sudo, s.sudo, s.op)).text for s in lab.steps
    ]
    assert len(written) == len(lines), written
    lost: tuple[str, ...] = ("runc spec", "crun spec", "ctr run", "nerdctl run", "umoci")
    lost += ("buildah", "skopeo", "cnitool add", "tar -xzf", "cp /etc/resolv.conf", "ps -ef")
    lost += ("jq ", "chroot ")
    for line in lines:
        if line.startswith(lost):
            assert line in written
    assert not any(step.output for step in lab.steps)


def test_a_jobs_pid_is_printed_as_written_and_run_as_the_job() -> None:
    """Hunt AH #5: 02-build-your-own-docker-net.md's ``sudo ip netns attach c1 $!`` was
    rendered (and written to the script) as ``sudo ip netns attach c1 %1``, which bash
    refuses ("Invalid PID: %1"). The line is kept as written, as ``A=$!`` ... ``$A`` is; the
    step run is still the job's (``%1``, given its pid when it runs)."""
    result = import_text(
        (FIXTURES / "02-build-your-own-docker-net.md").read_text(),
        "markdown",
        "02-build-your-own-docker-net.md",
    )
    plan = build(scenario.load_text(result.yaml, "lab.yaml"))
    for fmt in ("text", "script"):
        shown = export(plan, fmt).splitlines()
        assert "sudo ip netns attach c1 $!" in shown
        assert "sudo ip netns attach c2 $!" in shown
        assert not any(re.search(r"netns attach \S+ %", line) for line in shown), shown
    assert "command: ip netns attach c1 %1\n" in result.yaml
    assert "command: ip netns attach c2 %2\n" in result.yaml


def test_a_cni_del_section_is_the_teardown() -> None:
    """Hunt AH #6: 01-cni-bridge-by-hand.md's ``## DEL`` section (the bridge plugin run with
    ``CNI_COMMAND=DEL``, ``cnitool del mynet ...``, then two ``ip netns del``) went into
    setup, only its ``ip netns del`` lines into teardown: ``up`` ran the DELs right after
    the ADDs. A CNI plugin's DEL is a deletion: the section is the teardown."""
    lab = scenario.load_text(_imported("01-cni-bridge-by-hand.md"), "lab.yaml")
    said = [getattr(s.op, "command", "") for s in lab.teardown]
    assert len(said) == 4, said
    assert said[0].startswith("CNI_COMMAND=DEL ")
    assert said[1].endswith("cnitool del mynet /var/run/netns/c2")
    setup = [getattr(s.op, "command", "") for s in lab.setup]
    assert not any("DEL" in c or "cnitool del" in c for c in setup), setup
