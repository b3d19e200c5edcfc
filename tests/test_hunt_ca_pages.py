"""Hunt CA: learner pages never seen before (tests/fixtures/stored-pages-9).

- p2, EPITA's virli course (French), types every command at its own prompt, ``42sh#``
  (root) or ``42sh$``: the prompt was not read (a host name starting with a digit), so
  each block's first line was a raw step, prompt and all (``42sh# ip link add ...``, a
  program no host has), and the lines after it were taken for its output: ``ip link set
  veth1 netns virli`` and five more were lost. The prompt is read now
  (importer/reader._PROMPTS) and the lab runs as the page means.
- p7, a Portuguese answer, shows what ``ip netns add`` does with ``strace -e
  unshare,mount ip netns add ns1``: a raw step, so ns1 was no name of the lab (the model
  said it did not exist at the next line) and ``--prefix`` refused the page. A tracer
  that only prints (no ``-o`` file, no ``-p``, no ``-u``) now changes only how its
  command runs, as ``timeout`` does (wrappers.HOW_IT_RUNS): the line is typed, renamed
  by the prefix and undone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import ipgrammar
from iplab.importer.reader import strip_prompt
from iplab.plan import build
from iplab.steps import NetnsAdd
from tests.kernel import SKIP
from tests.pages import imported, ran_clean

PAGES = Path(__file__).resolve().parent / "fixtures" / "stored-pages-9"
VIRLI = PAGES / "p2-nemunai-virli-fr.md"
STRACE = PAGES / "p7-sobrelinux-pt-strace.md"

#: the command lines of the virli page, as the page prints them
VIRLI_LINES = [
    "unshare -n ip a",
    "ip netns add virli",
    "ip netns exec virli ip link",
    "ip netns exec virli ip link set dev lo up",
    "ip netns exec virli ping 127.0.0.1",
    "ip link add veth0 type veth peer name veth1",
    "ip link set veth1 netns virli",
    "ip netns exec virli ip a add 10.10.10.42/24 dev veth1",
    "ip netns exec virli ip link set veth1 up",
    "ip a add 10.10.10.41/24 dev veth0",
    "ip link set veth0 up",
    "ping 10.10.10.42",
    "ip netns exec virli ping 10.10.10.41",
    "mkdir -p /etc/netns/virli",
    'echo "nameserver 9.9.9.9" > /etc/netns/virli/resolv.conf',
    "ip netns exec virli cat /etc/resolv.conf",
]


def test_a_prompt_whose_host_name_starts_with_digits_is_read() -> None:
    assert strip_prompt("42sh# ip link add veth0 type veth peer name veth1") == (
        "ip link add veth0 type veth peer name veth1"
    )
    assert strip_prompt("42sh$ ip netns add virli") == "ip netns add virli"
    assert strip_prompt("1# ip a") is None  # (a number alone is no host name)


def test_the_virli_page_keeps_every_line() -> None:
    _, lab = imported(VIRLI)
    assert [c.command.text for c in build(lab).setup] == VIRLI_LINES
    assert not any("42sh" in c.command.text for c in build(lab).setup)


@pytest.mark.parametrize(
    ("line", "typed"),
    [
        ("strace -e unshare,mount ip netns add ns1", True),
        ("strace -f -eunshare ip netns add ns1", True),
        ("ltrace ip netns add ns1", True),
        ("strace -o trace.txt ip netns add ns1", False),  # (a file of the host written)
        ("strace --output=trace.txt ip netns add ns1", False),
        ("strace -u nobody ip netns add ns1", False),  # (as another user)
        ("strace -p 4711", False),  # (another process)
    ],
)
def test_a_tracer_that_only_prints_runs_its_command(line: str, typed: bool) -> None:
    assert isinstance(ipgrammar.read(line), NetnsAdd) is typed


def test_the_strace_page_is_renamed_by_the_prefix() -> None:
    _, lab = imported(STRACE)
    texts = [c.command.text for c in build(lab, prefix="hcat").setup]
    assert "strace -e unshare,mount ip netns add hcatns1" in texts, texts
    assert "ip netns exec hcatns1 cat /etc/resolv.conf" in texts, texts


@pytest.mark.kernel
@pytest.mark.skipif(bool(SKIP), reason=SKIP or "")
def test_the_virli_page_runs_and_leaves_nothing(prefix: str, tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    done = ran_clean(VIRLI, prefix, state, tmp_path)
    assert f"[ 7/16] ip link set {prefix}veth1 netns {prefix}virli" in done.stdout, done.stdout
    assert f"PASS {prefix}virli reaches 10.10.10.41" in done.stdout, done.stdout
    assert "nameserver 9.9.9.9" in done.stdout, done.stdout
    assert not Path(f"/etc/netns/{prefix}virli").exists()
