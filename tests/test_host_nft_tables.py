"""The host's own nft tables and iptables chains: ``nft add table inet appfw`` succeeds on
a table the host already has, and its undo ``nft delete table inet appfw`` then deleted the
host's table with every chain and rule in it, on ``down`` and on a rollback (hunt J, which
held an administrator's ``table inet appfw`` with chain ``admin``). Right before such a
step runs, iplab reads whether the table (or chain) is there; one the host had keeps its
undo out of the journal."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iplab.hostowned import existence_read
from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.kernel import apart

REUSE = FIXTURES / "firewall" / "08c-host-nft-table-reuse.sh"

#: the host's own table, as hunt J's stand-in for the host held it
_HOSTS_TABLE = textwrap.dedent("""\
    nft add table inet appfw || exit 98
    nft add chain inet appfw admin
    nft add rule inet appfw admin tcp dport 22 accept
    """)


@pytest.mark.parametrize(
    ("undo", "read", "what"),
    [
        ("nft delete table inet appfw", ("nft", "list", "table", "inet", "appfw"),
         "nft table inet appfw"),
        ("sudo nft delete table appnat", ("sudo", "nft", "list", "table", "appnat"),
         "nft table appnat"),
        ("nft delete chain inet appfw fwd", ("nft", "list", "chain", "inet", "appfw", "fwd"),
         "nft chain inet appfw fwd"),
        ("iptables -t nat -X LAB", ("iptables", "-t", "nat", "-S", "LAB"),
         "iptables chain LAB (table nat)"),
        ("iptables -X LAB", ("iptables", "-t", "filter", "-S", "LAB"),
         "iptables chain LAB (table filter)"),
        ("ip netns exec gw nft delete table ip nat",
         ("ip", "netns", "exec", "gw", "nft", "list", "table", "ip", "nat"),
         "nft table ip nat"),
    ],
)  # fmt: skip
def test_an_undo_deleting_a_whole_table_or_chain_is_read_first(
    undo: str, read: tuple[str, ...], what: str
) -> None:
    """Hunt J: the undo of ``nft add table`` deleted the host's table."""
    assert existence_read(undo) == (read, what)


@pytest.mark.parametrize(
    "undo",
    [
        "iptables -D FORWARD -i v0 -j ACCEPT",  # one copy of the rule the step appended
        "ip rule del from 10.0.0.0/8 table 100",
        "iptables -X",  # every chain: refused before the run, no one object
        "nft delete rule inet appfw fwd handle 4",
        "nft delete table inet appfw; true",
        "ip netns del app",
    ],
)
def test_other_undos_are_not_read(undo: str) -> None:
    assert existence_read(undo) is None


def _lab(tmp_path: Path, extra: str = "") -> Path:
    lab = tmp_path / "08c.yaml"
    text = REUSE.read_text(encoding="utf-8") + extra
    lab.write_text(import_text(text, "shell", REUSE.name).yaml, encoding="utf-8")
    return lab


@pytest.mark.kernel
def test_down_leaves_the_hosts_own_nft_table(tmp_path: Path) -> None:
    """Hunt J: in a network namespace of the test's own (iplab takes it for the host),
    which has ``table inet appfw`` with its chain ``admin``: after ``up`` and ``down`` of
    the tutorial that adds that table, the host's chain and rule are there still."""
    lab, state = _lab(tmp_path), tmp_path / "state"
    inner = _HOSTS_TABLE + textwrap.dedent(f"""\
        {sys.executable} -m iplab up {lab} --no-verify --state-dir {state}
        echo "up=$?"
        {sys.executable} -m iplab down 08c-host-nft-table-reuse --state-dir {state}
        echo "down=$?"
        nft list chain inet appfw admin
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no nft here")
    said = result.stdout + result.stderr
    assert "up=0" in said and "down=0" in said, said
    assert "the host had nft table inet appfw before `nft add table inet appfw`" in said
    assert "tcp dport 22 accept" in result.stdout.split("down=0", 1)[1], said


@pytest.mark.kernel
def test_a_rollback_leaves_the_hosts_own_nft_table(tmp_path: Path) -> None:
    """Hunt J: a run that fails after ``nft add table inet appfw`` rolled back with ``nft
    delete table inet appfw`` and said the host was as before; the host's table stays, and
    a table the host did not have is deleted as before."""
    lab = _lab(tmp_path, "nft add table ip labnat\nnft add rule ip nosuch fwd accept\n")
    state = tmp_path / "state"
    inner = _HOSTS_TABLE + textwrap.dedent(f"""\
        {sys.executable} -m iplab up {lab} --no-verify --no-preflight --state-dir {state}
        echo "up=$?"
        nft list tables
        nft list chain inet appfw admin
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no nft here")
    said = result.stdout + result.stderr
    assert "up=0" not in said and "up=" in said, said
    after = result.stdout.split("up=", 1)[1]
    assert "tcp dport 22 accept" in after, said
    assert "labnat" not in after, said


@pytest.mark.kernel
def test_a_failed_new_chain_leaves_the_hosts_chain(tmp_path: Path) -> None:
    """Hunt J (checked alongside): ``iptables -N CHAIN`` fails on a chain the host has, and
    a failed step is undone too (it may have changed the host): its ``iptables -X CHAIN``
    deleted the host's empty chain in the rollback."""
    lab = tmp_path / "chain.yaml"
    lab.write_text(
        import_text("ip netns add n1\niptables -N HOSTCHAIN\n", "shell", "chain.sh").yaml,
        encoding="utf-8",
    )
    inner = textwrap.dedent(f"""\
        iptables -N HOSTCHAIN || exit 98
        {sys.executable} -m iplab up {lab} --no-verify --state-dir {tmp_path / "state"}
        echo "up=$?"
        iptables -S HOSTCHAIN
        """)
    result = apart(inner)
    if result.returncode == 98:
        pytest.skip("no iptables here")
    said = result.stdout + result.stderr
    assert "up=1" in said, said
    assert "-N HOSTCHAIN" in result.stdout.split("up=1", 1)[1], said
