"""A host replayed from a real capture, behind iplab's :class:`~iplab.runner.FakeExecutor`.

``tests/fixtures/session/blog-iptc13.json`` holds a real run of the blog's lab under
the prefix ``iptc13`` (``tests/fixtures/capture_session.py``): after each command, what
iplab's read script printed; each command's own output; and how each change really
fails. :class:`FakeHost` answers exactly the commands a run of that lab makes, in the
order the capture made them (as invoke's MockContext: argv -> canned result, and an
AssertionError for anything it was not prepared for, a command out of order included):

* the read script (``--root``, or ``--root`` and the lab's two namespaces) prints the
  capture of the state the host is in;
* a change of the plan moves the host to the state captured after it; ``fail_at=N``
  makes command N fail as it really failed (its state unchanged);
* ``ip -batch -`` takes the plan's lines in order (a failing line ends it, with
  iproute2's ``Command failed -:N``, whose form the capture holds);
* ``tc -j qdisc show`` (in each namespace) answers as captured after the setup;
* ``ip -force -batch -`` (the undo) must delete every object of the prefix the host
  holds; then the host is as before the lab.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from iplab import iproute
from iplab.runner import Answer, FakeExecutor, Runner

CAPTURE = Path(__file__).resolve().parent / "fixtures" / "session" / "blog-iptc13.json"
SESSION: dict[str, Any] = json.loads(CAPTURE.read_text())
PREFIX: str = SESSION["prefix"]
NAMESPACES: list[str] = SESSION["namespaces"]
COMMANDS: dict[int, dict[str, Any]] = {c["number"]: c for c in SESSION["commands"]}
#: the numbers of the commands that change the host (those with a captured failure)
CHANGES: list[int] = sorted(int(n) for n in SESSION["failures"])
#: the changes of the setup (the blog's first 18 commands; 19 to 23 are its own teardown,
#: which tests/test_session.py checks against the plan)
SETUP_CHANGES: list[int] = [n for n in CHANGES if n <= 18]


def _inverses() -> dict[str, int]:
    """The inverse commands of the plan's changes (``down --exact`` runs them one by one),
    by argv: the number of the change each undoes."""
    from iplab import scenario
    from iplab.plan import build
    from iplab.render import renderer

    plan = build(scenario.load("container-networking-part2"), prefix=PREFIX)
    render = renderer(())
    return {
        shlex.join(render.command(u.undo.op, False).argv): pc.command.number
        for pc in plan.commands
        for u in pc.undo
    }


INVERSES = _inverses()


def read_argv(*args: str) -> list[str]:
    return iproute._script(iproute._READ_SCRIPT, list(args))


def sections(text: str) -> dict[str, Any]:
    """The JSON of a captured read: {"netns": [...], "root": [...]}."""
    out: dict[str, Any] = {}
    for kind, _name, body in iproute.split_sections(text):
        if kind in ("netns", "root"):
            out[kind] = json.loads(body)
    return out


class FakeHost:
    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        #: the number of the last change the host holds (0: the host before the lab)
        self.at = 0
        #: what changed the host, in order (each line of a batch on its own)
        self.changes: list[str] = []
        self.undo_lines: list[str] = []
        #: the change whose inverses ``down --exact`` is running
        self.undoing = 0
        #: reads after an undo that still see the lab (the kernel lets go of links late)
        self.linger = 0
        self._lingering: tuple[int, int] | None = None  # (reads left, the state they see)
        #: called with a command's number just before it answers (to send a signal...)
        self.before: Callable[[int], None] | None = None
        responses: dict[str, Answer] = {
            shlex.join(read_argv("--root")): lambda a, s: self._read("root"),
            shlex.join(read_argv("--root", *NAMESPACES)): lambda a, s: self._read("lab"),
            "ip -batch -": self._batch,
            "ip -force -batch -": self._undo,
        }
        for command in COMMANDS.values():
            responses[shlex.join(command["argv"])] = self._command
        for seen in SESSION["extra"]:
            responses[shlex.join(seen["argv"])] = self._extra
        responses[shlex.join(read_argv("--root", "--all"))] = self._read_all
        for key in INVERSES:  # (`ip link set X up` is a change and an inverse: by order)
            responses[key] = self._inverse if key not in responses else self._either
        # without root, the runner asks sudo (the same answers, `sudo -n` in front)
        for key in list(responses):
            responses[f"sudo -n {key}"] = self._sudo(responses[key])
        responses["sudo -n true"] = (0, "", "")
        self.executor = FakeExecutor(responses)

    def runner(self) -> Runner:
        return Runner(self.executor, is_root=True)

    @staticmethod
    def _sudo(answer: Answer) -> Answer:
        if not callable(answer):
            return answer
        return lambda argv, stdin: answer(list(argv)[2:], stdin)

    # -- the state ---------------------------------------------------------------------------

    def capture(self, which: str = "lab", at: int | None = None) -> str:
        at = self.at if at is None else at
        return str(SESSION["before"][which] if at == 0 else COMMANDS[at]["after"][which])

    def _read(self, which: str) -> tuple[int, str, str]:
        if self._lingering is not None:
            left, seen = self._lingering
            self._lingering = (left - 1, seen) if left > 1 else None
            return 0, self.capture(which, seen), ""
        return 0, self.capture(which), ""

    def _read_all(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        """Every namespace: on the captured host (a mount namespace of its own), the lab's."""
        if self.ours()[0] != set(NAMESPACES):
            raise AssertionError("FakeHost: --all is only captured with the whole lab up")
        return self._read("lab")

    def _extra(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        for seen in SESSION["extra"]:
            if seen["argv"] == list(argv) and seen["after"] == self.at:
                return int(seen["rc"]), str(seen["stdout"]), str(seen["stderr"])
        raise AssertionError(f"FakeHost: {shlex.join(argv)} not captured at {self.at}")

    def ours(self) -> tuple[set[str], set[str]]:
        """(namespaces, root links) of the prefix the host holds now."""
        now = sections(self.capture("root"))
        netns = {n["name"] for n in now["netns"] if n["name"].startswith(PREFIX)}
        links = {x["ifname"] for x in now["root"] if x["ifname"].startswith(PREFIX)}
        return netns, links

    # -- changes -----------------------------------------------------------------------------

    def _next(self) -> int:
        return min((n for n in CHANGES if n > self.at), default=0)

    def _number_of(self, argv: Sequence[str]) -> int:
        """The plan's command with this argv that comes next (observe commands repeat)."""
        numbers = [n for n, c in COMMANDS.items() if c["argv"] == list(argv) and n > self.at]
        if not numbers:
            raise AssertionError(f"FakeHost: {shlex.join(argv)} out of order (host at {self.at})")
        return min(numbers)

    def _apply(self, number: int) -> tuple[int, str, str] | None:
        """Make change ``number``: None when done, its captured failure when it fails."""
        if self.before is not None:
            self.before(number)
        if number == self.fail_at:
            failure = SESSION["failures"][str(number)]
            return int(failure["rc"]), str(failure["stdout"]), str(failure["stderr"])
        if number != self._next():
            raise AssertionError(f"FakeHost: change {number} out of order (host at {self.at})")
        self.at = number
        self.changes.append(COMMANDS[number]["text"])
        return None

    def _command(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        number = self._number_of(argv)
        command = COMMANDS[number]
        if number not in CHANGES:  # an observation: what it printed then
            if self.before is not None:
                self.before(number)
            return int(command["rc"]), str(command["stdout"]), str(command["stderr"])
        failed = self._apply(number)
        return failed or (int(command["rc"]), str(command["stdout"]), str(command["stderr"]))

    def _batch(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        assert stdin is not None
        by_line = {" ".join(COMMANDS[n]["argv"][1:]): n for n in CHANGES}
        for i, line in enumerate(stdin.splitlines(), start=1):
            if line not in by_line:
                raise AssertionError(f"FakeHost: ip -batch line {line!r} is not the plan's")
            failed = self._apply(by_line[line])
            if failed is not None:  # ip -batch stops at the first failure and names it
                return 1, failed[1], f"{failed[2]}Command failed -:{i}\n"
        return 0, "", ""

    def _inverse(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        """An inverse of change N, alone: the host goes back to the state before N (the
        capture has that state), whatever N's other inverses still do."""
        number = INVERSES[shlex.join(argv)]
        if number > self.at and number != self.undoing:
            raise AssertionError(f"FakeHost: {shlex.join(argv)} undoes {number}, host at {self.at}")
        self.undo_lines.append(shlex.join(argv))
        self.undoing = number
        self.at = max((n for n in CHANGES if n < number), default=0)
        return 0, "", ""

    def _either(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        """A command that is a change of the plan and an inverse: the next change, or else
        an inverse."""
        ahead = [n for n, c in COMMANDS.items() if c["argv"] == list(argv) and n > self.at]
        if ahead and min(ahead) == self._next():
            return self._command(argv, stdin)
        return self._inverse(argv, stdin)

    def _undo(self, argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        """Deleting every object of the prefix brings the host back to its state before
        the lab (the capture has no other state without them)."""
        assert stdin is not None
        lines = stdin.splitlines()
        self.undo_lines += lines
        now = sections(self.capture("root"))
        ids = {n.get("id"): n["name"] for n in now["netns"]}
        netns, links = self.ours()
        gone_ns = {line.split()[2] for line in lines if line.startswith("netns del ")}
        gone = {line.split()[2] for line in lines if line.startswith("link del ")}
        for link in now["root"]:
            name = link["ifname"]
            if link.get("link_netnsid") is not None and ids.get(link["link_netnsid"]) in gone_ns:
                gone.add(name)  # a veth goes with its peer's namespace
            if link.get("link") in gone or name in gone:
                gone |= {name, link.get("link") or name}  # a veth pair goes together
        left = sorted((netns - gone_ns) | (links - gone))
        if left:
            raise AssertionError(f"FakeHost: the undo {lines} leaves {left}")
        if self.linger and self.at:
            self._lingering = (self.linger, self.at)
        self.at = 0
        self.changes.append("undo")
        return 0, "", ""
