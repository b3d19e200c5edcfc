"""Hunt DK #4 (hunt DG's leftover): a lab script's ``case "$1" in up) ...;; down) ...;;
esac`` is read as its setup (the up branch) and its teardown (the down branch), whatever
word import is given; but each branch was read with ``$1`` as given, so ``iplab import
lab.sh --arg up --arg red`` read the down branch's ``ip netns add "$2-$1"`` as
``red-up``, and ``--arg down`` read the up branch's as ``red-down`` (the model then
refused the teardown: a name made twice, one deleted that was never made). Now a branch
is read as the script run with its word reads it: ``$1`` holds ``up`` in ``up)`` and
``down`` in ``down)`` (``$cmd`` too after ``cmd=$1``); after the case, ``$1`` is as
given."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.plan import build


def _commands(text: str, *given: str) -> tuple[list[str], list[str]]:
    result = import_text(text, "shell", "lab.sh", arguments=list(given))
    assert result.model_error is None, result.summary()
    plan = build(scenario.load_text(result.yaml, "lab.yaml"))
    return (
        [pc.command.text for pc in plan.setup],
        [pc.command.text for pc in plan.teardown],
    )


CASE = (
    "#!/bin/bash\n"
    'case "$1" in\n'
    "  up)\n"
    '    ip netns add "$2-$1"\n'
    "    ;;\n"
    "  down)\n"
    '    ip netns del "$2-up"\n'
    '    echo "$1 done" > "/tmp/$2-$1.log"\n'
    "    ;;\n"
    "esac\n"
    'ip netns add "$2-$1-after"\n'
)


@pytest.mark.parametrize("given", ["up", "down"])
def test_each_branch_reads_dollar_one_as_its_word(given: str) -> None:
    setup, teardown = _commands(CASE, given, "red")
    assert setup == ['ip netns add "red-up"']
    assert teardown[0] == 'ip netns del "red-up"'
    assert teardown[1] == 'echo "down done" > "/tmp/red-down.log"'
    # (the line after the case is read after the down branch: $1 is as given again)
    assert teardown[2] == f'ip netns add "red-{given}-after"'


def test_a_variable_set_from_the_argument_and_a_down_branch_written_first() -> None:
    """``cmd=$1; case $cmd in clean) ...;; create) ...`` (the down branch first: the case,
    as written, is the setup, its down branch read after it)."""
    text = (
        "#!/bin/bash\n"
        "cmd=$1\n"
        "case $cmd in\n"
        "  clean) ip netns del lab-$cmd-x ; ip netns del lab-$1-y ;;\n"
        "  create) ip netns add lab-clean-x ; ip netns add lab-clean-y ; ip netns add lab-$cmd ;;\n"
        "esac\n"
    )
    setup, teardown = _commands(text, "create")
    assert setup[-1] == "ip netns add lab-create"
    assert teardown[:2] == ["ip netns del lab-clean-x", "ip netns del lab-clean-y"]


@pytest.mark.parametrize("given", ["build", "clean"])
def test_an_if_on_the_argument_reads_each_branch_with_its_word(given: str) -> None:
    """The same of a lab script's up and down written as an if (``if [ "$1" = build ];
    then ... elif [ "$1" = clean ]; then ...``), and with its down test first."""
    text = (
        "#!/bin/bash\n"
        'if [ "$1" = build ]; then\n'
        '  ip netns add "$2-$1"\n'
        'elif [ "$1" = clean ]; then\n'
        '  ip netns del "$2-build"\n'
        '  echo "$1 done" > "/tmp/$2-$1.log"\n'
        "fi\n"
    )
    setup, teardown = _commands(text, given, "red")
    assert setup == ['ip netns add "red-build"']
    assert teardown == ['ip netns del "red-build"', 'echo "clean done" > "/tmp/red-clean.log"']
    first = (
        "#!/bin/bash\n"
        'if [[ "$1" == "clean" ]]; then\n'
        '  ip netns del "$2-build"\n'
        '  echo "$1 done" > "/tmp/$2-$1.log"\n'
        'elif [[ "$1" == "build" ]]; then\n'
        '  ip netns add "$2-$1"\n'
        "fi\n"
    )
    setup, teardown = _commands(first, given, "red")
    assert setup == ['ip netns add "red-build"']
    assert teardown == ['ip netns del "red-build"', 'echo "clean done" > "/tmp/red-clean.log"']
