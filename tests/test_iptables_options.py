"""iptables' options read as iptables reads them (getopt_long), where iplab builds the undo
of ``-N CHAIN`` and the read of whether the host had the chain before (hunt P #3:
``iptables -tnat -N WEBMASQ`` and ``iptables -w -t nat -N WEBFWD`` failed on the host's
own chain, and the rollback's ``-X``, whose read was never built, deleted it)."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from iplab import iptopts
from iplab.hostowned import existence_read, unreadable
from iplab.importer.convert import import_text
from iplab.words import known_undo
from tests.conftest import FIXTURES
from tests.kernel import apart

SAFETY = FIXTURES / "safety"


@pytest.mark.parametrize(
    ("undo", "table", "chain"),
    [
        ("iptables -tnat -X WEBMASQ", "nat", "WEBMASQ"),
        ("iptables -w -t nat -X WEBFWD", "nat", "WEBFWD"),
        ("iptables -t nat -w -X WEBFWD", "nat", "WEBFWD"),
        ("iptables --table=nat --wait 5 -X LAB", "nat", "LAB"),
        ("iptables --tab nat -W -X LAB", "nat", "LAB"),
        ("iptables -w5 -t mangle --delete-chain LAB", "mangle", "LAB"),
        ("ip6tables -v -n -X LAB", "filter", "LAB"),
        ("iptables-nft -tnat -vX LAB", "nat", "LAB"),
    ],
)
def test_the_chain_an_undo_deletes_is_read_whatever_the_options(
    undo: str, table: str, chain: str
) -> None:
    """Hunt P: only ``-t TABLE`` exactly before ``-X`` was read; ``-tnat``, ``-w``,
    ``--table=nat`` left the undo journaled unread."""
    found = existence_read(undo)
    assert found is not None, undo
    assert found[0][-4:] == ("-t", table, "-S", chain)
    assert unreadable(undo) is None


@pytest.mark.parametrize(
    "undo",
    [
        "iptables -t nat -X LAB --dport 5",  # a word iptables' table does not know
        "iptables -t nat -X LAB; true",  # shell syntax: no one read
        "nft delete table handle 4",  # no name to read
        "nft -c delete table inet x",  # an option iplab does not know here
    ],
)
def test_an_undo_deleting_a_whole_chain_unread_is_said(undo: str) -> None:
    """Hunt P: when iplab cannot build the read, the undo is not journaled (fail safe)."""
    assert existence_read(undo) is None
    assert unreadable(undo) is not None


@pytest.mark.parametrize(
    ("step", "undo"),
    [
        ("iptables -tnat -N WEBMASQ", "iptables -tnat -X WEBMASQ"),
        ("iptables -w -t nat -N WEBFWD", "iptables -w -t nat -X WEBFWD"),
        ("iptables -N LAB -w 5", "iptables -X LAB -w 5"),
        ("iptables --table=nat -N LAB", "iptables --table=nat -X LAB"),
        ("ip6tables-legacy -N LAB", "ip6tables-legacy -X LAB"),
        ("nft -a add table inet x", "nft delete table inet x"),
        ("iptables -vN LAB", None),  # -N in one word with -v: not rewritten
        ("nft -c add table inet x", None),  # -c checks only: nothing to undo
    ],
)
def test_the_undo_of_a_new_chain_keeps_the_options(step: str, undo: str | None) -> None:
    assert known_undo(step) == undo


def test_getopt_reads_optional_values_as_iptables_does() -> None:
    """``-w`` takes the next word only when it starts with neither ``-`` nor ``!``."""
    parsed = iptopts.read(["-w", "-t", "nat", "-L", "-n"])
    assert parsed is not None
    assert [(o.letter, o.value) for o in parsed.options] == [
        ("w", None), ("t", "nat"), ("L", None), ("n", None)
    ]  # fmt: skip
    assert iptopts.read(["--n", "x"]) is None  # ambiguous: --numeric, --new-chain


def _lab(tmp_path: Path, page: Path) -> Path:
    lab = tmp_path / "lab.yaml"
    imported = import_text(page.read_text(encoding="utf-8"), "markdown", page.name)
    lab.write_text(imported.yaml, encoding="utf-8")
    return lab


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("page", "hosts"), [("p06-nat-chain.md", "WEBMASQ"), ("p06b-nat-chain-w.md", "WEBFWD")]
)
def test_a_rollback_leaves_the_hosts_chain_whatever_the_options(
    tmp_path: Path, page: str, hosts: str
) -> None:
    """Hunt P #3: in a network namespace of the test's own (iplab takes it for the host;
    it goes with the test's process), which has an empty nat chain of the page's name,
    ``up`` fails at ``iptables -tnat -N WEBMASQ`` (``iptables -w -t nat -N WEBFWD``) and
    rolls back: the host's chain is there after it."""
    lab = _lab(tmp_path, SAFETY / page)
    prefix = "p" + uuid.uuid4().hex[:4]
    inner = textwrap.dedent(f"""\
        iptables -t nat -N {hosts} || exit 98
        {sys.executable} -m iplab up {lab} --prefix {prefix} --no-verify --no-preflight \\
            --state-dir {tmp_path / "state"}
        echo "up=$?"
        iptables -t nat -S
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no iptables here")
    said = result.stdout + result.stderr
    assert "up=0" not in said and "up=" in said, said
    after = result.stdout.split("up=", 1)[1]
    assert f"-N {hosts}" in after, said
