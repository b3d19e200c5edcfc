"""Record a real iplab session's processes once (as root), replay them without root.

:class:`Recorder` wraps the real executor and keeps, in order, every process iplab
started: argv, stdin, exit status, stdout, stderr. :func:`replaying` gives a
:class:`~iplab.runner.FakeExecutor` that answers each argv with what that argv answered
then, in the order it did (invoke's MockContext again: an argv never recorded, or asked
more often than recorded, is an AssertionError).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from iplab.runner import Answer, FakeExecutor, Input, Limits, OnStart, Result, ShExecutor

_NO_LIMITS = Limits()


@dataclass
class Recorder:
    real: ShExecutor = field(default_factory=ShExecutor)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def run(
        self,
        argv: Sequence[str],
        stdin: Input = None,
        *,
        limits: Limits = _NO_LIMITS,
        on_start: OnStart | None = None,
        stream: TextIO | None = None,
        log: Path | None = None,
        cwd: str | None = None,
    ) -> Result:
        fed: list[str] = []

        def tee(parts: Iterator[str]) -> Iterator[str]:  # an input given in parts: kept whole
            for part in parts:
                fed.append(part)
                yield part

        given = stdin if stdin is None or isinstance(stdin, str) else tee(stdin)
        result = self.real.run(
            argv, given, limits=limits, on_start=on_start, stream=stream, log=log, cwd=cwd
        )
        if given is not stdin:
            stdin = "".join(fed)
        self.calls.append({"argv": list(argv), "stdin": stdin, "rc": result.rc,
                           "stdout": result.stdout, "stderr": result.stderr})  # fmt: skip
        return result

    def interactive(self, argv: Sequence[str]) -> Result:
        result = self.real.interactive(argv)
        self.calls.append({"argv": list(argv), "stdin": None, "rc": result.rc,
                           "stdout": "", "stderr": "", "interactive": True})  # fmt: skip
        return result


def replaying(calls: Sequence[dict[str, Any]]) -> FakeExecutor:
    queues: dict[str, list[dict[str, Any]]] = {}
    for call in calls:
        queues.setdefault(shlex.join(call["argv"]), []).append(call)

    def answer(argv: Sequence[str], stdin: str | None) -> tuple[int, str, str]:
        key = shlex.join(argv)
        if not queues[key]:
            raise AssertionError(f"cassette: {key!r} asked more often than recorded")
        call = queues[key].pop(0)
        if call["stdin"] != stdin:
            raise AssertionError(f"cassette: {key!r} with other input than recorded")
        return int(call["rc"]), str(call["stdout"]), str(call["stderr"])

    responses: dict[str, Answer] = dict.fromkeys(queues, answer)
    fake = FakeExecutor(responses)
    fake.queues = queues  # type: ignore[attr-defined]
    return fake
