"""Hunt EN #2: a Japanese wiki page (typea.info, tests/fixtures/pages-en/en04-...) as stored
has each command and what it printed run together on one line: ``$ sudo tcpdump -tn -i any
icmp tcpdump: verbose output suppressed, ... IP 192.168.122.243 > 8.8.8.8: ICMP echo
request, ...``. The import read the whole line as the command: tcpdump's ``>`` in what it
printed became redirections that "write the host's /work/.../8.8.8.8:" (a run would have
left those files on the host, and handed tcpdump its own output as a filter). A program
starts what it says with its own name and a colon (``tcpdump: ...``, ``ping: ...``, ``ls:
cannot access ...``): that word, after the command's own, is where what it printed begins;
the command is read without it, and said so."""

from __future__ import annotations

from iplab.importer.reader import printed_after
from tests.conftest import REPO
from tests.pages import imported

PAGES = REPO / "tests" / "fixtures" / "pages-en"
PAGE = PAGES / "en04-typea-ja-wiki-diff-output-on-command-line.md"


def test_tcpdump_is_read_without_what_it_printed() -> None:
    result, lab = imported(PAGE)
    raw = [s.op.command for s in lab.setup if hasattr(s.op, "command")]
    assert raw == ["tcpdump -tn -i any icmp"], raw
    assert "writes the host's" not in result.yaml
    assert any(
        "line 27: 'sudo tcpdump -tn -i any icmp' is followed on its line by what it printed" in w
        for w in result.warnings
    ), result.warnings


def test_the_program_s_own_name_and_a_colon_starts_what_it_printed() -> None:
    assert printed_after("ping -c 1 10.0.0.9 ping: connect: Network is unreachable") == (
        "ping -c 1 10.0.0.9",
        "ping: connect: Network is unreachable",
    )
    assert printed_after("sudo ls /var/run/netns ls: cannot access") == (
        "sudo ls /var/run/netns",
        "ls: cannot access",
    )
    assert printed_after("tcpdump -i any") is None
    assert printed_after("grep tcpdump: log.txt") is None  # (another program's name)
