"""Hunt CU: a page's code block that is a file's content (tests/fixtures/file-blocks,
stored-pages-12/p1). Before: oneuptime's nftables page showed the ruleset in a block whose
first line was ``# /etc/nftables-testns.conf`` and later ran ``nft -f`` on it; import said
19 warnings, "neither a command nor the output of one", check said OK and the run failed at
``nft -f``: no such file. A block the page names right at it (the sentence before it ending
with ':', a first line of the path alone, an HTML ``<pre title>``) that a later command
reads is written by a step (``cat > F <<'EOF'``), put back by down; a block named but not
read, or that may be a ``cat``'s output, stays as it was, said in one warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.export import script
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import build
from tests.conftest import FIXTURES
from tests.kernel import REPO, apart

BLOCKS = FIXTURES / "file-blocks"
P1 = FIXTURES / "stored-pages-12" / "p1-oneuptime-nftables-netns.md"


def _imported(path: Path):  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def _written(result, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    plan = build(scenario.load_text(result.yaml, "page.yaml"))
    return [pc.command.text for pc in plan.commands if f"| cat > {path}" in pc.command.text]


@pytest.mark.parametrize(
    ("page", "path", "held", "how"),
    [
        (P1, "/etc/nftables-testns.conf", "ct state established,related accept", "first line"),
        (BLOCKS / "f1-radvd-slaac.md", "/etc/radvd-lab.conf", "AdvSendAdvert on;", "sentence"),
        (BLOCKS / "f2-dnsmasq-pre-title.html", "/etc/dnsmasq-dhcpsrv.conf", "bind-interfaces",
         "title"),
        (BLOCKS / "f3-iptables-restore.md", "fw-rules.v4", "-A INPUT -p icmp -j ACCEPT",
         "sentence"),
    ],
)  # fmt: skip
def test_a_block_named_and_read_later_is_written_by_a_step(
    page: Path, path: str, held: str, how: str
) -> None:
    result = _imported(page)
    said = [w for w in result.warnings if f"is {path} (named by" in w]
    assert len(said) == 1 and how in said[0] and "written by a step" in said[0], result.warnings
    assert not any("neither a command nor the output" in w for w in result.warnings)
    assert f"cat > {path} <<'EOF'" in result.yaml
    writes = _written(result, path)
    assert len(writes) == 1 and held in writes[0], writes


def test_the_file_is_rendered_as_the_page_shows_it() -> None:
    result = _imported(P1)
    text = P1.read_text(encoding="utf-8").splitlines()
    block = text[text.index("# /etc/nftables-testns.conf") : text.index("```", 38)]
    printed = script(build(scenario.load_text(result.yaml, "page.yaml")))
    assert "cat > /etc/nftables-testns.conf <<'EOF'\n" + "\n".join(block) + "\nEOF" in printed


@pytest.mark.parametrize(
    ("page", "path", "why"),
    [
        (BLOCKS / "f4-hosts-excerpt.md", "/etc/hosts", "no command after it reads"),
        (BLOCKS / "f5-cat-shows-file.md", "lab/edge.nft", "what line 7 printed"),
        (BLOCKS / "f6-netplan-yaml.md", "/etc/netplan/60-labbr.yaml", "no command after it"),
    ],
)
def test_an_ambiguous_block_stays_and_is_said_once(page: Path, path: str, why: str) -> None:
    result = _imported(page)
    said = [w for w in result.warnings if f"may be {path}" in w]
    assert len(said) == 1 and why in said[0] and "read as before" in said[0], result.warnings
    assert not any("neither a command nor the output" in w for w in result.warnings)
    assert "<<'EOF'" not in result.yaml


@pytest.mark.kernel
def test_the_written_file_is_removed_or_put_back_by_down() -> None:
    """f3 up and down apart (a network namespace taken for the host, a /tmp of its own):
    the rules file the page names is written, iptables-restore loads it, and down removes
    it; a file that was there before gets its bytes back."""
    page = Path("/mnt/repo") / (BLOCKS / "f3-iptables-restore.md").relative_to(REPO)
    done = apart(
        f"mount -t tmpfs hcum /mnt && mkdir /mnt/repo && mount --bind {REPO} /mnt/repo\n"
        'mount -t tmpfs hcu /tmp && mkdir -p /tmp/w "$TMPDIR"\n'
        "ip link set lo up\n"
        "export IPLAB_STATE_DIR=/tmp/w/state PYTHONPATH=/mnt/repo\ncd /tmp/w\n"
        f"python3 -m iplab import {page} -o lab.yaml >/dev/null 2>&1\n"
        "python3 -m iplab up lab.yaml --prefix hcua01 >/dev/null; echo up=$?\n"
        "echo rules=$(ip netns exec hcua01fw iptables -S INPUT | grep -c icmp)\n"
        "python3 -m iplab down >/dev/null; echo down=$?\n"
        "echo left=$(ls fw-rules.v4 2>/dev/null)\n"
        "echo old > fw-rules.v4\n"
        "python3 -m iplab up lab.yaml --prefix hcua02 >/dev/null; echo up2=$?\n"
        "python3 -m iplab down >/dev/null; echo down2=$?\n"
        "echo back=$(cat fw-rules.v4)\n"
        "echo ns=$(ip netns list | wc -l)\n",
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "up=0" in out and "rules=1" in out and "down=0" in out, out
    assert "left=\n" in out, out
    assert "up2=0" in out and "down2=0" in out and "back=old\n" in out and "ns=0" in out, out


def test_a_read_before_the_block_is_said_at_its_line() -> None:
    """The nftables page runs ``nft -f /etc/nftables-testns.conf`` at line 25, before the
    block that is the file (lines 39-67): that step fails on a host without the file; import
    said nothing and check OK (hunt CU's leftover). Said, at the line that reads it."""
    result = _imported(P1)
    said = [w for w in result.warnings if "before the page writes it" in w]
    assert said == [
        "line 25: reads /etc/nftables-testns.conf before the page writes it (the block at"
        " lines 39-67): that step fails unless the file is on this host already; move the"
        " block above it"
    ], result.warnings
    for page in ("f1-radvd-slaac.md", "f2-dnsmasq-pre-title.html", "f3-iptables-restore.md"):
        assert not any("before the page writes it" in w for w in _imported(BLOCKS / page).warnings)
