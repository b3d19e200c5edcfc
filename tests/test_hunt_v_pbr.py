"""IPv6 and policy-routing pages of hunt V: routing tables named in rt_tables, and the host
file a lab appends a table's name to.

The inputs are the hunt's own files (tests/fixtures/ipv6-pbr). No test writes the host's
/etc/iproute2/rt_tables: the files written are under the test's temporary directory.
"""

from __future__ import annotations

from pathlib import Path

from iplab.hostfiles import file_writes
from iplab.importer.convert import ImportResult, detect_kind, import_text

HERE = Path(__file__).parent / "fixtures" / "ipv6-pbr"


def _import(path: Path) -> ImportResult:
    text = path.read_text(encoding="utf-8")
    return import_text(text, detect_kind(path.name, text), path.name)


def test_a_table_named_only_if_missing_is_put_back_not_said_as_cannot_undo() -> None:
    """Hunt V: ``grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >>
    /etc/iproute2/rt_tables`` was listed by the import and the dry run as a step iplab
    cannot undo, while the same dry run ended "and put back ... /etc/iproute2/rt_tables":
    grep was not known to only read. ``ip route flush cache`` was listed too, though it
    changes nothing that needs undoing."""
    result = _import(HERE / "07-root-pbr-gist.sh")
    assert not result.cannot_undo, result.cannot_undo
    assert "cannot undo" not in result.summary()
    line = 'grep -q "^101 vpn" /etc/iproute2/rt_tables || echo "101 vpn" >> /etc/iproute2/rt_tables'
    writes = file_writes(line)
    assert writes is not None and writes.complete
