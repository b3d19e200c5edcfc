"""Hunt EN #3: a README as a stored page (geeksrepos.com/hajdukd/netns,
tests/fixtures/pages-en/en03-...) has no code blocks: bare ``ip`` lines, what each printed
under it. It moves veth1 into vnet, then shows that the host no longer has it::

    ip link show veth1
    Device "veth1" does not exist.

The failure ip printed was taken for prose, so the step was one that must succeed, and the
model refused the whole lab at line 48 ("link veth1 is in namespace vnet, not in the root
namespace"): nothing of the page could run. A line right under a bare command read that is
what a failing command prints (``Device "..." does not exist.``, ``RTNETLINK answers:
...``) is that command's output, as in a code block: the page shows it fail, and it may
fail here too."""

from __future__ import annotations

from tests.conftest import REPO
from tests.pages import imported

PAGE = (
    REPO
    / "tests"
    / "fixtures"
    / "pages-en"
    / "en03-hajdukd-netns-readme-bare-commands-output-device-does-not-exist.md"
)


def test_the_failure_shown_under_a_bare_line_is_its_output() -> None:
    result, lab = imported(PAGE)
    assert result.model_error is None, result.model_error
    said = [w for w in result.warnings if w.startswith("line 48:")]
    assert any("the page shows 'ip link show veth1' fail; it may fail here too" in w for w in said)
    failing = [str(s.loc) for s in lab.setup if s.may_fail]
    assert failing == ["page.yaml:64: setup[10]"], failing  # (the page's line 48)
