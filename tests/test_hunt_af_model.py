"""Hunt AF (safety) #2, #3, #4, #8 in the model: a raw step of the root namespace changed
a link of the host's (eth0, lo) through a script fed to a shell (``echo "ip link set eth0
promisc on" | sudo sh``, ``bash <<< '...'``), ``eval``, ``su -c``, ``watch``, ``script -c``,
``xargs``/``parallel`` handed a literal name, ``ifconfig``, ``ethtool -K``, ``bridge
link``, ``ip neigh replace``/``maddr``/``token``/``link property`` or ``prlimit``: check
said "model: OK". The model now reads inside them as it reads the plain line, which it
refuses. (What no reading can end, ``python3 -c``, ``at``, ``expect``: see
tests/test_hunt_af_host_links.py.)"""

from __future__ import annotations

import re

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import Plan, build
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-7"
#: a prompt before a command on the hunt's pages (``[root@c7 ~]# ``, ``# ``, ``$ ``)
_PROMPT = re.compile(r"\s*(?:\[[^\]]+\]# |# |\$ )")


def _line(name: str, number: int) -> str:
    """Line ``number`` of the hunt's page ``name``, its prompt left out."""
    text = (HUNT / name).read_text(encoding="utf-8").splitlines()[number - 1]
    return _PROMPT.sub("", text, count=1)


def _plan(name: str, text: str) -> Plan:
    result = import_text(text, detect_kind(name, text), name)
    return build(scenario.load_text(result.yaml, "page.yaml"), prefix="hF")


@pytest.mark.parametrize(
    ("name", "number"),
    [
        *(("af02-fed-shell.sh", n) for n in (10, 13, 16, 18, 20)),
        *(("af03-xargs-literal.md", n) for n in (10, 11, 12, 13)),
        *(("af04-ifconfig-oldschool.md", n) for n in (14, 15, 16)),
        *(("af12-host-side-objects.md", n) for n in (13, 14, 15, 16, 17, 18)),
        ("af07-interpreters.md", 12),
    ],
)
def test_the_model_refuses_a_host_link_behind_a_script_xargs_or_another_tool(
    name: str, number: int
) -> None:
    """Hunt AF #2-#4, #8 (prlimit): each line passed the model; the same change written
    plainly was refused."""
    line = _line(name, number)
    with pytest.raises(ModelError, match=r"setup\[1\]: changes (eth0|lo), which no step before"):
        _plan("w.sh", f"ip netns add hFt1\n{line}\n")
