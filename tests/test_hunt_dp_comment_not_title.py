"""A page saved as Markdown whose code blocks were lost keeps each block's comment as a line
of its own, ``# Create a namespace`` right above ``sudo ip netns add r1``; Markdown reads
it as a level-one heading, and the first was the lab's title (hunt DJ: michealgarner's
page was titled "Create a namespace", oneuptime's "Create a new network namespace named
"ns1"", rectcircle's "观察网卡情况"). A comment on the line right above or under a command
is the step's comment now (its title, as the page's other comments were), not the lab's."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.pages import imported

DJ = FIXTURES / "hunt-dj"


@pytest.mark.parametrize(
    ("page", "comment"),
    [
        ("dj11-michealgarner-r1-exec-cut.md", "Create a namespace"),
        (
            "dj02-oneuptime-ns1-ns2-dmz-route-no-link.md",
            'Create a new network namespace named "ns1"',
        ),
        ("dj01-oneuptime-ipv4-stack-host-veth0-bash.md", "Create a named network namespace"),
        ("dj04-rectcircle-veth-script-echo-root-addresses.md", "观察网卡情况"),
    ],
)
def test_a_lost_blocks_comment_is_no_title(page: str, comment: str) -> None:
    result, lab = imported(DJ / page)
    assert lab.title != comment, lab.title
    assert "\ntitle:" not in result.yaml.split("\nsetup:")[0], result.yaml[:400]


def test_the_comment_is_the_steps_title() -> None:
    _result, lab = imported(DJ / "dj11-michealgarner-r1-exec-cut.md")
    titles = [step.title for step in lab.setup]
    assert "List existing ones" in titles, titles


def test_a_comment_under_a_command_is_no_title() -> None:
    """``# Output: myns`` under ``ip netns list``, then prose (a block's last line)."""
    page = "Intro\nsome words here.\n\nip netns add myns\n# Output: myns\nThen more prose.\n"
    assert "\ntitle:" not in import_text(page, "markdown", "p.md").yaml.split("\nsetup:")[0]


@pytest.mark.parametrize(
    "page",
    [
        "# Network namespaces\n\nWe make one.\n\n```\nip netns add a1\n```\n",
        "# Network namespaces\n\n    ip netns add a1\n",
        "# Network namespaces\n```\nip netns add a1\n```\n",
        "# Network namespaces\nWe make one.\nip netns add a1\n",
        "Network namespaces\n==================\nip netns add a1\n",
    ],
)
def test_a_pages_heading_is_still_its_title(page: str) -> None:
    assert "\ntitle: Network namespaces\n" in import_text(page, "markdown", "p.md").yaml
