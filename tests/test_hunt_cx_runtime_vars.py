"""Hunt CX: a variable set from another whose value a step prints when the lab runs.

xdp-veth-index-pinned-trap.sh (the kernel's selftests/bpf/test_xdp_veth.sh,
tests/fixtures/github-scripts-7) sets ``BPF_FS=$(awk ... /proc/mounts)`` (a step that sets
BPF_FS when the lab runs), then ``BPF_DIR=$BPF_FS/test_$TESTNAME``. That second line set
nothing when the lab ran: each later step (``mkdir $BPF_DIR``, ``bpftool ... pinned
$BPF_DIR/...``, the cleanup's ``rm -rf $BPF_DIR``) ran with $BPF_DIR empty, and the model
said "no step sets $BPF_DIR; unset, it is empty and this deletes from /". The line is a step
that sets BPF_DIR now, after BPF_FS's, as the author's one shell has them.
"""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from iplab.scenario import load_text
from iplab.steps import Raw
from tests.conftest import FIXTURES
from tests.pages import imported

XDP_VETH = FIXTURES / "github-scripts-7" / "xdp-veth-index-pinned-trap.sh"


def test_a_value_made_of_a_runtime_variable_is_set_by_a_step() -> None:
    result, lab = imported(XDP_VETH)
    sets = [(s.op.command, s.op.sets) for s in lab.steps if isinstance(s.op, Raw) and s.op.sets]
    assert ("BPF_DIR=$BPF_FS/test_xdp_veth", ("BPF_DIR",)) in sets, sets
    at = [c for c, _ in sets]
    assert at.index("BPF_DIR=$BPF_FS/test_xdp_veth") > next(
        i for i, c in enumerate(at) if c.startswith("BPF_FS=")
    )
    assert not any("deletes from /" in w for w in result.warnings), result.warnings
    assert not any("$BPF_DIR is set at line 25" in w for w in result.warnings), result.warnings


def test_the_step_changes_nothing_and_a_known_value_stays_evaluated() -> None:
    text = (
        "#!/bin/bash\nNAME=lab\nBASE=$(mktemp -d)\nDIR=$BASE/$NAME\nOTHER=/srv/$NAME\n"
        "ip netns add hq1\nmkdir -p $DIR $OTHER\n"
    )
    result = import_text(text, detect_kind("lab.sh", text), "lab.sh")
    lab = load_text(result.yaml, "lab.yaml")
    raws = [s.op for s in lab.steps if isinstance(s.op, Raw)]
    made = [op for op in raws if op.sets == ("DIR",)]
    assert [op.command for op in made] == ["DIR=$BASE/lab"], raws
    assert made[0].observes
    assert not any(op.sets == ("OTHER",) for op in raws), raws
    assert any(op.command == "mkdir -p $DIR /srv/lab" for op in raws), raws
