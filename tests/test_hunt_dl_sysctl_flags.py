"""``sysctl -qw KEY=VALUE``: sysctl's short options written together, as scripts write them
(hunt DL: a three-router script's ``ns_exec $n sysctl -qw net.ipv4.ip_forward=1``,
tests/fixtures/scripts/hunt-K-04c-routers-noecho.sh). iplab read ``-qw`` as an option it
does not split: the write was "unknown", verify did not compare the router's forwarding,
and a root namespace's ``sysctl -qw`` had no undo. Options made of sysctl's write, quiet
and ignore letters (``-qw``, ``-wq``, ``-we``) are read as those options now; any other
letter (``-qp`` loads files, ``-a`` lists) is not a write, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import build, expected_state
from iplab.sysctl import sysctl_writes
from tests import kernel
from tests.pages import imported_file, run

ROUTER = """\
ip netns add r
ip -n r link add x1 type veth peer name x2
ip netns exec r sysctl {flags} net.ipv4.ip_forward=1
"""


@pytest.mark.parametrize("flags", ["-qw", "-wq", "-we", "-eqw"])
def test_short_options_together_are_read(flags: str) -> None:
    assert sysctl_writes(f"sysctl {flags} net.ipv4.ip_forward=1") == [("net.ipv4.ip_forward", "1")]


@pytest.mark.parametrize("flags", ["-qp", "-qa", "-qwp", "-"])
def test_other_letters_are_no_write(flags: str) -> None:
    assert sysctl_writes(f"sysctl {flags} net.ipv4.ip_forward=1") is None


@pytest.mark.parametrize("flags", ["-qw", "-w -q"])
def test_the_model_knows_what_the_router_wrote(flags: str) -> None:
    text = ROUTER.format(flags=flags)
    plan = build(scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"))
    assert expected_state(plan).namespaces["r"].sysctls["net/ipv4/ip_forward"][0] == "1"


@pytest.mark.kernel
def test_verify_compares_a_sysctl_written_with_qw(tmp_path: Path) -> None:
    lab = tmp_path / "lab.sh"
    lab.write_text(ROUTER.format(flags="-qw"), encoding="utf-8")
    prefix = "dlxqw1"
    try:
        done = run(imported_file(lab, tmp_path), prefix, tmp_path / "state", tmp_path)
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        assert "1 sysctl" in out, out  # (verify: the kernel holds ... 1 sysctl)
        assert "nothing of the lab remains" in out, out
    finally:
        assert kernel.cleanup_prefix(prefix, "dlx") == []
