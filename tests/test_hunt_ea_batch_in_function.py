"""Hunt EA #2: a loop written to a file inside a function of the script, then ``ip -batch
FILE`` in the same function (hunt DV read the pair at the script's top level only; no
stored script has the shape, so the text is hunt DV's own, moved into ``setup() { ...; }``).

The loop was a raw step of unknown effect ("cannot resolve $(seq 1 3)"), the file never
written as far as the model knew, and the batch a raw step it could not judge (the model
refused the lab: "/tmp/up.batch does not exist now"). Now the loop in a function is one step
writing the file's lines, and the batch the ip commands they are, as at the top level."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.steps import LinkAdd, Raw

TEXT = (
    "#!/bin/bash\n"
    "ip netns add x\n"
    "setup() {\n"
    '  for i in $(seq 1 $1); do echo "link add v$i type dummy"; done > /tmp/up.batch\n'
    "  ip -n x -batch /tmp/up.batch\n"
    "}\n"
    "setup 3\n"
)


def test_a_loop_written_to_a_batch_file_in_a_function_is_read_as_its_steps() -> None:
    result = import_text(TEXT, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    ops = [s.op for s in scenario.load_text(result.yaml, "lab.yaml").steps]
    assert [op.name for op in ops if isinstance(op, LinkAdd)] == ["v1", "v2", "v3"]
    assert [op.command for op in ops if isinstance(op, Raw)] == [
        "printf '%s\\n' 'link add v1 type dummy' 'link add v2 type dummy'"
        " 'link add v3 type dummy' > /tmp/up.batch"
    ]
    assert not any("cannot resolve" in w for w in result.warnings), result.warnings


def test_a_loop_whose_lines_are_known_only_when_it_runs_is_said_in_a_function_too() -> None:
    result = import_text(TEXT.replace("seq 1 $1", "seq 1 $N"), "shell", "lab.sh")
    assert any("known only when it runs" in w for w in result.warnings), result.warnings
