"""Hunt DY: a lab script written with "ensure" functions and subcommands
(tests/fixtures/scripts-dy/dy03-subcommands-flags-ensure-functions.sh, read as run with
``create``) made nothing iplab could run: its namespace, veth and addresses were raw steps
naming ``$NS_NAME``, "set from something iplab cannot evaluate". Each cause, as people write
it:

- ``ACTION=$1; shift || true`` before ``while [[ $# -gt 0 ]]; do case "$1" in ...``: the
  shift was a raw step, so iplab no longer knew ``$#``, skipped the option loop ("a nested
  while is skipped") and forgot every default it may set;
- ``if link_exists "$HOST_IF"; then log ...; else ip link add ...; fi``: a check function
  called with an argument was "a condition iplab cannot evaluate" (with none it was read);
- the same ``if CHECK; then say; else make; fi`` in a function's body: "a nested if is
  skipped";
- ``if link_exists "$NS_IF"; then ip link set "$NS_IF" netns "$NS"; else err ...; exit 1;
  fi``: one branch only says something and stops; bash, in a run that works, takes the other;
- ``command -v "$1" >/dev/null 2>&1 || { err "Missing dependency: $1"; exit 127; }`` with
  ``err() { echo ... >&2; }``: a raw step calling a function the step's shell lacks.

Now each is read as bash runs it."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.test_importer import rendered_lines

DY03 = FIXTURES / "scripts-dy" / "dy03-subcommands-flags-ensure-functions.sh"


def _typed(text: str, arguments: list[str] | None = None) -> list[str]:
    result = import_text(text, "shell", "lab.sh", arguments=arguments)
    assert result.model_error is None, result.model_error
    return [line for line in rendered_lines(result) if not line.endswith(("{", "}"))]


def test_shift_or_true_keeps_the_arguments_known() -> None:
    text = (
        "#!/bin/bash\nNS=red\nparse() {\n  ACTION=$1; shift || true\n"
        '  while [[ $# -gt 0 ]]; do\n    case "$1" in\n      -n) NS=$2; shift 2 ;;\n'
        '    esac\n  done\n}\nparse "$@"\nip netns add $NS\n'
    )
    assert _typed(text, ["create"])[-1] == "ip netns add red"
    assert _typed(text, ["create", "-n", "blue"])[-1] == "ip netns add blue"


def test_a_check_function_called_with_an_argument_is_read() -> None:
    text = (
        '#!/bin/bash\nlink_exists() { ip link show "$1" >/dev/null 2>&1; }\n'
        'if link_exists v0; then\n  echo "exists"\nelse\n'
        "  ip link add v0 type veth peer name v1\nfi\n"
    )
    result = import_text(text, "shell", "lab.sh")
    assert not any("cannot evaluate" in w for w in result.warnings), result.warnings
    assert not any("no line of the input calls it" in w for w in result.warnings)
    assert rendered_lines(result)[-1] == "ip link add v0 type veth peer name v1"


def test_if_says_else_makes_in_a_function_is_read() -> None:
    text = (
        '#!/bin/bash\nNS=red\nlog() { echo "[x] $*"; }\n'
        'ns_exists() { ip netns list | grep -Fxq "$NS"; }\n'
        'ensure_ns() {\n  if ns_exists; then\n    log "exists"\n  else\n'
        '    log "creating"\n    ip netns add "$NS"\n  fi\n}\nensure_ns\n'
    )
    result = import_text(text, "shell", "lab.sh")
    assert not any("nested if" in w for w in result.warnings), result.warnings
    assert "ip netns add red" in rendered_lines(result)


def test_the_branch_that_does_not_stop_is_read() -> None:
    text = (
        "#!/bin/bash\nip netns add red\nip link add v0 type veth peer name v1\n"
        'err() { echo "error: $*" >&2; }\n'
        'link_exists() { ip link show "$1" >/dev/null 2>&1; }\n'
        "if link_exists v1; then\n  ip link set v1 netns red\nelse\n"
        '  err "v1 not found"\n  exit 1\nfi\n'
    )
    result = import_text(text, "shell", "lab.sh")
    assert not any("cannot evaluate" in w for w in result.warnings), result.warnings
    assert rendered_lines(result)[-1] == "ip link set v1 netns red"


def test_a_missing_tool_check_with_a_saying_function_is_the_author_s() -> None:
    text = (
        '#!/bin/bash\nerr() { echo "error: $*" >&2; }\n'
        'need_cmd() {\n  command -v "$1" >/dev/null 2>&1 || { err "Missing: $1"; exit 127; }\n}\n'
        "need_cmd ip\nip netns add red\n"
    )
    result = import_text(text, "shell", "lab.sh")
    assert result.cannot_undo == (), result.cannot_undo
    assert any("a check of the author's" in w for w in result.warnings), result.warnings


def test_the_limen_script_run_with_create_makes_its_lab() -> None:
    result = import_text(
        DY03.read_text(encoding="utf-8"),
        "shell",
        DY03.name,
        base=DY03.parent,
        arguments=["create"],
    )
    assert result.model_error is None, result.model_error
    assert result.cannot_undo == (), result.cannot_undo
    assert [line for line in rendered_lines(result) if line.startswith("ip ")] == [
        "ip netns add limen-test",
        "ip -n limen-test link set lo up",
        "ip link add limen0 type veth peer name limen1",
        "ip link set limen1 netns limen-test",
        "ip link set limen0 mtu 1500 up",
        "ip -n limen-test link set limen1 mtu 1500 up",
        "ip addr add 10.200.1.1/24 dev limen0",
        "ip -n limen-test addr add 10.200.1.2/24 dev limen1",
    ]
