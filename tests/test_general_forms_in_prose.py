"""A page with no code blocks that gives ip commands in their general form, one a line
(tests/fixtures/pages-dr/dr06-..., engineer-otoko's Japanese notes: ``ip netns add
<namespace>``, ``ip link set dev <nic> <UP or DOWN>``), between commands it runs as
written (``ip netns list``).

The forms were dropped with no word once another line imported (hunt DR left it): the
reader saw two steps and was not told why the other eight lines were not there. Now they
are said, in the warning hunt DX gives the forms it finds inside sentences; the forms stay
out of the lab."""

from __future__ import annotations

from iplab.importer.convert import import_text
from iplab.importer.parts import general_form_line
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "pages-dr" / "dr06-engineer-otoko-ja-aliases-general-forms.md"


def test_the_general_forms_are_said_and_left_out() -> None:
    result = import_text(PAGE.read_text(encoding="utf-8"), "markdown", PAGE.name)
    said = [w for w in result.warnings if "general form" in w]
    assert said == [
        "lines 6, 12, 15, 19, 28, 30, ... give ip commands only in their general form"
        " (<namespace>), not read: nothing to run until the reader fills them in"
    ]
    steps = [line for line in result.yaml.splitlines() if not line.lstrip().startswith("#")]
    assert result.commands == 2 and "<" not in "\n".join(steps)  # (netns list, link show)


def test_what_is_a_general_form() -> None:
    assert general_form_line("$ sudo ip link set <nic> netns <namespace>") == (
        "sudo ip link set <nic> netns <namespace>",
        "<nic>",
    )
    assert general_form_line("\u2022 ip -n <ns> addr show") == ("ip -n <ns> addr show", "<ns>")
    assert general_form_line("ip -j link show <dev>") == ("ip -j link show <dev>", "<dev>")
    assert general_form_line("ip netns list") is None  # (a command as written)
    assert general_form_line("Use <namespace> as the name") is None  # (a sentence)
    assert general_form_line("ip is the tool, <namespace> its argument") is None
