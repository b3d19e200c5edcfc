"""Hunt Y #6: the nsid preflight (iplab/nsids.py) read ``ip netns set`` only as a whole
line, and only decimal ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from iplab import nsids
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.scenario import load_text

HUNT = Path(__file__).parent / "fixtures" / "adversarial-4"


class _Zero:
    """A host whose root namespace uses nsid 0 (for namespace other)."""

    def query(self, argv: Sequence[str], privileged: bool, what: str) -> tuple[int, str, str]:
        return 0, '[{"nsid":0,"name":"other"}]', ""


@pytest.mark.parametrize("name", ["y6-n6.sh", "y6-n7.sh", "y6-n3.sh"])
def test_a_taken_nsid_is_refused_in_any_command_of_a_line_and_in_hex(name: str) -> None:
    """Hunt Y #6: ``ip netns set red 0 && echo ok``, ``ip netns exec red true; ip netns set
    red 0`` and ``ip netns set red 0x0`` (ip reads ids as strtoul does) passed the preflight,
    while a plain ``ip netns set red 0`` was refused: nsids.fixed compared the first words
    of the whole line. Now each simple command is read, and the id as ip reads it."""
    text = (HUNT / name).read_text(encoding="utf-8")
    plan = build(load_text(import_text(text, "shell", name).yaml, "lab.yaml"), prefix="hY")
    with pytest.raises(ModelError, match=r"nsid 0 is already used on this host"):
        nsids.refuse_taken((pc.command for pc in plan.commands), _Zero())
