"""Hunt AS (real tutorials from stored web pages, rebuilt as a reader saves them: their
commands, prompts and output as published, typos kept; tests/fixtures/stored-pages/)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from iplab.importer.convert import ImportResult, import_text
from iplab.scenario import Scenario
from iplab.steps import Raw
from tests import pages
from tests.conftest import FIXTURES
from tests.kernel import REPO, apart

PAGES = FIXTURES / "stored-pages"


def _imported(name: str) -> tuple[ImportResult, Scenario]:
    return pages.imported(PAGES / name)


def _printed(result: ImportResult) -> list[str]:
    """The lines ``iplab render`` prints of the imported scenario."""
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "lab.yaml"
        path.write_text(result.yaml, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "iplab", "render", str(path)],
            capture_output=True, text=True, cwd=REPO, check=True, timeout=60,
        )  # fmt: skip
    return done.stdout.splitlines()


def test_a_host_name_prompt_and_one_glued_to_its_command_are_prompts() -> None:
    """aiinfrahub's page types at ``host1$ `` and ``host1$sudo ...`` (no space): the veth
    pairs were lost unsaid (their block read as output), and ``host1$ ip netns show`` was
    a raw step, prompt and all. Its first block lists two commands without a prompt
    before the session's first one: they were ignored; nothing ran before them to print
    them, so they are commands."""
    result, _ = _imported("as-p02-aiinfrahub-bridge.md")
    assert _printed(result) == [
        "sudo ip netns add $NS1",
        "sudo ip netns add $NS2",
        "ip netns show",
        "sudo ip link add vethNS1 type veth peer name vethNS1-br",
        "sudo ip link add vethNS2 type veth peer name vethNS2-br",
        "ip link show | grep veth",
    ]
    said = "\n".join(result.warnings)
    assert "line 24: 'sudo ip netns add $NS1' has no prompt, before the block's first" in said
    assert result.model_error is None


def test_a_mistyped_ip_line_is_not_the_output_of_the_one_before() -> None:
    """The CKA notes write ``ip -n red addr 192.168.15.1 dev veth-red`` then ``ip -n blue
    addr 192.198.15.2 dev veth-blue`` (no ``add``, and a typo): the second was taken for
    the first one's output, and left out of the printed lines. ip prints no line that
    starts with an option."""
    result, lab = _imported("as-p03-cka-notes.md")
    printed = _printed(result)
    assert "ip -n blue addr 192.198.15.2 dev veth-blue" in printed
    assert not any(s.output and "192.198" in s.output for s in lab.steps)


def test_a_comment_of_a_block_typed_as_root_at_dollar_is_no_command() -> None:
    """thachmpham's page types ``$ ip link add br0 type bridge`` (root at its ``$``), with
    ``# set IP addresses`` above a group of lines: that was the builtin ``set``, a step
    printed and run. Where the ``$`` prompt already makes the lab's links without sudo, a
    ``# `` line is the author's comment."""
    result, _ = _imported("as-p04-thachmpham-routing.md")
    printed = _printed(result)
    assert "set IP addresses" not in printed
    assert printed[-6:] == [
        "ip link set veth2-br up",
        "ip netns exec ns1 ip addr add 192.168.0.1/24 dev veth1",
        "ip netns exec ns1 ip link set veth1 up",
        "ip netns exec ns2 ip addr add 192.168.0.2/24 dev veth2",
        "ip netns exec ns2 ip link set veth2 up",
        "ip netns exec ns1 ping -c 1 -R 192.168.0.2",
    ]


def test_a_root_prompt_of_a_dollar_block_after_sudo_i_is_still_a_command() -> None:
    """The rule above leaves a root shell opened in the block alone."""
    text = "```\n$ sudo -i\n# ip netns add a\n# set -e\n```\n"
    result = import_text(text, "markdown", "page.md")
    assert "ip netns add a" in _printed(result)


def test_a_grep_that_finds_nothing_lets_the_lab_go_on() -> None:
    """qiita's page moves the veth ends into ns1 and ns2, then shows that ``sudo ip link
    show | grep veth`` finds nothing in the root namespace: grep exits 1, and the run
    stopped there and rolled the lab back. A grep of readers may fail (``grep -q``, a
    check, still must not)."""
    _, lab = _imported("as-p06-qiita-ktamido.md")
    greps = [s for s in lab.steps if "| grep veth" in str(getattr(s.op, "command", ""))]
    assert len(greps) == 4 and all(s.may_fail for s in greps)
    checked = import_text("```\nip a | grep -q v0\n```\n", "markdown", "page.md")
    assert "may_fail" not in checked.yaml


def test_a_magazine_listing_with_its_line_numbers_is_read() -> None:
    """ADMIN magazine's Listing 8 numbers each line ``01 $ ip ...`` (one space) and its
    blank ones ``14``: the page had no command. Its lines are read now; the lab is still
    refused, as it must be: it takes the host's eth0 address and its ns1 comes from an
    earlier listing."""
    result, _ = _imported("as-p08-admin-magazine-listing8.html")
    printed = _printed(result)
    assert printed[:2] == [
        "ip netns exec ns1 ip link delete veth1",
        "ip link add name veth1 type veth peer name veth2",
    ]
    assert "ip addr del 192.168.56.130/24 dev eth0" in printed
    assert any(
        "the page's line numbers, copied with the code, taken off" in w for w in result.warnings
    )
    assert result.model_error is not None


def test_root_prompts_of_a_page_saved_as_text_are_commands() -> None:
    """codeblogbt's page, saved as text: ``# ip netns add blue`` lines were Markdown
    headings, seven commands lost unsaid; only the unprompted ones at its end ran."""
    result, _ = _imported("as-p11-codeblogbt-hash-prompts.txt")
    assert _printed(result)[:7] == [
        "ip netns add blue",
        "ip netns list",
        "ip link add veth0 type veth peer name veth1",
        "ip link list",
        "ip link set veth1 netns blue",
        "ip netns exec blue ip link list",
        "ip netns exec blue ifconfig veth1 up",
    ]


def test_commands_listed_then_shown_run_are_run_once() -> None:
    """nehalineogi's page lists its commands without prompts, then shows the session that
    ran them (``root@linux-host-1:/home/nehali# ...``): the listed ones were ignored and
    the lab refused (``namespace red does not exist``). They run now; a change the
    session shows again (``ip link add linux-bridge type bridge``) runs once."""
    result, _ = _imported("as-p13-nehalineogi-namespaces.md")
    printed = _printed(result)
    assert printed[:3] == ["ip netns add red", "ip netns add green", "ip netns add blue"]
    assert printed.count("ip link add linux-bridge type bridge") == 1
    assert result.model_error is None


@pytest.mark.kernel
def test_the_qiita_lab_runs_through_its_empty_grep() -> None:
    """On the kernel, in a network and mount namespace of the test's own: the page's lab
    is built, its greps that find nothing said, verified and undone; nothing remains."""
    page = PAGES / "as-p06-qiita-ktamido.md"
    script = f"""
set -e
d="$(mktemp -d)"
export IPLAB_STATE_DIR="$d/state" && mkdir -m 700 "$d/state"
python3 -m iplab import {page} -o "$d/lab.yaml" >/dev/null
python3 -m iplab run "$d/lab.yaml" --prefix hasq
echo "netns: [$(ip netns list)]"
echo "links: [$(ip -br link | grep -v '^lo ' || true)]"
"""
    done = apart(script, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: 15 commands" in done.stdout, done.stdout
    assert "netns: []" in done.stdout and "links: []" in done.stdout, done.stdout


def test_a_block_typed_at_an_angle_prompt_is_read() -> None:
    """frfahim's page types at ``> `` (``> sudo ip netns add earth``): the import said the
    page had no command. A block whose first line is at ``> `` and holds no other prompt
    is typed there; after a ``$`` line, ``> `` stays bash's second prompt."""
    result, _ = _imported("as-p14-frfahim-earth-neptune.md")
    assert _printed(result) == [
        "sudo ip netns add earth",
        "sudo ip netns add neptune",
        "sudo ip link",
        "sudo ip link add earth-veth type veth peer name neptune-veth",
    ]
    continued = "```\n$ ip link add a \\\n> type veth peer name b\n```\n"
    assert "ip link add a type veth peer name b" in import_text(continued, "markdown", "p.md").yaml


def test_an_ip_line_whose_verb_is_forgotten_is_said_refused_at_import() -> None:
    """The CKA notes' ``ip -n red addr 192.168.15.1 dev veth-red`` (``add`` forgotten) was
    a raw step the model let pass: ``check`` said OK and the run failed at it, and rolled
    the lab back. ip refuses it on any host (``Command "192.168.15.1" is unknown``): the
    import says so, and the step may fail, as bash goes on after it."""
    result, lab = _imported("as-p03-cka-notes.md")
    said = "\n".join(result.warnings)
    assert (
        "ip refuses 'ip -n red addr 192.168.15.1 dev veth-red' (Command \"192.168.15.1\""
        ' is unknown, try "ip address help")' in said
    )
    forgot = [
        s
        for s in lab.steps
        if isinstance(s.op, Raw) and s.op.command == "ip -n red addr 192.168.15.1 dev veth-red"
    ]
    assert len(forgot) == 1
    assert forgot[0].may_fail
