"""Hunt DF #3: a script of functions whose calls are commented out says so, though one
of its functions reads its own ``$1``.

``library-of-functions-host-flush.sh`` (after a public namespace-nodes helper) defines
NS_Setup, NS_Destroy and NS_Run, and ends in ``#NS_Setup`` and ``#NS_Destroy``: run, bash
only defines them. ``iplab import`` said "3 commands ... model: OK" and nothing more: the
warning for a function no line calls (hunt CW) was held back because NS_Run reads ``$1``
and ``${@}``, taken for the script's arguments (a script that runs what its argument names
may call any function). Inside a function's body they are its own arguments; now each
uncalled function is said. A ``$1`` or ``"$@"`` outside every function still holds it back.
Called (NS_Setup added at the bottom), the script's flush of the host's FORWARD chain is
refused by the model, and its host changes are listed.
"""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.pages import imported

SCRIPT = FIXTURES / "hunt-df" / "library-of-functions-host-flush.sh"


def test_each_uncalled_function_is_said() -> None:
    result, _lab = imported(SCRIPT)
    said = [w for w in result.warnings if "is defined but no line of the input calls it" in w]
    assert [w.split(":")[1].strip().split("(")[0] for w in said] == [
        "NS_Setup",
        "NS_Destroy",
        "NS_Run",
    ], result.summary()
    assert said[0].startswith("line 10: NS_Setup() is defined"), said[0]


def test_an_argument_the_script_reads_outside_a_function_still_holds_it_back() -> None:
    for bottom in ('"$@"\n', "$1\n", 'case "$1" in\n  up) up ;;\n  down) down ;;\nesac\n'):
        script = "up() {\n  ip netns add a\n}\ndown() {\n  ip netns del a\n}\n" + bottom
        result = import_text(script, "shell", "lab.sh")
        assert "no line of the input calls it" not in result.summary(), (bottom, result.summary())


def test_called_its_host_flush_is_refused_and_its_host_changes_listed() -> None:
    text = SCRIPT.read_text(encoding="utf-8") + "NS_Setup\n"
    result = import_text(text, "shell", "nodes.sh")
    assert result.model_error is not None
    assert "runs iptables -F FORWARD in the root namespace" in result.model_error
    assert "sets the policy of the host's FORWARD chain" in result.summary()
