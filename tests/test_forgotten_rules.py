"""A rehearsal whose tutorial's cleanup forgets a host rule (hunt E): ``iplab run`` said
"nothing of the lab remains" while ``iptables -t nat -S`` still showed the rule."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iplab.forgotten import forgotten
from iplab.inverse import Guard
from iplab.journal import Entry, UndoRecord
from iplab.steps import Raw
from tests.conftest import REPO
from tests.kernel import apart, iplab

CONTAINERS = REPO / "tests" / "fixtures" / "containers"


def _entry(seq: int, phase: str, text: str, undo: str | None = None) -> Entry:
    records = (UndoRecord(Raw(command=undo), Guard("always")),) if undo else ()
    return Entry(
        seq, "r", seq, phase, text, tuple(text.split()), records, Raw(command=text), "done"
    )


def test_the_rules_the_teardown_did_not_delete_are_forgotten() -> None:
    """Hunt E: of three rules the setup added, the cleanup deleted two (one written ``!``,
    the undo ``'!'``): the third is the one left."""
    masq = "iptables -t nat -A POSTROUTING -s 172.30.0.0/24 ! -o br-lab -j MASQUERADE"
    pre = "iptables -t nat -A PREROUTING -p tcp --dport 8000 -j DNAT --to-destination 1.2.3.4:80"
    out = "iptables -t nat -A OUTPUT -p tcp --dport 8000 -j DNAT --to-destination 1.2.3.4:80"
    entries = [
        _entry(1, "setup", masq, masq.replace("-A", "-D").replace(" ! ", " '!' ")),
        _entry(2, "setup", pre, pre.replace("-A", "-D")),
        _entry(3, "setup", out, out.replace("-A", "-D")),
        _entry(4, "setup", "sysctl -w net.ipv4.ip_forward=1", "sysctl -w net.ipv4.ip_forward=0"),
        _entry(5, "teardown", pre.replace("-A", "-D")),
        _entry(6, "teardown", masq.replace("-A", "-D")),
    ]
    assert [(e.number, r.op) for e, r in forgotten(entries)] == [
        (3, Raw(command=out.replace("-A", "-D")))
    ]


@pytest.mark.kernel
def test_run_undoes_the_rule_the_tutorials_cleanup_forgot(tmp_path: Path, state_dir: Path) -> None:
    """Hunt E: 03-bridge-nat-portfwd.md's cleanup forgets its OUTPUT DNAT rule (the page
    says so); ``iplab run`` said nothing of the lab remained and left the rule. In a
    network namespace of the test's own (iplab takes it for the host), the run now undoes
    it from the journal and says so; the host's nat table ends as it began."""
    lab = tmp_path / "lab.yaml"
    made = iplab("import", str(CONTAINERS / "03-bridge-nat-portfwd.md"), "-o", str(lab),
                 state=state_dir)  # fmt: skip
    assert lab.exists(), made.stderr
    inner = textwrap.dedent(f"""\
        iptables -t nat -S >/dev/null || exit 98
        ip link set lo up
        {sys.executable} -m iplab run {lab} --state-dir {tmp_path / "state2"}
        echo "rc=$?"
        iptables -t nat -S
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no iptables here")
    said = result.stdout + result.stderr
    assert "rc=0" in result.stdout, said
    assert "DNAT" not in result.stdout.split("rc=0", 1)[1], said
    assert (
        "== the tutorial's cleanup left a rule of the host: `iptables -t nat -A OUTPUT -p tcp"
        " -d 172.30.0.1 --dport 8000 -j DNAT --to-destination 172.30.0.2:8080` (step 22):"
        " undone from the journal\n== nothing of the lab remains" in result.stdout
    ), said
