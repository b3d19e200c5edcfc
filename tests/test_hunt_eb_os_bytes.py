"""Hunt EB #1: a name the system gives as bytes that are not UTF-8 (a working directory
``/srv/café`` made in a latin-1 locale, a scenario path typed in a UTF-8 terminal while
``LC_ALL=C``) reaches Python as a string holding lone surrogates (``caf\\udce9``), and the
audit record holding it (``cwd``, ``scenario``, a command's argv) could not be encoded:
``iplab up`` ended "internal error: UnicodeEncodeError ... surrogates not allowed", exit 70,
and the rollback, whose own records failed the same way, left the lab's first namespace
on the host.

The audit log writes such a character as JSON's ``\\udce9`` escape: the log stays UTF-8,
a record reads back as it was written, the chain holds. The kernel test runs in network
and mount namespaces of its own (tests/kernel.py ``apart``), prefix ``ebx``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from iplab.audit import AuditLog, Given, draft
from tests.conftest import REPO
from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
CWD = os.fsdecode(b"/srv/caf\xe9")  # "/srv/caf\udce9", as os.getcwd() gives it


def _record(n: int) -> dict[str, object]:
    return {
        "time": f"2026-12-02T06:0{n}:00.000+00:00", "lab": "l", "run": "r", "kind": "command",
        "argv": ["ip", "netns", "add", "ns1"], "rc": 0, "cwd": CWD,
        "scenario": os.fsdecode(b"/tmp/\xc3\xa9tude.yaml"),
    }  # fmt: skip


def test_a_record_holding_bytes_that_are_not_utf8_is_written_and_read_back(
    tmp_path: Path,
) -> None:
    log = AuditLog(tmp_path)
    log.append([_record(1)])
    ahead = draft(_record(2), ["rc"])
    assert ahead is not None
    log.append([_record(3), ahead.given(Given({"rc": 0}))])
    assert log.verify() == (True, "3 records, chain intact")
    records = log.read()
    assert [r["cwd"] for r in records] == [CWD] * 3
    assert records[0]["scenario"] == os.fsdecode(b"/tmp/\xc3\xa9tude.yaml")
    text = log.path.read_bytes().decode("utf-8")  # (still UTF-8)
    assert "caf\\udce9" in text


@pytest.mark.kernel
def test_up_and_down_from_a_directory_named_in_latin1(tmp_path: Path) -> None:
    state = tmp_path / "state"
    here = tmp_path / "caf\udce9"
    os.mkdir(os.fsencode(here))
    run = apart(
        f"export PYTHONPATH={REPO}\n"  # (this tree's iplab, from another directory)
        f"cd '{here}' || exit 96\n"  # (the argument's bytes: caf\\xe9)
        f"{IPLAB} up container-networking-part2 --prefix ebx1 --state-dir {state}"
        " >/dev/null; echo up=$?\n"
        f"{IPLAB} down ebx1container-networking-part2 --state-dir {state} >/dev/null;"
        " echo down=$?\n"
        "echo left: $(ls /run/netns)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "internal error" not in said, said
    assert "up=0" in run.stdout and "down=0" in run.stdout, said
    assert "left:\n" in run.stdout, said


CAFE = Path(__file__).parent / "fixtures" / "leftovers14" / "motd-cafe.md"
ASCII_LOCALE = "LC_ALL=C PYTHONUTF8=0 PYTHONCOERCECLOCALE=0"  # (a locale that is not UTF-8)


@pytest.mark.kernel
@pytest.mark.parametrize("how", ["", "--per-command"])
def test_a_lab_s_non_ascii_words_reach_ip_in_a_locale_that_is_not_utf8(
    tmp_path: Path, how: str
) -> None:
    """Hunt EB #2: in a locale that is not UTF-8 (``LANG=de_DE.ISO-8859-1``; here ASCII)
    the page's ``ip link set gw0 alias "café uplink (en dash) do not touch"`` failed "ip: cannot
    run: ... UnicodeEncodeError" (exit 126, rolled back): the process library encoded the
    argument (and a batch's lines) in the locale's encoding, and read ``ip``'s output in
    it. The scenario is UTF-8, and so is what iplab gives ``ip`` and reads back."""
    state = tmp_path / "state"
    lab = tmp_path / "cafe.yaml"
    run = apart(
        f"{IPLAB} import {CAFE} -o {lab} 2>/dev/null || exit 95\n"
        f"export {ASCII_LOCALE}\n"
        f"{IPLAB} up {lab} {how} --prefix ebx2 --state-dir {state} >/dev/null; echo up=$?\n"
        f"{IPLAB} verify ebx2motd-cafe --state-dir {state} >/dev/null; echo verify=$?\n"
        "ip -o link show ebx2gw0\n"
        f"{IPLAB} down ebx2motd-cafe --state-dir {state} >/dev/null; echo down=$?\n"
        "echo left: $(ls /run/netns)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "verify=0" in run.stdout, said
    assert "alias café uplink \u2013 do not touch" in run.stdout, said
    assert "down=0" in run.stdout and "left:\n" in run.stdout, said
