"""A setup that ends by deleting a namespace whose veth's peer lives in another one
(tests/test_all_netns.py's script: ``ip link add v1 netns n1 type veth peer name v2 netns
n2``, then ``ip netns del n2``): ``ip netns del`` returns before the kernel destroys n2's
links, and v1 goes with v2 a moment later. CI (2026-12-02, a loaded host) read n1 right
after the setup and found v1 still there: "DIFF n1.links: expected lo, found v1, lo",
``up`` failed. The plan now names what the setup's deletions take along, and ``up``'s
verification waits for the kernel to destroy it (as a step that makes such a name again
already did) and reads afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iplab import lab
from iplab.importer.convert import import_text
from iplab.plan import build
from iplab.scenario import load_text
from tests.test_all_netns import SCRIPT


def _plan(text: str) -> Any:
    return build(load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml"), prefix="pq")


def test_the_plan_names_what_the_setup_s_deletions_take_along() -> None:
    assert _plan(SCRIPT).released == (("pqn1", "pqv1"),)


def test_nothing_when_the_name_is_made_again_or_its_namespace_goes_too() -> None:
    again = "ip netns add a\nip netns add b\nip link add x netns a type veth peer name y netns b\n"
    again += (
        "ip netns del b\nip link add x2 netns a type veth peer name y\nip -n a link set lo up\n"
    )
    assert _plan(again).released == (("pqa", "pqx"),)  # (y made again in the root: not a's x)
    both = "ip netns add a\nip netns add b\nip link add x netns a type veth peer name y netns b\n"
    both += "ip netns del b\nip netns del a\nip netns add c\n"
    assert _plan(both).released == ()  # (a went too: nothing of it to wait for)


def test_up_s_verification_waits_for_them_before_it_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plan = _plan(SCRIPT)
    order: list[str] = []

    def waited(env: Any, names: Any) -> list[str]:
        order.append(f"wait {names}")
        return []

    monkeypatch.setattr(lab, "released", waited)

    def read(*args: Any, **kwargs: Any) -> Any:
        order.append(f"read ahead={kwargs.get('ahead')}")
        raise RuntimeError("read")  # (what the read finds is not this test's)

    monkeypatch.setattr(lab, "live_differences", read)
    with pytest.raises(RuntimeError, match="read"):
        lab._verify_up(None, plan, ahead=object())  # type: ignore[arg-type]
    assert order == ["wait (('pqn1', 'pqv1'),)", "read ahead=None"]
