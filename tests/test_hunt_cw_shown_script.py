"""Hunt CW #3 (tests/fixtures/stored-pages-13/p3-jgsun-dhcp-relay.md): a blog shows its lab
as ``cat root/dhcp/create_itf.sh`` and the script under it (veths, four namespaces). Before:
import said nothing; the run failed at the line, "No such file or directory", and none of
the script's commands was a step. Now import says the script is printed output the input
never writes, and how to run the lab it shows. A script the input writes is not said."""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

P3 = FIXTURES / "stored-pages-13" / "p3-jgsun-dhcp-relay.md"


def _warnings(text: str, name: str) -> tuple[str, ...]:
    return import_text(text, detect_kind(name, text), name).warnings


def test_the_blog_s_shown_script_is_said() -> None:
    assert _warnings(P3.read_text(encoding="utf-8"), P3.name) == (
        "line 18: cat root/dhcp/create_itf.sh shows a script of 14 lines that the input never"
        " writes: it is printed output, not the lab's steps, and the run fails at this line"
        " unless root/dhcp/create_itf.sh is on this host. To run the lab it shows, save those"
        " lines as create_itf.sh and import that file: iplab import create_itf.sh",
    )


def test_a_script_the_input_writes_or_a_file_that_is_no_script_is_not_said() -> None:
    written = "$ cat > lab.sh <<'EOF'\n#!/bin/sh\nip netns add a\nEOF\n$ cat lab.sh\n#!/bin/sh\n"
    page = f"```\n{written}ip netns add a\n```\n"
    assert not [w for w in _warnings(page, "p.md") if "shows a script" in w]
    plain = "```\n$ cat /etc/hosts\n127.0.0.1 localhost\n```\n"
    assert not [w for w in _warnings(plain, "p.md") if "shows a script" in w]
