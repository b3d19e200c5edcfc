"""Hunt AC (safety): changes that still reached the host after hunts Y and AA. ``nsenter
-t $(pidof systemd) -n ip link set eth0 mtu 1400`` and ``-t $$`` were taken for the
tutorial's own process; ``-nt1`` and ``-n/proc/1/ns/net`` were not read as entering a
namespace; a loop or a ``tee`` between ``echo "ip link del $l"`` and ``| sh`` hid the
script; ``sudo -u#0`` (shlex took ``#0 ...`` for a comment) and ``sudo -p ''`` (the empty
word was read as a redirection) hid the command; a NUL byte in a step stopped the run on a
Python error; and a wrapper the importer does not type (``timeout 5 ip link del eth0``) ran
a change of the host's eth0 the typed line is refused for."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.unnamed import unnamed_change
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "adversarial-6"
PROBES = (HUNT / "lines-probe.txt").read_text(encoding="utf-8").splitlines()


def _built(name: str, text: str | None = None) -> None:
    text = (HUNT / name).read_text(encoding="utf-8") if text is None else text
    result = import_text(text, detect_kind(name, text), name)
    build(scenario.load_text(result.yaml, "page.yaml"), prefix="hC")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("nsenter-pid.md", "runs nsenter -t \\$\\(pidof systemd\\) -n ip link set eth0 mtu 1400"),
        ("fedloop.sh", "runs sh"),
        ("fedtee.sh", "runs sh"),
    ],
)
def test_the_hunts_pages_are_refused_before_anything_runs(name: str, said: str) -> None:
    with pytest.raises(ModelError, match=rf"page\.yaml:\d+: setup\[\d+\]: {said}"):
        _built(name)


@pytest.mark.parametrize(
    "line",
    [
        "nsenter -t $$ -n ip link set eth0 down",
        'nsenter -t "$$" -n ip link set eth0 down',
        "nsenter -t $(pidof systemd) -n ip link set eth0 down",
        "nsenter -t $PPID -n ip link del eth0",
        "nsenter -nt1 ip link del eth0",
        "nsenter -nt 1 ip link del eth0",
        "nsenter -n/proc/1/ns/net ip link del eth0",
        "nsenter -at1 ip link del eth0",
        "nsenter -Ft 1 -n ip link del eth0",
        "sudo -u#0 ip link del $x",
        "sudo -p '' ip link del $x",
        "bash -s -- a b <<< 'ip link del $x'",
        "env -S 'ip link del $x'",
        "env --split-string='ip link del' $x",
        "fish -c 'ip link del $x'",
    ],
)
def test_each_spelling_of_the_hunt_is_refused(line: str) -> None:
    assert line in PROBES  # (the hunt's own probe, as written)
    assert unnamed_change(line) is not None


@pytest.mark.parametrize(
    ("line", "said"),
    [
        # (hunt AF #13: behind timeout, a wrapper that only changes how it runs, the line is
        # typed now, and refused by the typed step's own check)
        ("timeout 5 ip link del eth0", "link eth0 does not exist in the root namespace .*no"
         " step before makes it; a link the host has, such as eth0, is not the lab's"),
        ("strace -o f ip link del eth0", "changes eth0, which no step before makes"),
    ],
)  # fmt: skip
def test_a_change_of_a_host_link_behind_a_wrapper_is_refused_as_the_typed_line_is(
    line: str, said: str
) -> None:
    text = f"ip netns add hCt1\n{line}\n"
    with pytest.raises(ModelError, match=said):
        _built("w.sh", text)


def test_a_nul_byte_in_a_step_is_refused_before_anything_runs() -> None:
    path = HUNT / "nulstep.yaml"
    with pytest.raises(ModelError, match="holds a NUL byte"):
        build(scenario.load(str(path)))
