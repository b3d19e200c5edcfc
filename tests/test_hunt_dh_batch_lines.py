"""Hunt DH #1: a batch file written line after line, with no loop (``echo "netns add a" >>
/tmp/b.txt``, ``echo ... >> /tmp/b.txt``, then ``ip -batch /tmp/b.txt``: iproute2's own
testsuite writes its batches so, tests/fixtures/hunt-dh/set_nsid_batch.t).

Before, the batch was understood only when the file was first emptied (``rm -f F``,
``: > F``, ``echo ... > F``, a here-document): with ``>>`` from the start, ``rm -f A B``
clearing two files in one line, or ``printf "LINE\\nLINE\\n" >> F``, ``ip -batch F`` stayed
a raw step that ``check`` refused ("F does not exist now"), which --prefix could not rename
and ``down`` could not undo. Now an append to a file no earlier command named starts it (and
import says that iplab takes it as new), ``rm -f A B`` empties each, and a printf of words
and newlines alone writes its lines; the batch's lines are the lab's typed steps, as with a
loop (tests/test_hunt_co_loops.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.importer import reader
from iplab.plan import build
from iplab.steps import LinkAdd, NetnsAdd, Raw
from tests.conftest import FIXTURES
from tests.kernel import SKIP
from tests.pages import imported, ran_clean

TESTSUITE = FIXTURES / "hunt-dh" / "set_nsid_batch.t"


def _ops(text: str, tmp_path: Path) -> tuple[list[str], list[object], list[str]]:
    page = tmp_path / "lab.sh"
    page.write_text("#!/bin/bash\n" + text)
    result, lab = imported(page)
    plan = build(lab)
    return (
        [pc.command.text for pc in plan.commands],
        [pc.command.op for pc in plan.commands],
        list(result.warnings),
    )


def test_the_testsuite_s_appends_are_its_batch(tmp_path: Path) -> None:
    """The testsuite's lines, its file at a path iplab can know (its ``mktemp`` and its
    ``ts_ip`` wrapper are the testsuite's: named here, nothing else changed)."""
    text = TESTSUITE.read_text(encoding="utf-8")
    for was, now in [
        ("BATCHFILE=`mktemp`", "BATCHFILE=/tmp/dhx-nsid.batch"),
        ('ts_ip "$0" "Add ns, set nsid and list in batch mode" -b', "ip -b"),
    ]:
        assert was in text
        text = text.replace(was, now)
    body = text.split("test_on", 1)[0].split("NS=testnsid", 1)[1]
    texts, ops, warnings = _ops("NS=testnsid" + body, tmp_path)
    assert "ip netns add testnsid" in texts
    assert not any(isinstance(op, Raw) and "-b " in t for t, op in zip(texts, ops, strict=True))
    assert any("takes /tmp/dhx-nsid.batch as new" in w for w in warnings), warnings


def test_appends_from_the_start_are_the_batch(tmp_path: Path) -> None:
    texts, ops, warnings = _ops(
        'echo "netns add a" >> /tmp/b.txt\necho "netns add b" >> /tmp/b.txt\n'
        'echo "link add va type veth peer name vb" >> /tmp/b.txt\nip -batch /tmp/b.txt\n',
        tmp_path,
    )
    assert [t for t in texts if t.startswith("ip ")] == [
        "ip netns add a",
        "ip netns add b",
        "ip link add va type veth peer name vb",
    ]
    assert sum(isinstance(op, NetnsAdd) for op in ops) == 2
    assert sum(isinstance(op, LinkAdd) for op in ops) == 1
    said = [w for w in warnings if "-batch /tmp/b.txt" in w]
    assert said and said[0].startswith("line 5: ") and "never empties first" in said[0]


def test_two_files_written_in_turn_after_one_rm(tmp_path: Path) -> None:
    texts, _, warnings = _ops(
        "rm -f /tmp/b.txt /tmp/c.txt\n"
        'echo "netns add a" >> /tmp/b.txt\necho "netns add x" >> /tmp/c.txt\n'
        'echo "netns add b" >> /tmp/b.txt\necho "netns add y" >> /tmp/c.txt\n'
        "ip -b /tmp/b.txt\nip -force -batch /tmp/c.txt\n",
        tmp_path,
    )
    assert [t for t in texts if t.startswith("ip ")] == [
        "ip netns add a",
        "ip netns add b",
        "ip netns add x",
        "ip netns add y",
    ]
    assert not [w for w in warnings if "never empties" in w]  # (rm -f emptied both)


def test_printf_lines_and_a_here_document_then_appends(tmp_path: Path) -> None:
    texts, _, _ = _ops(
        "cat > /tmp/b.txt <<EOF\nnetns add a\nEOF\n"
        'printf "netns add b\\nnetns add c\\n" >> /tmp/b.txt\n'
        "printf '%s\\n' 'netns add d' >> /tmp/b.txt\n"
        'echo "netns add e" >> /tmp/b.txt\nip -batch /tmp/b.txt\n',
        tmp_path,
    )
    assert [t for t in texts if t.startswith("ip ")] == [f"ip netns add {n}" for n in "abcde"]


@pytest.mark.parametrize(
    "before",
    [
        "cp /etc/lab-base.batch /tmp/b.txt\n",  # (what it holds is not known)
        "sed -i 1d /tmp/*.txt\n",  # (a glob that names it)
        'echo "netns add $(hostname)" >> /tmp/b.txt\n',  # (a line not known)
    ],
)
def test_a_file_named_before_is_not_taken_as_new(before: str, tmp_path: Path) -> None:
    page = tmp_path / "lab.sh"
    page.write_text(
        f'#!/bin/bash\n{before}echo "netns add a" >> /tmp/b.txt\nip -batch /tmp/b.txt\n'
    )
    result, _ = imported(page)
    assert "command: ip -batch /tmp/b.txt\n" in result.yaml
    assert "name: a\n" not in result.yaml


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('printf "netns add a\\n" > f', ("f", False, ["netns add a"])),
        ("printf 'a\\nb\\n' >> f", ("f", True, ["a", "b"])),
        (
            "printf '%s\\n' 'netns add a' 'netns add b' >> f",
            ("f", True, ["netns add a", "netns add b"]),
        ),
        ("printf 'netns add a' >> f", None),  # (no newline: the next write ends the line)
        ("printf '%s %s\\n' a b >> f", None),
        ("printf 'a\\tb\\n' >> f", None),
        ("printf 'netns add $NS\\n' >> f", None),
    ],
)
def test_lines_printf_writes(text: str, written: tuple[str, bool, list[str]] | None) -> None:
    assert reader._line_written(text) == written


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("rm -f a b", ["a", "b"]),
        ("sudo rm -rf /tmp/x.batch", ["/tmp/x.batch"]),
        ("rm -f *.batch", None),
        ("rm -f $F", None),
        ("rm a", None),
    ],
)
def test_files_rm_empties(text: str, paths: list[str] | None) -> None:
    assert reader._removed_files(text) == paths


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=SKIP or "")
def test_the_straight_line_batch_runs_renamed_and_leaves_nothing(
    prefix: str, tmp_path: Path
) -> None:
    page = tmp_path / "page.sh"
    page.write_text(
        "#!/bin/bash\n"
        'echo "netns add red" >> lab.batch\necho "netns add blue" >> lab.batch\n'
        'echo "link add vr type veth peer name vb" >> lab.batch\n'
        'printf "link set vr netns red\\nlink set vb netns blue\\n" >> lab.batch\n'
        "ip -batch lab.batch\nip -n red addr add 10.77.0.1/24 dev vr\n"
    )
    state = tmp_path / "state"
    done = ran_clean(page, prefix, state, tmp_path)
    assert f"ip netns add {prefix}red" in done.stdout
    assert f"ip link set {prefix}vb netns {prefix}blue" in done.stdout
    assert "verify: the kernel holds what the scenario promised (2 namespaces" in done.stdout
    assert not (tmp_path / "lab.batch").exists()
