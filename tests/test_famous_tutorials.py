"""Well-known tutorials re-typed in their authors' style, as hunt Q found them (Docker's
docs, Red Hat's developer blog, a CSDN translation, the Arch wiki, Qiita, Scott Lowe's
blog, iximiuz): each case lost a command, turned one into output, or said a muddled
message before its fix. The pages are in ``tests/fixtures/famous/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.inverse import inverse
from iplab.journal import Entry, LabInfo, UndoRecord
from iplab.model import Judge, apply
from iplab.plan import build
from iplab.state import State
from iplab.steps import NetnsDel
from iplab.undo import destroy_plan
from iplab.words import placeholder

HERE = Path(__file__).parent / "fixtures" / "famous"


def _imported(name: str, kind: str = "markdown") -> ImportResult:
    text = (HERE / name).read_text(encoding="utf-8")
    return import_text(text, "shell" if kind == "shell" else "markdown", name)


def _steps(result: ImportResult) -> list[dict[str, Any]]:
    """The scenario's steps, as its YAML says them (a group's steps in their place)."""
    out: list[dict[str, Any]] = []
    for step in yaml.safe_load(result.yaml)["setup"]:
        out += step.get("steps", [step])
    return out


def test_a_bare_container_prompt_is_the_shell_s_and_the_page_goes_on_on_the_host() -> None:
    """Hunt Q (05, Docker's docs): ``root@63f36fc01b5f:/#`` with nothing typed after it,
    under ``docker run -i -t ... /bin/bash``, was never taken for the container's prompt;
    the first ``$`` line set it, so every host command after it was in the container, and
    the import found no command (exit 2)."""
    result = _imported("hunt-q-05-docker-docs-netns-by-hand.md")
    assert "sudo ip link add A type veth peer name B" in result.lines
    assert "sudo ip netns exec 3004 ip route add 10.1.1.1/32 dev B" in result.lines
    # (28 since the page's own clean-up after the container, ``find -L /var/run/netns -type l
    # -delete`` under a # comment line, is read as the command it is: tests/test_after_output)
    assert "find -L /var/run/netns -type l -delete" in result.lines
    assert len(result.lines) == 28
    assert not any("neither a command nor" in w for w in result.warnings)  # its # comments


def test_busybox_s_bare_prompt_and_another_shell_go_back_to_the_host() -> None:
    """Hunt Q (scratch-docker.md): busybox's ``/ #`` under ``docker run -it ... busybox sh``,
    then "At another shell:": both ``ip netns add`` lines were lost; and a page that shows
    no prompt of the container at all goes back to the host on the prose alone."""
    assert _imported("hunt-q-scratch-docker.md").lines == (
        "sudo ip netns add a",
        "sudo ip netns add b",
    )
    text = (HERE / "hunt-q-scratch-docker.md").read_text(encoding="utf-8")
    unprompted = text.replace("    / #\n", "")
    assert import_text(unprompted, "markdown", "t.md").lines == (
        "sudo ip netns add a",
        "sudo ip netns add b",
    )


def test_unknown_programs_at_a_root_hash_prompt_are_commands() -> None:
    """Hunt Q (03, Red Hat's virtual interfaces): in a block of ``# `` root prompts,
    ``# teamd -o -n -U -d -t team0 -c '{...}'`` was dropped ("neither a command nor the
    output of one") and ``# teamdctl team0 port add eth0`` silently became the output of
    ``ip link set eth1 down``."""
    result = _imported("hunt-q-03-redhat-virtual-interfaces.md")
    assert "teamdctl team0 port add eth0" in result.lines
    assert "teamdctl team0 port add eth1" in result.lines
    assert any(line.startswith("teamd -o -n -U -d -t team0 -c ") for line in result.lines)
    assert not any("teamd" in str(s.get("output", "")) for s in _steps(result))
    assert not any("teamd" in w for w in result.warnings)


def test_a_comment_between_silent_commands_is_not_their_output() -> None:
    """Hunt Q (06, a CSDN translation): ``# 分别放入两个 namespace`` and ``# 配置 IP 并启动``
    in a ``[root@localhost ~]#`` block became the output of ``ip link add`` and ``ip link
    set`` (which print nothing); the first such comment was said "ignored"."""
    result = _imported("hunt-q-06-csdn-chinese-netns-bridge.md")
    steps = _steps(result)
    assert not any("#" in str(s.get("output", "")) for s in steps)
    titles = [s.get("title") for s in steps]
    assert "分别放入两个 namespace" in titles and "配置 IP 并启动" in titles
    assert not any("neither a command nor" in w for w in result.warnings)


def test_the_arch_wiki_s_code_templates_are_read() -> None:
    """Hunt Q (08, the Arch wiki): ``{{hc|# ip netns exec ns0 ping -c 1 192.168.50.2|``
    and ``{{hc|$ ip netns list|`` were prose (the page read as Markdown), the ping lost
    without a word, and ``run`` checked "0/0 claims"; its headings and notes were output."""
    name = "hunt-q-08-archwiki-network-namespaces.wiki"
    text = (HERE / name).read_text(encoding="utf-8")
    assert detect_kind(name, text) == "markdown"
    result = import_text(text, "markdown", name)
    assert "ip netns exec ns0 ping -c 1 192.168.50.2" in result.lines
    assert "ip netns list" in result.lines
    steps = _steps(result)
    ping = next(s for s in steps if s["action"] == "probe")
    assert ping["output"].startswith("PING 192.168.50.2 (192.168.50.2)")
    assert "  - title: Running a shell inside a namespace\n" in result.yaml
    assert not any("==" in str(s.get("output", "")) for s in steps)
    assert result.warnings == () and result.model_error is None


def test_a_wiki_file_s_header_is_prose_and_bc_is_code() -> None:
    """Hunt Q (08): ``{{hc|/etc/hosts|...}}`` names a file (its text, shown, never run);
    ``{{bc|1=...}}`` is a block of code, ``<nowiki>`` taken off."""
    text = (
        "== Setup ==\n\n{{hc|/etc/netns/ns0/resolv.conf|\nnameserver 1.1.1.1\n}}\n\n"
        "{{bc|1=<nowiki>\n# ip netns add ns0\n# ip -n ns0 link set lo up\n</nowiki>}}\n"
    )
    result = import_text(text, "markdown", "t.wiki")
    assert result.lines == ("ip netns add ns0", "ip -n ns0 link set lo up")


def test_qiita_s_language_and_file_name_fence_is_the_language_s() -> None:
    """Hunt Q (09, Qiita): seven warnings "a code block marked 'bash:terminal' is read as
    shell (a misspelling of 'terminal')": ``bash:terminal`` is Qiita's language:filename."""
    result = _imported("hunt-q-09-qiita-japanese-container-network.md")
    assert not any("misspelling" in w for w in result.warnings), result.warnings
    assert len(result.lines) == 32
    for info in ("sh:setup.sh", "console:$", "shell-session:foo"):
        page = f"```{info}\n$ sudo ip netns add a\n```\n"
        said = import_text(page, "markdown", "t.md")
        assert said.lines == ("sudo ip netns add a",) and said.warnings == (), info
    with pytest.raises(UsageError, match="no command found"):  # a text file's: no step
        import_text("```text:out.txt\nip netns add a\n```\n", "markdown", "t.md")


def test_down_deletes_a_namespace_the_page_made_again_once() -> None:
    """Hunt Q (04b, iximiuz): the page deletes netns0 and makes it again; down ran
    ``ip netns del hQnetns0`` twice (the journal kept the undo of both adds), the second
    "Cannot remove namespace file"."""
    result = _imported("hunt-q-04b-iximiuz-no-host-nat.md")
    plan = build(scenario.load_text(result.yaml, "04b.yaml"))
    state, entries = State(), []
    for seq, pc in enumerate(plan.setup, start=1):
        op = pc.command.op
        undos = tuple(UndoRecord(u.op, u.guard) for u in inverse(state, op))
        apply(state, op, judge=Judge(strict=False))
        entries.append(Entry(seq, "r", seq, "setup", pc.command.text, (), undos, op, "done", 0))
    info = LabInfo("l", "r", "s", "h", "", 0.0, ["netns0", "netns1"], [])
    deletions = [
        u.op.name for _, u in destroy_plan(entries, info, state) if isinstance(u.op, NetnsDel)
    ]
    assert sorted(deletions) == ["netns0", "netns1"]


def test_a_placeholder_of_several_words_is_refused_like_one_of_one() -> None:
    """Hunt Q (01, Scott Lowe; scratch-ph.md): ``ip netns add <name>`` was refused as a
    placeholder, ``ip netns add <new namespace name>`` was not: check said "model: OK", and
    ``run --dry-run`` failed muddled ("this host does not have to")."""
    result = _imported("hunt-q-scratch-ph.md")
    assert result.model_error is not None and "holds <name>, a placeholder" in result.model_error
    spaced = import_text("```\nip netns add <new namespace name>\n```\n", "markdown", "t.md")
    assert spaced.model_error is not None
    assert "holds <new namespace name>, a placeholder" in spaced.model_error
    page = _imported("hunt-q-01-scott-lowe-netns.md")
    assert page.model_error is not None and "<new namespace name>" in page.model_error
    for redirection in ("ip a > out.txt", "cat < file", "sort <in.txt 2>err", "x <a >b"):
        assert placeholder(redirection) is None, redirection
    assert placeholder("ip netns exec <network namespace> <command to run>") == (
        "<network namespace>"
    )


def test_a_command_s_syntax_under_a_sentence_that_says_so_is_shown_not_run() -> None:
    """Hunt Q (01): "As before, the format this command follows is:", then ``ip netns exec
    <network namespace> <command to run against that namespace>``: a step iplab could not
    read, which ``run --dry-run`` named as a program the host lacks."""
    page = _imported("hunt-q-01-scott-lowe-netns.md")
    assert not any("<network namespace>" in line for line in page.lines)
    assert any(
        w.startswith("line 67: 'ip netns exec <network namespace>")
        and "is the command's syntax" in w
        for w in page.warnings
    ), page.warnings
