"""Hunt AM (Kubernetes networking by hand, multi-node labs: nodes as namespaces, a cni0
bridge in each, pod routes between nodes, flannel-style VXLAN, kube-proxy's DNAT chains,
hostPort, a teardown that stops the "app")."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.jobs import Request, request
from iplab.plan import build, expected_state
from iplab.steps import Raw
from iplab.verify import verdict
from tests.conftest import REPO
from tests.test_background import _run_beside

PAGES = REPO / "tests" / "fixtures" / "k8s-by-hand"


@pytest.mark.parametrize(
    ("command", "asked"),
    [
        ('pkill -f "http.server 8080" || true',
         Request("pkill", signal.SIGTERM, pattern="http.server 8080", full=True, tolerant=True)),
        ("kill %1 || true", Request("kill", signal.SIGTERM, ("%1",), tolerant=True)),
        ("killall -q tcpdump || :",
         Request("killall", signal.SIGTERM, pattern="tcpdump", exact=True, tolerant=True)),
        ("kill %1 2>/dev/null || true",
         Request("kill", signal.SIGTERM, ("%1",), tolerant=True)),
        ("kill $(pgrep -f srv) || true",
         Request("pkill", signal.SIGTERM, pattern="srv", full=True, tolerant=True)),
        ("pkill -u root sshd || true", None),  # an option iplab does not read: as before
        ("kill 4242 || true", None),  # a pid: the host's business
        ("kill %1 || echo gone", None),
        ("kill %1 || kill %2 || true", None),
        ("ip link del br0 || true", None),
    ],
)  # fmt: skip
def test_a_signal_the_author_lets_fail_is_the_same_job_control(
    command: str, asked: Request | None
) -> None:
    """Hunt AM: ``CMD || true`` of a kill, pkill or killall is what CMD asks, whose failure
    (no such job, no process that matches) bash lets pass. It was not read at all: ``pkill
    -f ... || true`` was refused as a signal to the host's processes, and ``kill %1 ||
    true`` ran in a shell of its own, which has no job 1 (the teardown stopped nothing)."""
    assert request(command) == asked


def test_the_kube_proxy_script_s_cleanup_imports() -> None:
    """Hunt AM: am6-kube-proxy-chains.sh ends with a cleanup function whose first line is
    ``pkill -f "http.server 8080 --directory /tmp/kp-ep" || true``. The import exited 1:
    "runs pkill -f 'http.server 8080 --directory /tmp/kp-ep': it signals processes of the
    host, not only the lab's", telling the author to write what they wrote without
    ``|| true``. Now the page imports, plans under a prefix, and the pkill is the lab's
    (a step it need not undo)."""
    name = "am6-kube-proxy-chains.sh"
    result = import_text((PAGES / name).read_text(encoding="utf-8"), "shell", name)
    assert "model: OK" in result.summary()
    assert "pkill" not in result.summary()  # (not among the steps iplab cannot undo)
    plan = build(scenario.load_text(result.yaml, "am6.yaml"), prefix="hM9")
    [pkill] = [
        pc.command.op
        for pc in plan.commands
        if isinstance(pc.command.op, Raw) and pc.command.op.command.startswith("pkill")
    ]
    assert isinstance(pkill, Raw)
    assert request(pkill.command) == Request(
        "pkill",
        signal.SIGTERM,
        pattern="http.server 8080 --directory /tmp/kp-ep",
        full=True,
        tolerant=True,
    )


@pytest.mark.kernel
def test_a_tolerated_signal_stops_the_labs_job_and_never_the_hosts(
    prefix: str, state_dir: Path, tmp_path: Path, own_sleep: int
) -> None:
    """Hunt AM: ``kill %1 || true`` stops the lab's job 1 (it said nothing and stopped
    nothing), ``pkill -x sleep || true`` the lab's sleepers and not the host's, and the
    same pkill again, with nothing left to match, fails as bash lets it: the run goes on."""
    script = (
        f"ip netns add n1\nip netns exec n1 sleep {own_sleep} &\nkill %1 || true\n"
        f"ip netns exec n1 sleep {own_sleep} &\npkill -x sleep || true\n"
        "pkill -x sleep || true\nip netns del n1\n"
    )
    said = _run_beside(own_sleep, script, prefix, state_dir, tmp_path)
    assert said.count("signal 15 to pid") == 2, said  # the lab's two sleepers


def test_verify_names_the_step_that_left_the_lab_unverified() -> None:
    """Hunt AM: am8-three-nodes-mesh.sh reads each node's random flannel.1 MAC with
    ``MAC=$(ip -n node$j -j link show flannel.1 | python3 -c '...')``, a step iplab cannot
    follow (python3 may do anything). Every node, pod and link made before it went
    unverified: "OK: ... (0 namespaces, 1 links; 10 skipped ...)", with no word of which
    step did it, nor of the ``observe: true`` that says it only reads. The OK now names
    the last such step; with ``observe: true`` on them, all of it is compared."""
    name = "am8-three-nodes-mesh.sh"
    result = import_text((PAGES / name).read_text(encoding="utf-8"), "shell", name)
    lab = scenario.load_text(result.yaml, "am8.yaml")
    said = verdict(expected_state(build(lab, prefix="hM9")))
    assert "(0 namespaces, 1 link; 10 skipped; the last step it cannot follow" in said, said
    assert ", am8.yaml:" in said and ": setup[3].steps[20], may have changed" in said, said
    assert "('observe: true' on it if it only reads)" in said, said
    reads = result.yaml.replace("        sets:\n", "        observe: true\n        sets:\n")
    assert reads.count("observe: true\n        sets:") == 6
    said = verdict(expected_state(build(scenario.load_text(reads, "am8.yaml"), prefix="hM9")))
    assert "skipped" not in said and "(6 namespaces, 26 links, 3 sysctls;" in said, said
