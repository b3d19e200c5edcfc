"""Hunt BM #2: a quoted script over lines (``ip netns exec $R bash -c "`` then its lines,
then ``"``) in a function or a loop, with a variable the input does not set: ``iplab
import`` stopped with 'iplab: error: template raw.j2 must render exactly one line' (exit 2,
no scenario); at the top of a script the same command imported. Now it is one raw step of
one line, which bash reads as the lines written (each newline in quotes ``$'\\n'``), and
the script prints as written."""

from __future__ import annotations

import subprocess

from iplab.plan import build
from iplab.steps import Raw
from tests.conftest import REPO
from tests.pages import imported

PAGE = REPO / "tests" / "fixtures" / "byte-for-byte" / "router-from-env.sh"


def _words(command: str) -> list[str]:
    """The words bash makes of ``command`` (R set), as a run's shell reads it."""
    said = subprocess.run(
        ["bash", "-c", f'R=r1; set -- {command}; printf "%s\\0" "$@"'],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return said.stdout.split("\0")[:-1]


def test_a_quoted_script_over_lines_in_a_function_or_a_loop_imports() -> None:
    result, sc = imported(PAGE)
    source = PAGE.read_text(encoding="utf-8").splitlines()
    printed = "".join(f"{line}\n" for line in result.lines).splitlines()
    assert printed == [line for line in source if line and not line.startswith("#")]
    plan = build(sc, lenient=True)
    raws = [op.command for pc in plan.commands if isinstance(op := pc.command.op, Raw)]
    raws = [command for command in raws if command != "true"]  # (the function defined)
    assert len(raws) == 2
    written = [
        'ip netns exec $R bash -c "\n        ip addr add 192.168.1.1/24 dev r-h1\n'
        "        ip link set r-h1 up\n        sysctl -w net.ipv4.ip_forward=1 >/dev/null\n"
        '    "',
        "ip netns exec $R sh -c 'ip link set lo up\n        ip route show'",
    ]
    for command, as_written in zip(raws, written, strict=True):
        assert "\n" not in command
        assert _words(command) == _words(as_written)
