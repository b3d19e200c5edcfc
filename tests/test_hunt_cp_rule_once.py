"""Hunt CP #2: a rule added once, ``iptables -C RULE 2>/dev/null || iptables -A RULE``
(tests/fixtures/github-scripts-6/vpn-netns-env-defaults.sh, after laurentpellegrino/tundler;
tests/fixtures/leftovers16b/iptables-add-once.sh).

It was listed as a step iplab cannot undo, and the rule stayed after down. Its undo is
``iptables -D RULE``, due only when the add ran: right before the step runs, iplab runs
the step's own check; a rule the host holds already is not the lab's (the add does not
run), and down leaves it (said).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.words import added_once, known_undo
from tests.conftest import FIXTURES
from tests.kernel import apart, can_use_kernel
from tests.pages import apart_env, imported, written

VPN = FIXTURES / "github-scripts-6" / "vpn-netns-env-defaults.sh"
ONCE = FIXTURES / "leftovers16b" / "iptables-add-once.sh"
RULE = "-A POSTROUTING -s 10.77.0.0/30 -j MASQUERADE"


def test_the_rule_added_once_is_undone_not_listed() -> None:
    result, _lab = imported(VPN)
    assert not [c for c in result.cannot_undo if "(line 33)" in c], result.cannot_undo
    assert "undo: iptables -t nat -D POSTROUTING -s 172.21.0.0/30 -j MASQUERADE" in result.yaml


@pytest.mark.parametrize(
    ("line", "undo"),
    [
        (
            "iptables -C FORWARD -i br0 -j ACCEPT || iptables -I FORWARD 1 -i br0 -j ACCEPT",
            "iptables -D FORWARD -i br0 -j ACCEPT",
        ),
        ("iptables -C FORWARD -i a -j ACCEPT || iptables -A FORWARD -i b -j ACCEPT", None),
        ("iptables -C FORWARD -i a -j ACCEPT && iptables -A FORWARD -i a -j ACCEPT", None),
        ("iptables -C FORWARD -i a -j ACCEPT || ip6tables -A FORWARD -i a -j ACCEPT", None),
        ("iptables -t nat -C P -j X || iptables -A P -j X", None),
    ],
)
def test_only_a_check_of_the_same_rule_makes_it_added_once(line: str, undo: str | None) -> None:
    assert (added_once(line) is not None) == (undo is not None)
    assert known_undo(line) == undo


@pytest.mark.kernel
def test_down_deletes_the_rule_it_added_and_leaves_the_hosts(tmp_path: Path) -> None:
    why = can_use_kernel()
    if why:
        pytest.skip(why)
    lab = written(imported(ONCE)[0], tmp_path)
    up = f"python3 -m iplab up --prefix hcp7c1 {lab} >/dev/null; echo up=$?\n"
    down = "python3 -m iplab down hcp7c1iptables-add-once; echo down=$?\n"
    rules = "iptables -t nat -S POSTROUTING\n"
    done = apart(
        apart_env(tmp_path) + up + rules + "echo ==\n" + down + rules + "echo ==\n"
        f"iptables -t nat {RULE}\n" + up + down + rules + "echo ==\nip -br link; ip netns list\n"
    )  # fmt: skip
    out = done.stdout + done.stderr
    added, gone, kept, left = done.stdout.split("==\n")
    assert "up=0" in added and RULE in added, out
    assert "down=0" in gone and RULE not in gone, out
    assert "down=0" in kept and kept.count(RULE) == 1, out
    assert "the check finds it, the add does not run, and the rule stays after down" in out
    assert "hcp7c1" not in left, out
