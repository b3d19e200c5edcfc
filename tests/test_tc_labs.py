"""Hunt L's traffic control labs: tc on the host's links, tc's abbreviations, its
classifiers and actions, read by one reader of tc's words (iplab/tcwords.py).

The pages are hunt L's own (``tests/fixtures/tc/hunt-l-*``); the kernel configuration is
this machine's ``/proc/config.gz`` (``tests/fixtures/kernel/config-6.18-firecracker.gz``).
"""

from __future__ import annotations

import gzip
import subprocess
from shlex import split

import pytest

from iplab import ipgrammar, kernelconfig, lab, scenario, tc, tcwords
from iplab.errors import IplabError
from iplab.importer.convert import import_text
from iplab.importer.reader import CLEANUP, Kind
from iplab.model import ModelError
from iplab.plan import Plan, build
from tests.conftest import FIXTURES

TC = FIXTURES / "tc"
CONFIG = kernelconfig.parse(
    gzip.decompress((FIXTURES / "kernel" / "config-6.18-firecracker.gz").read_bytes()).decode(),
    "/proc/config.gz",
)


def _scenario(text: str, kind: Kind = "shell", name: str = "lab.sh") -> scenario.Scenario:
    return scenario.load_text(import_text(text, kind, name).yaml, "lab.yaml")


def _page(name: str) -> scenario.Scenario:
    text = (TC / f"hunt-l-{name}").read_text()
    return _scenario(text, "shell" if name.endswith(".sh") else "markdown", name)


def _lacking(plan: Plan) -> list[str]:
    return [why.split(" (")[0] for _, why in kernelconfig.lacking(plan, CONFIG)]


# -- 1: tc on a link of the host's ----------------------------------------------------------------


def test_a_tbf_on_the_host_s_eth0_is_refused_before_anything_runs() -> None:
    """Hunt L (04b): ``tc qdisc add dev eth0 root tbf rate 1mbit ...`` ran with only a
    warning (even with --prefix), and down deleted the namespace only: the host's uplink
    stayed shaped. It is refused now, naming file and line, as ``ip link set eth0`` is."""
    with pytest.raises(ModelError, match="link eth0 does not exist in the root namespace") as e:
        build(_page("04b-host-tbf.sh"), prefix="hL4")
    assert e.value.loc is not None and e.value.loc.line == 10  # the scenario's line
    assert "a link the host has, such as eth0, is not the lab's" in str(e.value)


@pytest.mark.parametrize(
    "line",
    [
        "tc q a dev eth0 root tbf rate 1mbit burst 32kbit latency 400ms",
        "tc qdisc del dev eth0 root",
        "tc class add dev eth0 parent 1: classid 1:1 htb rate 1mbit",
        "tc filter add dev eth0 parent ffff: protocol all u32 match u32 0 0 action drop",
        "tc f a dev v0 parent ffff: u32 match u32 0 0 action mirred egress redirect dev eth0",
        "sudo tc -s qd replace dev eth0 root netem delay 10ms",
    ],
)
def test_every_tc_change_of_a_host_link_is_refused(line: str) -> None:
    """Hunt L (1): qdiscs, classes, filters, abbreviated, and a mirred's target."""
    text = f"ip link add v0 type veth peer name v1\n{line}\n"
    with pytest.raises(ModelError, match="link eth0 does not exist in the root namespace"):
        build(_scenario(text))


def test_tc_inside_a_lab_namespace_and_a_look_at_eth0_stay_allowed() -> None:
    """Hunt L (1): ``ip netns exec wanA tc qd add dev wa ...`` on the lab's link (08d) is
    the lab's own; ``tc qdisc show dev eth0`` only reads."""
    build(_page("08d-netem-abbrev.sh"), prefix="hL8")
    build(_scenario("ip netns add a\nip netns exec a tc qdisc add dev lo root tbf rate 1mbit"
                    " burst 2k latency 50ms\ntc qdisc show dev eth0\n"))  # fmt: skip


# -- 5: abbreviations, read as tc reads them ----------------------------------------------------


def test_abbreviated_tc_is_preflighted_as_the_full_spelling() -> None:
    """Hunt L (08d, 08b): ``tc qd add ... netem`` and ``tc q a ... prio`` passed the kernel
    preflight and failed at their step ("Specified qdisc kind is unknown"); spelled out
    (08c) they were refused before anything ran."""
    assert _lacking(build(_page("08d-netem-abbrev.sh"))) == ["netem qdisc"]
    assert _lacking(build(_page("08b-tc-prio-abbrev.sh"))) == ["prio qdisc", "sfq qdisc"]
    with pytest.raises(IplabError, match="this kernel has no netem qdisc") as e:
        kernelconfig.refuse_lacking(build(_page("08d-netem-abbrev.sh")), CONFIG)
    assert e.value.loc is not None and e.value.loc.line


@pytest.mark.parametrize(
    ("words", "obj", "verb"),
    [
        ("tc q a dev x root prio", "qdisc", "add"),
        ("tc qd add dev x root prio", "qdisc", "add"),
        ("tc qdisc a dev x root prio", "qdisc", "add"),
        ("tc q r dev x root prio", "qdisc", "replace"),
        ("tc q l dev x root prio", "qdisc", "link"),
        ("tc q s dev x", "qdisc", "show"),
        ("tc c a dev x parent 1: classid 1:1 htb rate 1mbit", "class", "add"),
        ("tc f a dev x parent 1: u32 match u32 0 0", "filter", "add"),
        ("tc -n ns -s q d dev x root", "qdisc", "delete"),
        ("tc a a action police rate 1mbit burst 10k", "actions", "add"),
    ],
)
def test_tc_words_are_read_as_tc_reads_them(words: str, obj: str, verb: str) -> None:
    """Hunt L (5): tc takes any beginning of its objects and verbs, the first of its own
    table winning (tc/tc.c, tc_qdisc.c, tc_class.c, tc_filter.c, m_action.c)."""
    line = tcwords.read(words.split())
    assert line is not None and (line.obj, line.verb) == (obj, verb)


def test_the_read_back_of_a_qdisc_line_reads_abbreviations_too() -> None:
    """Hunt L (5): tc.parse_line read only ``tc qdisc``; it shares tcwords' reading."""
    assert tc.parse_line(["tc", "q", "r", "dev", "x", "root", "tbf", "rate", "1mbit"]) == (
        "x",
        tc.Impairment(rate=1_000_000),
    )
    assert tc.parse_line(["tc", "qd", "del", "dev", "x", "root"]) == ("x", None)
    assert list(kernelconfig._qdiscs("ip netns exec b tc q a dev wb root handle 2: prio")) == [
        "prio"
    ]


# -- 6: classifiers and actions -----------------------------------------------------------------


def test_police_is_preflighted_like_a_qdisc() -> None:
    """Hunt L (07b): step 25, ``... u32 ... police rate 1mbit burst 10k drop``, failed with
    "Failed to load TC action module" (no CONFIG_NET_ACT_POLICE) and the run rolled back.
    It is refused before anything runs now; u32 is built in, and police's ``drop`` is no
    gact."""
    plan = build(_page("07b-root-bridge-police-fixed.md"))
    assert _lacking(plan) == ["police action"]
    with pytest.raises(IplabError, match="this kernel has no police action") as e:
        kernelconfig.refuse_lacking(plan, CONFIG)
    assert "CONFIG_NET_ACT_POLICE is not set in /proc/config.gz" in str(e.value)
    assert e.value.loc is not None and e.value.loc.line


@pytest.mark.parametrize(
    ("line", "lacks"),
    [
        ("tc filter add dev v0 ingress flower skip_hw action drop", ["flower", "gact"]),
        ("tc filter add dev v0 parent ffff: matchall action gact pass", ["matchall", "gact"]),
        ("tc filter add dev v0 parent 1: basic classid 1:1", ["basic"]),
        ("tc filter add dev v0 parent 1: handle 6 fw classid 1:1", ["fw"]),
        ("tc filter add dev v0 parent ffff: bpf obj f.o da", []),
        ("tc f a dev v0 parent ffff: prio 1 u32 match u32 0 0 action mirred egress redirect"
         " dev v1", []),
        ("tc actions add action police rate 1mbit burst 10k", ["police"]),
    ],
)  # fmt: skip
def test_classifiers_and_actions_map_to_their_options(line: str, lacks: list[str]) -> None:
    """Hunt L (6): flower, matchall, basic, fw and gact are not in this kernel either
    (bpf, u32 and mirred are built in)."""
    text = f"ip link add v0 type veth peer name v1\n{line}\n"
    assert [w.split()[0] for w in _lacking(build(_scenario(text)))] == lacks


# -- 10: the host's own objects: no advice that loops ---------------------------------------------


def test_the_host_s_ifb0_and_eth0_are_named_plainly() -> None:
    """Hunt L (04): ``--prefix`` said "run without --prefix; or --no-preflight", without it
    "use --prefix P; ... or --no-preflight to run it anyway": either would change the host's
    own ifb0 and eth0. Now: the host's own link, and the page must be edited."""
    for prefix in ("", "hL4"):
        plan = build(_page("04-ifb-host-classic.md"), prefix=prefix, lenient=True)
        with pytest.raises(ModelError) as e:
            lab._hosts_own(plan, {"lo", "eth0", "ifb0"}, set())
        said = str(e.value)
        assert "would change this host's own link ifb0" in said
        assert "edit the page" in said and "--no-preflight" not in said
        assert "use --prefix" not in said


def test_a_tc_line_alone_on_the_host_s_eth0_is_caught_by_the_host_s_names() -> None:
    """Hunt L (04): after a raw step the model cannot read (modprobe), eth0 is only a
    warning to the model; the host has it, so a tc change of it is refused before a run."""
    text = "modprobe ifb\ntc qdisc add dev eth0 handle ffff: ingress\n"
    plan = build(_scenario(text), lenient=True)
    with pytest.raises(ModelError, match="would change this host's own link eth0"):
        lab._hosts_own(plan, {"lo", "eth0"}, set())


# -- 4: "When done:" starts the teardown ----------------------------------------------------------


def test_when_done_starts_the_teardown() -> None:
    """Hunt L (07c, 07): the "When done:" block was split: ``tc qdisc del ... ingress`` and
    both ``nomaster`` stayed in setup, so up ended with both ports out of the bridge (and
    verify said OK). The whole block is the teardown now."""
    page = (TC / "hunt-l-07c-root-bridge-no-police.md").read_text()
    result = import_text(page, "markdown", "07c.md")
    block = page.split("When done:\n\n```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert result.teardown == len(block) == 6
    assert list(result.lines[-6:]) == block
    assert "teardown:\n  - title: When done\n" in result.yaml.replace("'", "")


@pytest.mark.parametrize(
    ("said", "cleanup"),
    [
        ("When done:", True),
        ("When you are done:", True),
        ("When you're done with the lab:", True),
        ("Once you are finished, delete the namespaces:", True),
        ("When you are done, take the port out and delete the bridge:", True),
        ("To remove everything:", True),
        ("Tear it all down", True),
        ("Removing the lab", True),
        ("When done, ping again:", False),
        ("When you are done configuring, check it with:", False),
        ("Remove the lab's default route first:", False),
        ("Done. To remove it: `sudo ip link del vxlan0`.", False),
    ],
)
def test_the_words_that_announce_a_cleanup(said: str, cleanup: bool) -> None:
    """Hunt L (4): the end of a lab said as a time ("When done:", "once you are finished,
    delete ..."), or "to remove everything"; a step after "when done" that is no removal
    stays in setup. (The corpus, the blog and every other page keep their scenarios: their
    goldens; 06-brctl-old-school's "When you are done, take the port out and delete the
    bridge:" now starts its teardown there, as the page says.)"""
    assert bool(CLEANUP.search(said)) == cleanup


# -- 11: brctl's settings of a lab's bridge go with it --------------------------------------------


def test_brctl_settings_of_a_lab_bridge_are_not_listed_as_kept() -> None:
    """Hunt L (01, 07b): ``brctl setageing br0 30``, ``brctl setfd lab0 4`` and ``brctl
    sethello lab0 1`` on a bridge the lab made were listed as "iplab cannot undo", though
    deleting the bridge undoes them (import.md: changes on a lab link are not listed)."""
    for name in ("01-brctl-bridge.md", "07b-root-bridge-police-fixed.md"):
        page = (TC / f"hunt-l-{name}").read_text()
        kept = import_text(page, "markdown", name).cannot_undo
        assert not any("brctl" in line for line in kept), kept


# -- 8: a line ip refuses whatever the host holds -------------------------------------------------


def test_a_line_ip_refuses_may_fail_as_bash_goes_on_after_it() -> None:
    """Hunt L (07): ``sudo ip link set vblue-br mastr lab0`` (the page: "yes I typo'd mastr
    above, ip just prints an error, keep going") became a raw step that had to succeed;
    the run failed there and rolled back. ip refuses it whatever the host holds: the
    import says so, naming the line and ip's words, and the step may fail."""
    result = import_text((TC / "hunt-l-07-root-bridge-police.md").read_text(), "markdown", "07.md")
    said = [w for w in result.warnings if "mastr" in w]
    assert said == [
        "line 18: ip refuses 'sudo ip link set vblue-br mastr lab0' (either \"dev\" is"
        ' duplicate, or "mastr" is a garbage): did you mean \'sudo ip link set vblue-br master'
        " lab0'? it may fail here too, as bash goes on"
        " after it"
    ]
    steps = scenario.load_text(result.yaml, "07.yaml").setup
    typo = [s for s in steps if "mastr" in getattr(s.op, "command", "")]
    assert len(typo) == 1 and typo[0].may_fail


@pytest.mark.parametrize("word", ["mastr", "upp", "adress", "nomastr", "promisk"])
def test_what_iplab_says_ip_refuses_ip_refuses(word: str) -> None:
    """Each typo iplab calls a refusal is one ip 6.1 refuses on this machine, before it
    looks at the host (a device no host has); a setting's beginning is never called one."""
    line = f"ip link set dev hzz-no-such-dev {word} br0"
    assert ipgrammar.refusal(line) == f'either "dev" is duplicate, or "{word}" is a garbage'
    ip = subprocess.run(split(line), capture_output=True, text=True, check=False)
    assert ip.returncode != 0 and f'"{word}" is a garbage' in ip.stderr, ip.stderr


@pytest.mark.parametrize(
    "settings", ["ma br0", "master br0", "nomaster", "up", "txq 10", "alias a", "vf 0 mac x"]
)
def test_a_setting_or_its_beginning_is_no_refusal(settings: str) -> None:
    assert ipgrammar.refusal(f"ip link set dev x {settings}") is None
