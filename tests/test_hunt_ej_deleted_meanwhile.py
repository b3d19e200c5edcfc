"""Hunt EJ #1: what the failed step of an ``up`` says of a namespace or link of the lab that
is gone (hunt EB), and what ``verify`` says of it (hunt EF), were two sentences of their
own ("which this run made, is gone: something else deleted it while the lab came up
(`ip netns del`, `ip link del` in another shell ...)" and "which the lab made, is gone:
something else deleted it (`ip netns del` in another shell ...)"). And the up's look
suppressed every Exception: a namespace whose file in /run/netns could not be read
(EACCES) and a bug of the model's replay both read as "something else deleted it".

Now one sentence (:func:`iplab.verify.made_and_gone`) says both, with the tool that
deletes that object; only a missing object is said gone (:func:`iplab.undo.present`),
what the host cannot say is said as such, and a bug as a bug (the rollback goes on).
No kernel: the journal is a list of entries, the host's answers are patched.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from iplab import lab, model, undo, verify
from iplab.lineparse import parse_line

MADE = ["ip netns add ejx1ns1", "ip link add ejx1v0 type veth peer name ejx1v1"]


def _said(
    lines: list[str], failed: str, monkeypatch: pytest.MonkeyPatch,
    patch: Callable[[pytest.MonkeyPatch], None] = lambda m: None,
) -> str:  # fmt: skip
    entries = [SimpleNamespace(op=parse_line(line), status="done") for line in lines]
    journal: Any = SimpleNamespace(entries=lambda: entries)
    argv = tuple(failed.split())
    exc: Any = SimpleNamespace(command=SimpleNamespace(argv=argv, text=failed))
    err = io.StringIO()
    env: Any = SimpleNamespace(err=err)
    patch(monkeypatch)
    lab._deleted_meanwhile(env, journal, exc)
    return err.getvalue()


def test_up_and_verify_say_a_deleted_namespace_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said = _said(MADE, "ip link set ejx1v1 netns ejx1ns1", monkeypatch)
    assert said == (
        "iplab: namespace ejx1ns1, which the lab made, is gone: something else deleted it"
        " while the lab came up (`ip netns del` in another shell, another tool's cleanup);"
        " up again once nothing else deletes it\n"
        "iplab: link ejx1v1, which the lab made, is gone: something else deleted it while"
        " the lab came up (`ip link del` in another shell, another tool's cleanup); up again"
        " once nothing else deletes it\n"
    )
    assert verify.made_and_gone("namespace ejx1ns1") == (
        "namespace ejx1ns1, which the lab made, is gone: something else deleted it"
        " (`ip netns del` in another shell, another tool's cleanup)"
    )


def test_a_namespace_the_host_cannot_read_is_not_said_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("/ejx1ns1"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    said = _said(
        MADE[:1], "ip -n ejx1ns1 link set lo up", monkeypatch,
        lambda m: m.setattr(os, "stat", stat),
    )  # fmt: skip
    assert "is gone" not in said, said
    assert said == (
        "iplab: cannot tell whether namespace ejx1ns1, which the lab made, is still there:"
        " Permission denied\n"
    )


def test_a_bug_of_the_replay_is_said_as_a_bug_not_as_a_deletion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = model.apply

    def apply(state: Any, op: Any, *args: Any, **kwargs: Any) -> None:
        if getattr(op, "dev", None) == "ejx1v1":
            raise KeyError("a bug")
        real(state, op, *args, **kwargs)

    said = _said(
        [*MADE, "ip link set ejx1v1 netns ejx1ns1"], "ip -n ejx1ns1 link set ejx1v1 up",
        monkeypatch, lambda m: m.setattr(model, "apply", apply),
    )  # fmt: skip
    assert "is gone" not in said, said
    assert said.startswith("iplab: internal error: KeyError: 'a bug' (a bug in iplab"), said
    assert said.endswith(", while looking for what someone else deleted\n"), said


def test_present_says_what_is_there_and_what_is_missing() -> None:
    assert undo.present("link", "lo")
    assert not undo.present("link", "ejx1nosuch")
    assert not undo.present("link", "ejx1" + "x" * 20)
    assert not undo.present("netns", "ejx1nosuch")
