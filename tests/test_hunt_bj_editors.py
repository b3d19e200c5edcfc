"""Hunt BJ #2: ``tests/fixtures/stored-pages-5/bg-p04-masquerade-guide.md``.

``iptables --version`` was listed as a step iplab cannot undo (it only says what it is),
and ``sudoedit /etc/sysctl.d/99-ip-forward.conf`` imported as a plain step: run, the editor
waits for a person at a terminal until the step's time limit. Now the version is a reader,
the page's editor line is said and not run, and a scenario's step that opens an editor
(``tests/fixtures/leftovers6/sudoedit-step.yaml``) is refused before anything runs.
"""

from __future__ import annotations

import pytest

from iplab.cli import main
from iplab.editors import opens_editor
from iplab.importer.convert import detect_kind, import_text
from iplab.words import reads_only
from tests.conftest import FIXTURES

PAGE = FIXTURES / "stored-pages-5" / "bg-p04-masquerade-guide.md"
STEP = FIXTURES / "leftovers6" / "sudoedit-step.yaml"


def test_the_page_s_editor_is_said_and_its_version_read() -> None:
    text = PAGE.read_text()
    result = import_text(text, detect_kind(str(PAGE), text), str(PAGE))
    said = result.summary()
    assert "command: sudoedit" not in result.yaml
    assert "line 24: 'sudoedit /etc/sysctl.d/99-ip-forward.conf' opens an editor" in said
    assert "cannot undo" not in said  # (iptables --version only reads)


def test_a_step_that_opens_an_editor_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(STEP)]) == 2
    err = capsys.readouterr().err
    assert "sudoedit-step.yaml:5: setup[1]: opens an editor (sudoedit" in err
    assert main(["render", str(STEP)]) == 0  # (printed, with a warning)


@pytest.mark.parametrize(
    ("command", "editor"),
    [
        ("sudoedit /etc/hosts", "sudoedit /etc/hosts"),
        ("sudo -e /etc/hosts", "sudo -e /etc/hosts"),
        ("sudo vim /etc/sysctl.conf", "vim /etc/sysctl.conf"),
        ("sudo ip netns exec red nano /etc/hosts", "nano /etc/hosts"),
        ("crontab -e", "crontab -e"),
        ("visudo", "visudo"),
        ("emacs /etc/hosts && sysctl -p", "emacs /etc/hosts"),
        ("visudo -c", None),
        ("crontab -l", None),
        ("vim -es -c 'wq' /etc/hosts", None),
        ("emacs --batch -l x.el", None),
        ("sudo -E ip link add vi type veth peer name nano", None),
        ("echo vim", None),
    ],
)
def test_editors(command: str, editor: str | None) -> None:
    assert opens_editor(command) == editor


@pytest.mark.parametrize(
    "command", ["iptables --version", "iptables -V", "nft --version", "ip6tables --help"]
)
def test_a_version_only_reads(command: str) -> None:
    assert reads_only(command)


def test_a_version_with_a_change_does_not() -> None:
    assert not reads_only("iptables -V -A INPUT -j DROP")
