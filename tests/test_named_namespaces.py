"""Namespaces a tutorial names for a process's (or the host's own) network namespace,
as hunt E's "containers from scratch" scripts do: what verify may say of them."""

from __future__ import annotations

from pathlib import Path

from iplab import scenario, verify
from iplab.claims import Owned
from iplab.importer.convert import detect_kind, import_text
from iplab.names import ROOT
from iplab.state import State, after
from tests.conftest import REPO

#: hunt E's inputs (the same file serves the safety tests)
SAFETY = REPO / "tests" / "fixtures" / "safety"


def _expected(name: str) -> State:
    path = SAFETY / name
    text = path.read_text(encoding="utf-8")
    rel = str(Path(path).relative_to(REPO))
    result = import_text(text, detect_kind(rel, text), rel)
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    return after(sc.steps, len(sc.setup))


def test_a_link_set_up_through_a_namespace_named_for_pid_1_is_not_said_down() -> None:
    """Hunt E: ``ln -s /proc/1/ns/net /var/run/netns/hostns`` names the host's own
    namespace; ``ip -n hostns link set h-ct up`` then set up h-ct of the root namespace.
    The model, which cannot know where hostns points, kept h-ct down in the root and verify
    said ``DIFF h-ct.up: expected down, found up``. A link a step uses in a namespace the
    model cannot place, found elsewhere, is now one it cannot know there either."""
    expected = _expected("05-name-the-host-ns.sh")
    assert "h-ct@root" in verify.unknowable(expected)
    observed = expected.copy()
    link = observed.link(ROOT, "h-ct")
    assert link is not None
    link.up = True
    owned = Owned(frozenset(), frozenset({"h-ct"}), frozenset({"h-ct"}), frozenset())
    assert not [d for d in verify.diff(expected, observed, owned) if d.obj == "h-ct"]
