"""Hunt DK #2: a page with no code blocks that opens a shell in a namespace (Skyaknt's
wiki: ``[root@centos-01 ~]# ip netns exec Blue bash``) and types in it (``[root@centos-01
~]# ifconfig``, what it printed under it) was said to type nothing in it ("'ip netns
exec Blue bash' opens a shell in Blue and the page types nothing in it; not run"): the
lines typed in it were prose, the next step's title. Now the lines typed in the shell
are read in it: at a prompt (hunt DK #1), at a root's ``#`` prompt, or bare, right under
a command, when they are a command and no sentence; the warning stays for a shell the
page types nothing in."""

from __future__ import annotations

from iplab import scenario
from iplab.importer.convert import ImportResult, detect_kind, import_text
from tests.conftest import REPO

PAGE = REPO / "tests" / "fixtures" / "hunt-de" / "de01-skyaknt-centos01-blue-bash.md"
NOTHING = "and the page types nothing in it"


def _imported(text: str, name: str = "page.md") -> tuple[ImportResult, scenario.Scenario]:
    result = import_text(text, detect_kind(name, text), name)
    return result, scenario.load_text(result.yaml, "page.yaml")


def test_the_wiki_types_ifconfig_in_its_shell() -> None:
    result, sc = _imported(PAGE.read_text(encoding="utf-8"), PAGE.name)
    assert not [w for w in result.warnings if NOTHING in w], result.warnings
    shell = sc.steps[-1]
    assert shell.verbatim == "ip netns exec Blue bash\nifconfig"
    assert (shell.output or "").splitlines()[0] == "lo: flags=73<UP,LOOPBACK,RUNNING> mtu 65536"


def test_bare_lines_under_the_shell_are_typed_in_it() -> None:
    text = (
        "Namespaces\n\n"
        "ip netns add Blue\n"
        "Run a shell in Blue:\n"
        "ip netns exec Blue bash\n"
        "ifconfig\n"
        "ip link set lo up\n"
        "exit\n"
    )
    result, sc = _imported(text)
    assert not [w for w in result.warnings if NOTHING in w], result.warnings
    said = [s.verbatim for s in sc.steps if s.verbatim]
    assert said == ["ip netns exec Blue bash\nifconfig", "ip link set lo up\nexit"]
    assert all(s.title != "ifconfig" for s in sc.steps)


def test_a_root_prompt_in_the_shell() -> None:
    """An HTML page's paragraph (a Markdown page's ``# `` line is a heading)."""
    text = (
        "<html><body><h1>Namespaces</h1>\n"
        "<p>$ sudo ip netns add red<br>\n"
        "$ sudo ip netns exec red bash<br>\n"
        "# ip link set lo up<br>\n"
        "# ifconfig lo<br>\n"
        "lo: flags=73&lt;UP,LOOPBACK,RUNNING&gt; mtu 65536</p>\n"
        "</body></html>\n"
    )
    result, sc = _imported(text, "page.html")
    assert not [w for w in result.warnings if NOTHING in w], result.warnings
    said = [s.verbatim for s in sc.steps if s.verbatim]
    assert said == ["sudo ip netns exec red bash\nip link set lo up", "ifconfig lo"]
    assert sc.steps[-1].output == "lo: flags=73<UP,LOOPBACK,RUNNING> mtu 65536"


def test_a_shell_the_page_types_nothing_in_is_still_said() -> None:
    text = (
        "Namespaces\n\n"
        "ip netns add Blue\n"
        "ip netns exec Blue bash\n"
        "This opens a shell in Blue; ping works from there.\n"
    )
    result, _ = _imported(text)
    assert [w for w in result.warnings if NOTHING in w], result.warnings
