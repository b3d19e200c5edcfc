"""Hunt EM #2 (left by hunt EJ): the import summary's "model:" line named the line where a
function is called for a command inside it that the model refused (``setup_ns`` defined
at line 2, its ``ip link set dev eth0 up`` at line 6, called at line 13: "line 13: ip
link set dev eth0 up"), while check's error said "written at lab.sh:6". Now the summary
names the command's own line and the call's ("line 6, called at line 13"), and so do the
earlier line that made the object and the list of steps iplab cannot undo."""

from __future__ import annotations

from iplab.importer.convert import import_text

SCRIPT = """#!/bin/bash
setup_ns() {
    ip netns add ns1
    ip link add v0 type veth peer name v1
    ip link set v1 netns ns1
    ip link set dev eth0 up
}

cleanup() {
    ip netns del ns1
}

setup_ns
"""


def test_the_model_line_names_the_commands_own_line() -> None:
    result = import_text(SCRIPT, "shell", "lab.sh")
    assert result.model_error is not None
    assert "(line 6, called at line 13: ip link set dev eth0 up)" in result.model_error
    assert "model: setup[0].steps[3] (line 6, called at line 13:" in result.summary()


def test_the_earlier_line_that_made_it_too() -> None:
    script = """#!/bin/bash
mk() {
    ip netns add "$1"
}
mk ns1
ip netns add ns1
"""
    result = import_text(script, "shell", "lab.sh")
    assert result.model_error is not None
    assert "(made by line 3, called at line 5: ip netns add" in result.model_error, (
        result.model_error
    )


def test_a_command_at_the_top_level_keeps_its_line() -> None:
    result = import_text("#!/bin/bash\nip netns add ns1\nip netns add ns1\n", "shell", "lab.sh")
    assert result.model_error is not None
    assert "(line 3: ip netns add ns1)" in result.model_error
    assert "(made by line 2: ip netns add ns1;" in result.model_error


def test_a_step_iplab_cannot_undo_is_said_at_its_own_line() -> None:
    script = "#!/bin/bash\nf() {\n  ip netns add ns1\n  modprobe dummy\n}\nf\n"
    result = import_text(script, "shell", "lab.sh")
    assert result.cannot_undo == ("setup[0].steps[1] (line 4, called at line 6): modprobe dummy",)
