"""Hunt DJ #4: a Japanese Scrapbox page saved as text (scrapbox.io/tasuwo), no code blocks
left, that types ``ip netns help`` and shows what it printed, ip's usage, each line with a
comment of the author's: ``Usage: ip netns list # ネームスペースの一覧``, ``ip netns add
NAME # ...``, ``ip -all netns delete NAME # ...``, ``ip netns monitor # ...``.

Before, each usage line after the first was read as a command: the lab made a namespace
named NAME, ran ``ip netns identify PID``, ``ip netns pids NAME``, ``ip netns monitor``
(which waits for Ctrl-C), and its teardown was ``ip -all netns delete NAME``. Now the
lines from ip's ``Usage:`` on, while they are ip synopsis lines, are what ``ip netns help``
printed (prose, where no help was typed above them), said in one warning."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-dj" / "dj10-scrapbox-tasuwo-code-bash-japanese.md"


def _imported(text: str, name: str) -> tuple[list[str], scenario.Scenario]:
    result = import_text(text, detect_kind(name, text), name)
    return list(result.warnings), scenario.load_text(result.yaml, "page.yaml")


def test_ips_usage_is_what_help_printed() -> None:
    warnings, loaded = _imported(PAGE.read_text(encoding="utf-8"), PAGE.name)
    actions = [step.op.action for step in loaded.steps]
    assert "netns add" not in actions
    assert not loaded.teardown
    # ip netns help, ip netns list, and (by design since hunt DK: a command typed at a
    # prompt on a page with no code blocks is read, whatever its program) the page's last
    # line, '$ docker run -itd --privileged --name test0'
    assert actions == ["show", "netns list", "raw"]
    assert getattr(loaded.steps[2].op, "command", "").startswith("docker run ")
    helped = loaded.steps[0]
    assert (helped.output or "").splitlines()[0] == "Usage: ip netns list # ネームスペースの一覧"
    assert "ip netns monitor # " in (helped.output or "")
    assert any(
        w.startswith("lines 14-22: ip's usage ('Usage: ip netns list")
        and "not read as commands" in w
        for w in warnings
    ), warnings


def test_a_usage_with_no_help_above_it_is_prose() -> None:
    text = (
        "The synopsis:\n\nUsage: ip netns list\nip netns add NAME\nip netns monitor\n\n"
        "Now make one:\n\nip netns add red\n"
    )
    _, loaded = _imported(text, "page.md")
    assert [getattr(step.op, "name", None) for step in loaded.steps] == ["red"]
