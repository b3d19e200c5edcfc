"""Hunt DS: the loop that reads a script's arguments by hand (tests/fixtures/scripts-ds/
ds02-argument-loop-new-host.sh, virtopology's newHost.sh: ``while [[ -n $1 ]] ; do case $1
in -f) forwarding="YES"; shift ;; *) pos_arguments+=("$1") ; shift ;; esac; done``),
imported with its arguments (``--arg center --arg -f``), was skipped, "a multi-line shell
construct (while ...) cannot be imported": iplab did not know ``$1`` once the arguments were
shifted away, so the loop's test could not be told. ``name="${pos_arguments[0]}"`` was then
unknown, and ``ip netns add "$name"`` a raw step the model could not follow.

Now ``$N`` past ``$#`` (known: the script's arguments, a function's) is empty, as bash has
it, an unquoted word that expands to nothing is empty in a test (``[[ -n $1 ]]``), and a
test of one word alone (``[[ $1 ]]``) is true when the word is not empty: the loop runs as
bash runs it, and the lab is the one the arguments ask for."""

from __future__ import annotations

import pytest
import yaml

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

DS02 = FIXTURES / "scripts-ds" / "ds02-argument-loop-new-host.sh"

LOOP = """#!/bin/bash
pos=()
while {test} ; do
    case $1 in
        -f) fwd="YES"; shift ;;
        *) pos+=("$1") ; shift ;;
    esac
done
ip netns add "${{pos[0]}}"
[ -n "$fwd" ] && ip netns exec "${{pos[0]}}" sysctl -w net.ipv4.ip_forward=1
"""


def _actions(text: str) -> list[tuple[str, str]]:
    """Each step's action and the name it acts on (``line: ip netns add "red"``: red)."""
    out: list[tuple[str, str]] = []
    for step in yaml.safe_load(text)["setup"]:
        for inner in step.get("steps", [step]):
            said = inner.get("name") or inner.get("line") or inner.get("command", "")
            name = said.split()[-1].strip('"') if "line" in inner else said
            out.append((inner["action"], name))
    return out


@pytest.mark.parametrize(
    "test", ["[[ -n $1 ]]", '[[ -n "$1" ]]', '[ -n "$1" ]', "[[ $1 ]]", '[ "$1" != "" ]']
)
def test_the_argument_loop_runs_as_bash_runs_it(test: str) -> None:
    text = LOOP.format(test=test)
    result = import_text(text, "shell", "lab.sh", arguments=["red", "-f"])
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    assert ("netns add", "red") in _actions(result.yaml), result.yaml
    assert result.model_error is None


def test_without_arguments_the_loop_is_not_guessed() -> None:
    result = import_text(LOOP.format(test="[[ -n $1 ]]"), "shell", "lab.sh")
    assert ("netns add", "red") not in _actions(result.yaml)


def test_past_the_last_argument_is_empty() -> None:
    text = '#!/bin/bash\nip netns add "$1"\n[ -z "$2" ] && ip netns add "$1-b"\n'
    result = import_text(text, "shell", "lab.sh", arguments=["red"])
    assert ("netns add", "red-b") in _actions(result.yaml), result.yaml


def test_virtopology_s_new_host_makes_the_host_it_is_asked_for() -> None:
    result = import_text(DS02.read_text(), "shell", DS02.name, arguments=["center", "-f"])
    assert not any("cannot be imported" in w for w in result.warnings), result.warnings
    actions = _actions(result.yaml)
    # (the script's usage() definition is no step: hunt DT's one-line functions)
    assert actions[:2] == [("netns add", "center"), ("link set", "")], actions
    assert result.model_error is None
