"""The corpus of tutorials in other authors' styles: each imports to its golden scenario and
prints back exactly its own command lines; on the kernel, each that stays inside its own
namespaces passes ``iplab run`` and leaves nothing behind."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.corpus import (
    CORPUS,
    GOLDEN_CORPUS,
    NOT_RUN,
    dropped,
    first_missing_line,
    first_stray_line,
    import_tutorial,
    printed,
    tutorials,
)
from tests.goldens import assert_golden
from tests.kernel import apart, iplab, netns_names, root_links

TUTORIALS = tutorials()
IDS = [p.name for p in TUTORIALS]

#: the tutorials that end with a cleanup of their own; every other one is undone from the
#: journal, and ``iplab run`` says so
WITH_CLEANUP = (
    "24-cleanup-at-the-end.sh",
    "25-two-hosts-and-a-router.md",
    "29-stop-the-server.sh",
    "31-lab-script-up-and-down.sh",
    "32-netcat-chat.md",
    "33-values-at-run-time.sh",
    "34-shells-in-namespaces.md",
)


def test_the_corpus_has_at_least_twenty_tutorials_of_both_kinds() -> None:
    assert len(TUTORIALS) >= 20
    assert {p.suffix for p in TUTORIALS} == {".md", ".sh"}


@pytest.mark.parametrize("path", TUTORIALS, ids=IDS)
def test_a_tutorial_imports_to_its_golden_scenario_and_prints_its_own_lines(path: Path) -> None:
    result = import_tutorial(path)
    assert_golden(result.yaml, GOLDEN_CORPUS / f"{path.stem}.yaml")
    text = printed(result)
    assert_golden(text, GOLDEN_CORPUS / f"{path.stem}.txt")
    assert first_stray_line(path, text) is None
    assert first_missing_line(path, text) is None
    assert dropped(result) == []
    assert "".join(f"{line}\n" for line in result.lines) == text


@pytest.mark.kernel
@pytest.mark.parametrize(
    "path", [p for p in TUTORIALS if p.name not in NOT_RUN], ids=lambda p: p.name
)
def test_a_tutorial_runs_on_the_kernel_and_leaves_nothing(
    path: Path, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    result = import_tutorial(path)
    scenario = tmp_path / f"{result.name}.yaml"
    scenario.write_text(result.yaml, encoding="utf-8")
    run = iplab("run", str(scenario), "--prefix", prefix, state=state_dir, timeout=300)
    said = run.stdout[-3000:] + run.stderr[-3000:]
    # 16: no VLAN filtering here: refused by the kernel, or named before the run by iplab's
    # check of the kernel's configuration (iplab/kernelconfig.py)
    if "RTNETLINK answers: Operation not supported" in said or (
        "not starting: this kernel has no" in said and run.returncode == 1
    ):
        pytest.skip(f"this kernel lacks a feature {path.name} uses ({said.strip()[-200:]})")
    # every command ran, the kernel holds what the model says, and nothing is left
    assert "verify: the kernel holds what the scenario promised" in run.stdout, said
    assert [n for n in netns_names() if n.startswith(prefix)] == [], said
    left = [str(x["ifname"]) for x in root_links() if str(x["ifname"]).startswith(prefix)]
    assert left == [], said
    assert run.returncode == 0, said
    # what the tutorial's own cleanup did not remove, iplab removed from the journal
    from_journal = ": undone from the journal (" in run.stdout
    assert from_journal == (path.name not in WITH_CLEANUP), said


@pytest.mark.kernel
def test_a_tutorial_that_changes_the_host_runs_in_a_network_namespace_of_its_own(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """27: functions with ``local a=$1 b=$2``, ``trap cleanup EXIT``, a bridge addressed in
    the root namespace, ``echo 1 > /proc/sys/net/ipv4/ip_forward``, a pause for the reader.
    In a network (and mount) namespace of the test's own, which iplab takes for the host:
    all its links and sysctls are the test's. The host's ip_forward is put back; nothing is left."""
    result = import_tutorial(CORPUS / "27-functions-and-a-pause.sh")
    lab = tmp_path / "fn.yaml"
    lab.write_text(result.yaml, encoding="utf-8")
    inner = textwrap.dedent(f"""\
        set -e
        echo "before $(cat /proc/sys/net/ipv4/ip_forward)"
        {sys.executable} -m iplab run {lab} --prefix {prefix} --state-dir {state_dir}
        echo "after $(cat /proc/sys/net/ipv4/ip_forward)"
        echo "left: $(ip netns list) $(ip -br link | grep -v '^lo ' || true)"
        """)
    run = apart(inner, timeout=180)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "before 0\n" in run.stdout and "after 0\n" in run.stdout, said
    assert "2 received, 0% packet loss" in said
    assert "verify: the kernel holds what the scenario promised" in said
    assert "== nothing of the lab remains" in said
    # its cleanup is the trap's handler (the function): rehearsed as the teardown
    assert "== teardown (3 steps)\n" in run.stdout, said
    assert "left:  \n" in run.stdout, said
