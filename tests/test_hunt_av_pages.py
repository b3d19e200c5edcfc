"""Hunt AV (real tutorials from stored web pages, round 2, rebuilt as a reader saves them:
their commands, prompts and output as published, prose re-typed;
tests/fixtures/stored-pages-2/)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from iplab.importer.convert import ImportResult, import_text
from iplab.scenario import Scenario
from tests import pages
from tests.conftest import FIXTURES
from tests.kernel import REPO, apart

PAGES = FIXTURES / "stored-pages-2"


def _imported(name: str) -> tuple[ImportResult, Scenario]:
    return pages.imported(PAGES / name)


def _iplab(result: ImportResult, *args: str) -> list[str]:
    """The lines ``iplab ARGS`` prints of the imported scenario."""
    with tempfile.TemporaryDirectory() as where:
        path = Path(where) / "lab.yaml"
        path.write_text(result.yaml, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "iplab", *args, str(path)],
            capture_output=True, text=True, cwd=REPO, check=True, timeout=60,
        )  # fmt: skip
    return done.stdout.splitlines()


def test_a_root_prompt_in_the_shell_a_dollar_line_opens_in_a_namespace_is_typed_there() -> None:
    """cybercyber types ``$ sudo ip netns add foo``, ``$ sudo ip netns exec foo bash``, then
    ``# ip addr show`` and what it printed: the ``#`` line was taken for a comment (the
    ``$`` block made a namespace, read as root's prompt though the line used sudo) and
    the shell's line lost with it, with no word. ``# `` is the prompt of the shell the
    line opened: its command runs in foo."""
    result, _ = _imported("av-p07-cybercyber-foo-bash.md")
    assert _iplab(result, "render") == [
        "sudo ip netns add foo",
        "sudo ip netns exec foo bash",
        "ip addr show",
    ]
    assert "[2] sudo ip netns exec foo ip addr show" in _iplab(result, "check")
    assert not any("neither a command nor the output" in w for w in result.warnings)


def test_a_dollar_block_root_at_its_prompt_still_types_in_the_shell_it_opens() -> None:
    """The same session where ``$`` is root's (no sudo): a ``#`` line is the author's
    comment there (hunt AS), but not after a line that opens a shell in a namespace."""
    page = "```\n$ ip netns add foo\n$ ip netns exec foo bash\n# ip link set lo up\n```\n"
    result = import_text(page, "markdown", "p.md")
    assert "ip netns exec foo ip link set lo up" in _iplab(result, "check")[-3]
    commented = "```\n$ ip netns add foo\n# ip link set lo up\n```\n"
    assert "lo up" not in "\n".join(_iplab(import_text(commented, "markdown", "p.md"), "render"))


def test_an_address_the_saved_page_lost_is_said_refused_at_import() -> None:
    """seagullbird's stored copy reads ``ip addr add dev br0`` (its addresses gone): a raw
    step the model let pass, check said OK, and the run failed there ("RTNETLINK answers:
    Operation not supported", on any host). The import says it with the line."""
    result, _ = _imported("av-p04-seagullbird-brctl.md")
    said = "\n".join(result.warnings)
    assert "line 28: ip refuses 'ip addr add dev br0' (RTNETLINK answers: Operation" in said
    assert "'ip netns exec ns1 ip addr add dev veth1' (RTNETLINK answers:" in said
    assert "no address to add" in said


@pytest.mark.kernel
def test_the_namespace_shell_of_cybercyber_runs_in_its_namespace() -> None:
    """On the kernel, in a network and mount namespace of the test's own: ``ip addr show``
    typed in foo's shell shows foo's lo alone (not the test's veth), and nothing remains."""
    page = PAGES / "av-p07-cybercyber-foo-bash.md"
    script = f"""
set -e
d="$(mktemp -d)"
export IPLAB_STATE_DIR="$d/state" && mkdir -m 700 "$d/state"
ip link add havmark type veth peer name havmark2
python3 -m iplab import {page} -o "$d/lab.yaml" >/dev/null
python3 -m iplab run "$d/lab.yaml" --prefix havc
ip link del havmark
echo "netns: [$(ip netns list)]"
echo "links: [$(ip -br link | grep -v '^lo ' || true)]"
"""
    done = apart(script, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: 2 commands" in done.stdout, done.stdout
    assert "sudo ip netns exec havcfoo ip addr show" in done.stdout, done.stdout
    assert "havmark" not in done.stdout.split("[2/2]")[1].split("verify:")[0], done.stdout
    assert "netns: []" in done.stdout and "links: []" in done.stdout, done.stdout


def test_a_namespace_shell_nothing_is_typed_in_is_said() -> None:
    """A page that opens ``sudo ip netns exec foo bash`` and types nothing in it: the line
    was lost from the printed lines with no word. It is said (run, it would wait)."""
    page = "```\n$ sudo ip netns add foo\n$ sudo ip netns exec foo bash\n```\n"
    said = "\n".join(import_text(page, "markdown", "p.md").warnings)
    assert "line 3: 'sudo ip netns exec foo bash' opens a shell in foo and the page types" in said


def test_pages_that_put_the_hosts_nic_in_a_lab_are_refused_before_anything_runs() -> None:
    """oneuptime's VXLAN page makes vxlan0 on the host's eth0, and bqtyf's moves eth0 into
    test_ns: each is refused by the model, naming eth0 (held as they stand)."""
    for page, said in (
        ("av-p05-oneuptime-vxlan-eth0.md", "vxlan0 is made on link eth0 (its lower device)"),
        ("av-p10-bqtyf-production.md", "link eth0 does not exist in the root namespace"),
    ):
        result, _ = _imported(page)
        assert result.model_error is not None and said in result.model_error, page
