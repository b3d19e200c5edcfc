"""Hunt BP: what hunt BO left where the printed script and ``iplab up`` disagreed.

tutorials/27-functions-and-a-pause: ``iplab up`` left the lab up; bash running the setup
printed alone (``iplab render --setup --format script``) ended at ``read -p "Press enter
to clean up"`` (its input had ended: read says 1, and ``set -e`` stops) and the page's
``trap cleanup EXIT`` then deleted everything (``bash -x`` showed ``ip link del br-lab``
last). Piped to bash, read took the script's next line as the reader's answer. Now the
pause runs on (``</dev/null || true``), as iplab's run does, and the setup printed alone
ends with ``trap - EXIT``: the lab stays up, as after ``iplab up``; a line that fails
before still runs the handler, as ``iplab up`` rolls back.

hunt-bp/main-calls-a-trap (``main() { trap cleanup EXIT; ...; }`` and ``main "$@"`` at
the bottom, a main with no ``case "$1"``): bash built the lab; ``iplab up`` refused it
("this host does not have main (man mistyped?), which `main "$@"` runs": a raw step). Now
the script is read run without arguments, as for ``exec "$@"``: main is called with none,
and a trap it sets is the teardown, as one on a line of its own (it was a raw step iplab
"cannot undo").

famous/hunt-t-03-lwn-namespaces ('connect: Network is unreachable' from a ping the page
stops with Ctrl-C): hunt BO's own ``|| true`` (a Ctrl-C step the page lets fail) made the
two agree; held here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.importer.convert import import_text
from iplab.plan import build
from tests.conftest import FIXTURES, REPO
from tests.kernel import SKIP
from tests.pages import imported_file
from tests.test_hunt_bo_pages import both_ways, differences

PAUSE = FIXTURES / "tutorials" / "27-functions-and-a-pause.sh"
LWN = FIXTURES / "famous" / "hunt-t-03-lwn-namespaces.txt"
MAIN = FIXTURES / "hunt-bp" / "main-calls-a-trap.sh"
STAGES = FIXTURES / "hunt-bp" / "pauses-and-a-trap-of-commands.sh"


def _setup_script(page: Path, where: Path) -> str:
    lab = imported_file(page, where)
    return subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab), "--setup", "--format", "script"],
        capture_output=True, text=True, cwd=REPO, check=True,
    ).stdout  # fmt: skip


@pytest.mark.parametrize("stdin", ["pipe", "empty"])
def test_the_setup_printed_alone_ends_with_the_lab_up_past_the_pause(
    tmp_path: Path, stdin: str
) -> None:
    """The tail of 27's printed setup (the pause, then its end), after a trap like the
    page's: bash goes on past the pause and its end leaves the trap's handler unrun."""
    script = _setup_script(PAUSE, tmp_path).splitlines()
    at = next(i for i, line in enumerate(script) if line.startswith("read -p"))
    tail = "\n".join(["set -eo pipefail", "trap 'echo cleaned up' EXIT", *script[at:], "echo on"])
    piped = stdin == "pipe"  # `iplab render ... | sudo bash`: the script is bash's input
    ran = subprocess.run(
        ["bash"] if piped else ["bash", "-c", tail],
        input=tail + "\n" if piped else "",
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    assert ran.stdout == "on\n", (tail, ran)


def test_a_full_script_keeps_the_trap_armed(tmp_path: Path) -> None:
    """Setup and teardown printed together: no ``trap - EXIT`` (bash runs the handler at the
    end, as ``iplab run`` runs the teardown after the setup)."""
    lab = tmp_path / "lab.yaml"
    subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(PAUSE), "-o", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=True,
    )  # fmt: skip
    full = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(lab), "--format", "script"],
        capture_output=True, text=True, cwd=REPO, check=True,
    ).stdout  # fmt: skip
    assert "trap cleanup EXIT" in full.splitlines()
    assert not any(line.startswith("trap - EXIT") for line in full.splitlines())


@pytest.mark.parametrize(
    ("line", "exits"),
    [
        ("trap cleanup EXIT", True),
        ("trap 'ip netns del a' 0 INT", True),
        ('trap "cleanup" SIGEXIT', True),
        ("trap cleanup INT TERM", False),
        ("trap - EXIT", False),
        ("trap 'unbalanced EXIT", False),
        ("echo trap cleanup EXIT", False),
    ],
)
def test_which_lines_set_a_trap_on_exit(line: str, exits: bool) -> None:
    assert export._sets_an_exit_trap(line) is exits


def test_main_of_all_arguments_is_main_called_with_none(tmp_path: Path) -> None:
    result = import_text(MAIN.read_text(), "shell", str(MAIN))
    said = result.summary()
    assert "model: OK" in said and "main is called with none" in said, said
    assert "cannot undo" not in said and "raw" not in said.split("warnings")[1], said
    lab = scenario.load_text(result.yaml, "lab.yaml")
    texts = [pc.command.text for pc in build(lab).setup]
    assert "ip netns add red" in texts and "trap cleanup EXIT" not in texts, texts
    assert [pc.command.text for pc in build(lab).teardown] == [
        "ip netns del red",
        "ip netns del blue",
    ]


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
@pytest.mark.parametrize("page", [PAUSE, LWN, MAIN, STAGES], ids=lambda p: p.stem)
def test_the_printed_setup_leaves_what_iplab_up_leaves(tmp_path: Path, page: Path) -> None:
    """Each way in namespaces of its own (tests.test_hunt_bo_pages.both_ways)."""
    iplab_held, bash_held, _ = both_ways(page, tmp_path)
    assert differences(iplab_held, bash_held) == []
    assert len(iplab_held) > 2, iplab_held  # the page's namespaces, not only the root one
