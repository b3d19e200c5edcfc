"""Hunt DE #1: a policy-routing page copied without its code blocks (labex's "Routing Policy
Rules": ``ip rule add from 192.168.1.0/24 table 100 priority 100`` on a line of its own)
lost every ``ip rule`` line into the prose with no word, while the ``ip rule list`` and
``ip route add ... table special_route`` beside them were read as commands: the lab ran a
route into a table no rule leads to, and the step took the lost rule as its title."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-de" / "de07-labex-ip-rule-root.md"


def _said(text: str, name: str = "page.md") -> tuple[list[str], list[str]]:
    result = import_text(text, detect_kind(name, text), name)
    loaded = scenario.load_text(result.yaml, "page.yaml")
    said = [s.verbatim or s.op.text or getattr(s.op, "command", "") for s in loaded.steps]
    return said, list(result.warnings)


def test_each_ip_rule_line_of_the_page_is_a_command() -> None:
    said, warnings = _said(PAGE.read_text(encoding="utf-8"), PAGE.name)
    assert said == [
        "ip rule list",
        "ip rule add from 192.168.1.0/24 table 100 priority 100",
        "ip rule del priority 100",
        "ip rule add from 192.168.2.0/24 table special_route",
        "ip route add default via 10.0.0.1 table special_route",
    ]
    assert any("'ip rule add from 192.168.1.0/24 table 100 priority 100' is read as" in w
               for w in warnings)  # fmt: skip


def test_a_sentence_that_starts_with_ip_rule_stays_prose() -> None:
    """Only a line with ip rule's own words after its verb is a command: a sentence that
    names the command is prose, as before."""
    text = (
        "Policy routing\n\nip rule add lets you pick a table by source\n\n"
        "ip rule del then takes it away\n\nip netns add a\n"
    )
    said, _ = _said(text)
    assert not [s for s in said if "rule" in s]


def test_a_sentence_mentioning_a_rule_change_is_said() -> None:
    """A backquoted ``ip rule add`` in a sentence, beside code blocks, is named as a change
    not imported, as a backquoted ``ip link add`` is."""
    text = (
        "# t\n\n```\nip netns add a\n```\n\n"
        "Then steer it with `ip -n a rule add from 10.0.0.0/24 table 100` and look.\n"
    )
    _, warnings = _said(text)
    assert any("names a change, 'ip -n a rule add from 10.0.0.0/24 table 100'" in w
               for w in warnings)  # fmt: skip
