"""A live lab on the real kernel: exec, impairments, link faults, capture, the matrix.

Each test brings the try-it scenario up under its own prefix (tests/kernel.py) and
compares only its own objects; the prefix's finalizer deletes them even on failure.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.kernel import iplab, netns_names, root_links
from tests.test_json_output import assert_valid

pytestmark = pytest.mark.kernel

TRY_IT = "container-networking-part2-try-it"


def _tc(*args: str) -> str:
    return subprocess.run(["tc", *args], capture_output=True, text=True, check=False).stdout


def _ns(ns: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", "netns", "exec", ns, *argv], capture_output=True, text=True,
                          check=False)  # fmt: skip


@pytest.fixture
def lab(prefix: str, state_dir: Path) -> Iterator[str]:
    """The try-it lab, up (probes passed: ns1 and ns2 reach each other over br0)."""
    up = iplab("up", TRY_IT, "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    name = f"{prefix}{TRY_IT}"
    yield name
    iplab("down", name, state=state_dir)


def rtts(ns: str, target: str, *options: str) -> tuple[list[float], int]:
    """The round-trip times (ms) of the replies, and how many probes were sent."""
    out = _ns(ns, "ping", "-n", *options, target).stdout
    sent = re.search(r"(\d+) packets transmitted", out)
    return [float(t) for t in re.findall(r"time=([\d.]+) ms", out)], int(sent[1]) if sent else 0


def netem_missing(prefix: str) -> str | None:
    """Why netem cannot be used here (in a namespace of this test's own), or None."""
    ns = f"{prefix}probe"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        err = _ns(ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms").stderr
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
    return f"this kernel has no netem qdisc: tc says {err.strip()!r}" if err.strip() else None


def our_qdiscs(prefix: str) -> list[str]:
    """Qdiscs other than the kernel's defaults on any link of this test, in any namespace."""
    found = []
    for ns in [None, *sorted(n for n in netns_names() if n.startswith(prefix))]:
        argv = ["tc", "-j", "qdisc", "show"] if ns is None else ["ip", "netns", "exec", ns, "tc",
                                                                 "-j", "qdisc", "show"]  # fmt: skip
        out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
        for q in json.loads(out or "[]"):
            if str(q.get("dev", "")).startswith(prefix) and q.get("handle") != "0:":
                found.append(f"{ns}:{q['dev']}:{q['kind']}")
    return found


def audit(state: Path, lab: str) -> list[dict[str, Any]]:
    out = iplab("audit", "--json", "--lab", lab, state=state).stdout
    return [json.loads(line) for line in out.splitlines()]


# -- exec ----------------------------------------------------------------------------------------


def test_exec_runs_in_the_namespace_and_passes_the_exit_status(
    prefix: str, state_dir: Path, lab: str
) -> None:
    shown = iplab("exec", lab, "ns1", "--", "ip", "-br", "addr", state=state_dir)
    assert shown.returncode == 0, shown.stderr
    assert f"{prefix}vethX" in shown.stdout and "10.0.0.1/24" in shown.stdout
    assert f"{prefix}vethP" not in shown.stdout
    failed = iplab("exec", lab, f"{prefix}ns2", "--", "sh", "-c", "exit 7", state=state_dir)
    assert failed.returncode == 7
    foreign = iplab("exec", lab, "ipt0000ns1", "--", "true", state=state_dir)
    assert foreign.returncode == 2
    assert f"ipt0000ns1 is not a namespace of lab {lab}" in foreign.stderr
    assert "Traceback" not in foreign.stderr
    records = [r for r in audit(state_dir, lab) if r.get("kind") == "exec"]
    assert [(r["argv"][-3:], r["rc"]) for r in records] == [
        (["ip", "-br", "addr"], 0), (["sh", "-c", "exit 7"], 7)
    ]  # fmt: skip


# -- impairments ------------------------------------------------------------------------------


def test_rate_is_measured_by_ping_and_down_leaves_no_qdisc(
    prefix: str, state_dir: Path, lab: str
) -> None:
    ns1, ns2 = f"{prefix}ns1", f"{prefix}ns2"
    fast, _ = rtts(ns2, "10.0.0.1", "-s", "1400", "-c", "6", "-i", "0.2")
    shaped = iplab("impair", lab, "vethX", "--rate", "16kbit", state=state_dir)
    assert shaped.returncode == 0, shaped.stdout + shaped.stderr
    assert f"ip netns exec {ns1} tc qdisc replace dev {prefix}vethX root tbf rate 16kbit" in (
        shaped.stdout
    )
    assert "verify: tc holds rate 16kbit" in shaped.stdout
    # ns1's replies leave through the 16 kbit/s bucket: 1442-byte frames take 0.7 s each
    slow, sent = rtts(ns2, "10.0.0.1", "-s", "1400", "-c", "6", "-i", "0.2")
    assert len(fast) == 6 and max(fast) < 150, fast
    assert len(slow) < sent or max(slow) > 250, slow  # queued, or dropped from the queue
    assert max(slow, default=1000) > 250 or len(slow) <= 2, slow
    status = json.loads(iplab("status", "--lab", lab, "--json", state=state_dir).stdout)
    assert status["impairments"] == [
        {"netns": ns1, "link": f"{prefix}vethX", "qdisc": "tbf", "rate": "16kbit"}
    ]
    assert status["differences"] == []
    assert_valid("status", status)
    assert f"live: {ns1}:{prefix}vethX rate 16kbit" in iplab("ls", state=state_dir).stdout
    (listed,) = [x for x in json.loads(iplab("ls", "--json", state=state_dir).stdout)
                 if x["lab"] == lab]  # fmt: skip
    assert listed["live"] == {"links_down": [], "impairments": [
        {"netns": ns1, "link": f"{prefix}vethX", "qdisc": "tbf", "rate": "16kbit"}]}  # fmt: skip
    # the root namespace's end of the lab too
    assert iplab("impair", lab, "vethY", "--rate", "1mbit", state=state_dir).returncode == 0
    assert sorted(our_qdiscs(prefix)) == sorted([f"None:{prefix}vethY:tbf",
                                                 f"{ns1}:{prefix}vethX:tbf"])  # fmt: skip
    down = iplab("down", lab, state=state_dir)
    assert down.returncode == 0, down.stderr
    assert f"undo: ip netns exec {ns1} tc qdisc del dev {prefix}vethX root" in down.stderr
    assert our_qdiscs(prefix) == []
    assert not [n for n in netns_names() if n.startswith(prefix)]


def test_clear_and_replace_are_journaled_with_their_inverse(
    prefix: str, state_dir: Path, lab: str
) -> None:
    ns1 = f"{prefix}ns1"
    assert iplab("impair", lab, "ns1:vethX", "--rate", "10mbit", state=state_dir).returncode == 0
    again = iplab("impair", lab, f"{ns1}:{prefix}vethX", "--rate", "2mbit", state=state_dir)
    assert again.returncode == 0, again.stderr
    journal = (state_dir / "labs" / lab / "journal.jsonl").read_text().splitlines()
    intents = [json.loads(x) for x in journal if '"phase":"live"' in x and '"intent"' in x]
    # the second one's inverse puts the first one back; the first one's removes it
    assert [i["undo"][0]["op"]["command"] for i in intents] == [
        f"tc qdisc del dev {prefix}vethX root",
        f"tc qdisc replace dev {prefix}vethX root tbf rate 10mbit burst 12500 latency 50ms",
    ]
    clear = iplab("impair", lab, "vethX", "--clear", state=state_dir)
    assert clear.returncode == 0, clear.stderr
    assert "verify: tc holds no impairment" in clear.stdout
    assert our_qdiscs(prefix) == []
    nothing = iplab("impair", lab, "vethX", "--clear", state=state_dir)
    assert (nothing.returncode, nothing.stdout) == (
        0,
        f"{ns1}:{prefix}vethX: no impairment to clear\n",
    )
    assert "live:" not in iplab("ls", state=state_dir).stdout
    assert iplab("down", lab, state=state_dir).returncode == 0
    assert our_qdiscs(prefix) == []


def test_netem_delay_and_loss_are_measured(prefix: str, state_dir: Path, lab: str) -> None:
    if why := netem_missing(prefix):
        refused = iplab("impair", lab, "vethX", "--delay", "100ms", state=state_dir)
        assert refused.returncode == 1
        assert "the kernel has no netem qdisc" in refused.stderr
        assert "modprobe sch_netem" in refused.stderr
        assert our_qdiscs(prefix) == []  # the failed command left nothing to undo
        pytest.skip(why)
    ns2 = f"{prefix}ns2"
    delayed = iplab("impair", lab, "vethX", "--delay", "100ms", state=state_dir)
    assert delayed.returncode == 0, delayed.stdout + delayed.stderr
    times, _ = rtts(ns2, "10.0.0.1", "-c", "5", "-i", "0.2")
    assert len(times) == 5 and min(times) >= 99 and sorted(times)[2] < 400, times
    lossy = iplab("impair", lab, "vethX", "--loss", "50%", state=state_dir)
    assert lossy.returncode == 0, lossy.stdout + lossy.stderr
    times, sent = rtts(ns2, "10.0.0.1", "-c", "40", "-i", "0.05", "-W", "1")
    # P(40 probes lose fewer than 5 | p = 0.5) is about 1e-7
    assert sent == 40 and len(times) <= 35, times
    assert iplab("down", lab, state=state_dir).returncode == 0
    assert our_qdiscs(prefix) == []


def test_sigkill_during_an_impair_then_down_restores_the_host(
    prefix: str, state_dir: Path, lab: str
) -> None:
    killed = iplab("impair", lab, "vethY", "--rate", "1mbit", state=state_dir,
                   env={"IPLAB_FAULT": "after-run:1"})  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert our_qdiscs(prefix) == [f"None:{prefix}vethY:tbf"]  # ran, its outcome never recorded
    before_run = iplab("impair", lab, "vethX", "--rate", "1mbit", state=state_dir,
                       env={"IPLAB_FAULT": "before-run:1"})  # fmt: skip
    assert before_run.returncode == -signal.SIGKILL
    down = iplab("down", lab, state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert our_qdiscs(prefix) == []
    assert not [n for n in netns_names() if n.startswith(prefix)]
    assert not [x for x in root_links() if str(x["ifname"]).startswith(prefix)]


# -- link faults ------------------------------------------------------------------------------


def test_a_link_set_down_then_up_and_down_restores(prefix: str, state_dir: Path, lab: str) -> None:
    def state_of(link: str) -> bool:
        data = json.loads(iplab("status", "--lab", lab, "--json", state=state_dir).stdout)
        for space in data["namespaces"]:
            for entry in space["links"]:
                if entry["name"] == link:
                    return bool(entry["up"])
        raise AssertionError(link)

    vethq = f"{prefix}vethQ"
    down = iplab("link", lab, "vethQ", "down", state=state_dir)
    assert down.returncode == 0, down.stderr
    assert f"verify: root:{vethq} is down" in down.stdout
    assert state_of(vethq) is False
    assert iplab("test", lab, state=state_dir).returncode == 1  # ns2 is cut off
    assert f"root:{vethq} down" in iplab("ls", state=state_dir).stdout
    listed = json.loads(iplab("ls", "--json", state=state_dir).stdout)
    assert_valid("ls", listed)
    assert [x["live"]["links_down"] for x in listed if x["lab"] == lab] == [
        [{"netns": None, "link": vethq}]
    ]
    up = iplab("link", lab, "vethQ", "up", state=state_dir)
    assert up.returncode == 0, up.stderr
    assert state_of(vethq) is True
    assert "live:" not in iplab("ls", state=state_dir).stdout
    assert iplab("link", lab, "vethQ", "down", state=state_dir).returncode == 0
    assert iplab("down", lab, state=state_dir).returncode == 0
    assert not [x for x in root_links() if str(x["ifname"]).startswith(prefix)]


# -- capture ------------------------------------------------------------------------------------


def test_capture_writes_a_pcap_holding_the_probe(
    prefix: str, state_dir: Path, lab: str, tmp_path: Path
) -> None:
    pcap = tmp_path / "vethX.pcap"
    env = {"IPLAB_STATE_DIR": str(state_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "iplab", "capture", lab, "vethX", "-w", str(pcap), "-c", "2",
         "--duration", "30", "--filter", "icmp"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (pcap.exists() and pcap.stat().st_size >= 24):
            time.sleep(0.1)
        time.sleep(0.3)
        _ns(f"{prefix}ns2", "ping", "-c", "1", "-W", "2", "10.0.0.1")
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    data = pcap.read_bytes()
    assert data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"), data[:4]  # pcap magic
    read = subprocess.run(["tcpdump", "-n", "-r", str(pcap)], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert "10.0.0.2 > 10.0.0.1: ICMP echo request" in read.stdout, read.stdout
    assert "10.0.0.1 > 10.0.0.2: ICMP echo reply" in read.stdout, read.stdout
    records = [r for r in audit(state_dir, lab) if r.get("kind") == "capture"]
    assert len(records) == 1 and records[0]["rc"] == 0
    assert records[0]["argv"][:5] == ["ip", "netns", "exec", f"{prefix}ns1", "timeout"]


# -- the connectivity matrix ----------------------------------------------------------------


def before_the_bridge(tmp_path: Path) -> Path:
    """The try-it scenario cut before its bridge: its last probe says ns1 cannot reach ns2."""
    import yaml

    data = yaml.safe_load((REPO / "scenarios" / f"{TRY_IT}.yaml").read_text())
    titles = [step.get("title") for step in data["setup"]]
    data["setup"] = data["setup"][: titles.index("Connect the two namespaces with a bridge")]
    data["teardown"] = [s for s in data["teardown"] if s.get("dev") != "br0"]
    path = tmp_path / "before-bridge.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_matrix_matches_the_scenario_before_and_after_the_bridge(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    early = before_the_bridge(tmp_path)
    name = f"{prefix}early"
    up = iplab("up", str(early), "--prefix", prefix, "--lab", name, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    before = iplab("test", name, "--junit", str(tmp_path / "before.xml"), state=state_dir)
    assert before.returncode == 0, before.stdout + before.stderr
    assert [line.split() for line in before.stdout.splitlines()] == [
        ["from", "\\", "to", "10.0.0.2"], [f"{prefix}ns2"], [f"{prefix}ns1", "no"],
        ["OK:", "1/1", "pairs", "as", "expected"],
    ]  # fmt: skip
    suite = ET.parse(tmp_path / "before.xml").getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    # every pair, expected reachable by default: the missing bridge shows
    everything = iplab("test", name, "--all", "--json", state=state_dir)
    assert everything.returncode == 1
    report = json.loads(everything.stdout)
    assert [(p["from"], p["to"], p["expected"], p["reached"]) for p in report["pairs"]] == [
        (f"{prefix}ns1", "10.0.0.2", False, False), (f"{prefix}ns2", "10.0.0.1", True, False),
    ]  # fmt: skip
    assert iplab("down", name, state=state_dir).returncode == 0

    up = iplab("up", TRY_IT, "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    lab = f"{prefix}{TRY_IT}"
    after = iplab("test", lab, "--junit", str(tmp_path / "after.xml"), "--json", state=state_dir)
    assert after.returncode == 0, after.stdout + after.stderr
    pairs = json.loads(after.stdout)["pairs"]
    assert [(p["from"], p["to"], p["reached"], p["ok"]) for p in pairs] == [
        (f"{prefix}ns1", "10.0.0.2", True, True), (f"{prefix}ns2", "10.0.0.1", True, True),
    ]  # fmt: skip
    suite = ET.parse(tmp_path / "after.xml").getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")
    probes = [r for r in audit(state_dir, lab) if r.get("kind") == "probe"]
    assert len(probes) == 2
    assert all(str(r["text"]).startswith(f"ip netns exec {prefix}ns") for r in probes)
    assert iplab("down", lab, state=state_dir).returncode == 0


# -- the scenario forms -------------------------------------------------------------------------

SHAPED = """\
name: shaped
topology:
  bridges: [br0]
  namespaces: [{name: a, lo: up}, {name: b, lo: up}]
  veths:
    - {name: va, netns: a, peer: pa, bridge: br0, address: 10.9.0.1/24, impair: {rate: 16kbit}}
    - {name: vb, netns: b, peer: pb, bridge: br0, address: 10.9.0.2/24,
       peer_impair: {rate: 1mbit}}
setup:
  - flap: {link: pa, down: 3s}
    title: The bridge port goes away for a while
  - action: probe
    in: a
    target: 10.9.0.2
    wait: 2
"""


def test_scenario_impairments_and_a_flap(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "shaped.yaml"
    path.write_text(SHAPED)
    lab = f"{prefix}shaped"
    pa = f"{prefix}pa"
    proc = subprocess.Popen(
        [sys.executable, "-m", "iplab", "up", str(path), "--prefix", prefix],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "IPLAB_STATE_DIR": str(state_dir)},
    )  # fmt: skip
    seen: list[bool] = []

    def look() -> None:
        links = {str(x["ifname"]): "UP" in (x.get("flags") or []) for x in root_links()}
        if pa in links and (not seen or seen[-1] != links[pa]):
            seen.append(links[pa])

    try:
        while proc.poll() is None:
            look()
            time.sleep(0.05)
        look()  # as up left it (on a busy host, up may end between two looks)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out + err
    assert seen[-2:] == [False, True], seen  # the flapped port was down, then up again
    assert f"ip link set {pa} down" in out and "sleep 3" in out
    assert f"PASS {prefix}a reaches 10.9.0.2" in out
    assert sorted(our_qdiscs(prefix)) == [f"None:{prefix}pb:tbf", f"{prefix}a:{prefix}va:tbf"]
    status = json.loads(iplab("status", "--lab", lab, "--json", state=state_dir).stdout)
    assert status["differences"] == []
    assert {(r["link"], r["rate"]) for r in status["impairments"]} == {
        (f"{prefix}va", "16kbit"), (f"{prefix}pb", "1mbit")
    }  # fmt: skip
    assert iplab("down", lab, state=state_dir).returncode == 0
    assert our_qdiscs(prefix) == []


def test_shell_prompt_names_the_lab_and_the_namespace(
    prefix: str, state_dir: Path, lab: str
) -> None:
    shell = subprocess.run(
        [sys.executable, "-m", "iplab", "shell", lab, "ns2"],
        input="ip -br link show | cut -d' ' -f1\nexit 3\n", cwd=REPO, capture_output=True,
        text=True, env={**os.environ, "IPLAB_STATE_DIR": str(state_dir)}, timeout=60, check=False,
    )  # fmt: skip
    assert shell.returncode == 3, shell.stderr
    assert f"{prefix}vethP@" in shell.stdout and f"{prefix}vethX" not in shell.stdout
    assert f"[iplab {lab} {prefix}ns2]" in shell.stderr  # bash prints its prompt there


def test_verify_and_the_picture_show_what_the_kernel_holds(
    prefix: str, state_dir: Path, lab: str, tmp_path: Path
) -> None:
    assert iplab("impair", lab, "vethY", "--rate", "5mbit", state=state_dir).returncode == 0
    ok = iplab("verify", TRY_IT, "--prefix", prefix, state=state_dir)
    assert ok.returncode == 0, ok.stdout
    # someone changes the qdisc behind iplab's back: verify names the field
    subprocess.run(["tc", "qdisc", "replace", "dev", f"{prefix}vethY", "root", "tbf", "rate",
                    "4mbit", "burst", "6250", "latency", "50ms"], check=True)  # fmt: skip
    changed = iplab("verify", TRY_IT, "--prefix", prefix, state=state_dir)
    assert changed.returncode == 1
    assert f"root:{prefix}vethY.rate: expected 5mbit, found 4mbit" in changed.stdout
    dot = tmp_path / "lab.dot"
    drawn = iplab("graph", "--live", "--lab", lab, "-o", str(dot), state=state_dir)
    assert drawn.returncode == 0, drawn.stderr
    assert f"root:{prefix}vethY: tbf rate 4mbit" in dot.read_text()
    assert iplab("down", lab, state=state_dir).returncode == 0
    assert our_qdiscs(prefix) == []


def test_ctrl_c_ends_the_command_not_iplab_and_is_audited(
    prefix: str, state_dir: Path, lab: str
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "iplab", "exec", lab, "ns1", "--", "ping", "-n", "10.0.0.2"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "IPLAB_STATE_DIR": str(state_dir)}, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(2.5)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "packets transmitted" in out, out + err  # ping printed its summary
    assert proc.returncode == 0, err
    (record,) = [r for r in audit(state_dir, lab) if r.get("kind") == "exec"]
    assert record["argv"][-3:] == ["ping", "-n", "10.0.0.2"] and record["rc"] == 0


def test_a_stale_entry_of_run_netns_does_not_break_the_host_status(
    prefix: str, state_dir: Path
) -> None:
    """A file in /run/netns that is no namespace (left by a crash during ``ip netns add``):
    ``ip netns list`` shows it; the whole host's status names it and shows the rest."""
    stale = Path("/run/netns") / f"{prefix}st"
    Path("/run/netns").mkdir(exist_ok=True)
    stale.touch()  # the test's own prefix: the fixture's cleanup deletes it
    assert subprocess.run(["ip", "netns", "add", f"{prefix}ok"], check=False).returncode == 0
    text = iplab("status", state=state_dir)
    assert text.returncode == 0, text.stderr
    assert f"namespace {prefix}st: listed by `ip netns list`, but it could not be read" in (
        text.stdout
    )
    assert f"namespace {prefix}ok" in text.stdout
    data = json.loads(iplab("status", "--json", state=state_dir).stdout)
    assert_valid("status", data)
    assert f"{prefix}st" in data["unread"]
    assert f"{prefix}ok" in {space["name"] for space in data["namespaces"]}
