"""Hunt EE #5: a listing's extra words, what ip printed run together with it, said.

tests/fixtures/pages-dx/dx10-christina04-ja-prompts-flattened-on-one-line.md's line 14
ran its block's lines together: ``$ sudo ip netns add host1 $ sudo ip netns add host2 $
ip netns l host2 host1``. Split at the prompts, the last command kept ``host2 host1``, the
names ``ip netns list`` printed, as its own words, and nothing was said. ip (6.1, checked on
this host) ignores words after ``ip netns list``; ``ip link show lo foo`` and ``ip addr
show lo foo`` it refuses ('Error: either "dev" is duplicate, or "foo" is a garbage.').
Now the import says what ip does with them, and that they look like what the command
printed when they are names the lab made before it (or its output below). The step is kept
as written."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

DX10 = FIXTURES / "pages-dx" / "dx10-christina04-ja-prompts-flattened-on-one-line.md"


def _warnings(text: str) -> list[str]:
    return [w for w in import_text(text, "shell", "lab.sh").warnings if "after it:" in w]


def test_dx10_the_names_netns_list_printed_are_said() -> None:
    result = import_text(DX10.read_text(encoding="utf-8"), "markdown", DX10.name)
    assert (
        "line 14: 'ip netns l host2 host1': 'host2 host1' after it: ip netns l reads no names,"
        " and ip ignores them: it lists every namespace; they look like what it printed, run"
        " together with the command (the lab's host2, host1, made above)"
    ) in result.warnings
    assert "line: ip netns l host2 host1" in result.yaml  # (kept as written)


def test_a_second_device_after_link_show_is_refused_by_ip() -> None:
    said = _warnings(
        "#!/bin/bash\nip link add v0 type veth peer name v1\nip link show v0 v1\n"
        "ip addr show v0 junk\n"
    )
    assert len(said) == 2
    assert said[0].startswith("line 3: 'ip link show v0 v1': 'v1' after it: ip link show reads")
    assert 'or "v1" is a garbage.): the step fails' in said[0]
    assert "(the lab's v1, made above)" in said[0]
    assert said[1].startswith("line 4: 'ip addr show v0 junk': 'junk' after it")
    assert "look like" not in said[1]


def test_listings_ip_reads_whole_are_not_said() -> None:
    text = (
        "#!/bin/bash\nip netns add a\nip link show dev lo\nip link show up\n"
        "ip link show lo up\nip addr show dev lo scope global\nip netns list\nip -n a link\n"
    )
    assert _warnings(text) == []
