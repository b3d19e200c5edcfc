"""Hunt AE: Q&A threads and translated tutorials the importer read wrong (#1 a prose line
chaining commands on a page without code blocks, #2 HTML inline ``<code>`` commands after
a label, #3 a prompted line in a block not marked shell, #5 a comment ip refuses after a
command, #4 a line the page shows failing that would succeed here, #7 which step made or
deleted an object)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from iplab.importer.convert import ImportResult, detect_kind, import_text
from tests.conftest import REPO

HUNT = REPO / "tests" / "fixtures" / "threads-translated"


def _imported(name: str) -> ImportResult:
    text = (HUNT / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def _steps(result: ImportResult, section: str) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(result.yaml)
    found: list[dict[str, Any]] = []
    for block in loaded.get(section) or []:
        found += block.get("steps", [block] if "action" in block else [])
    return found


def test_a_bare_line_chaining_commands_with_semicolons_is_read_as_its_commands() -> None:
    """Hunt AE #1 (forum-quote-numbered.txt line 40): ``ip netns del red; ip netns del
    blue; ip link del br0`` on a page with no code blocks vanished with no word ("0
    teardown"), where one command on the line is read. Each command is now a teardown step."""
    result = _imported("forum-quote-numbered.txt")
    gone = [(s["action"], s.get("name", s.get("dev"))) for s in _steps(result, "teardown")]
    assert gone == [("netns del", "red"), ("netns del", "blue"), ("link del", "br0")]
    assert any(w.startswith("line 40: the page has no code blocks;") for w in result.warnings)


def test_a_chained_change_in_a_sentence_is_said_each_command() -> None:
    """Hunt AE #1 (discourse-reply.md line 36): ``(you'll need to `sudo ip netns del c1 &&
    sudo ip link del br0` first ...)`` disappeared with no warning: the chained span was no
    command iplab types. Each command is now named in the "prose names a change" warning."""
    warnings = _imported("discourse-reply.md").warnings
    said = [w for w in warnings if w.startswith("line 36: the prose names a change")]
    assert [w.split("'")[1] for w in said] == ["sudo ip netns del c1", "sudo ip link del br0"]


def test_html_inline_code_commands_after_a_label_are_read_as_backquoted_ones() -> None:
    """Hunt AE #2 (se-thread.html line 64, inline-code.html line 10): ``<strong>UPDATE
    2:</strong> to tear it down: <code>ip netns del app</code> and <code>ip link del
    br-lab</code>.`` gave 0 teardown steps and no warning (the ``<code>`` spans were plain
    words), where the same sentence in Markdown's backquotes gives two. Now two as well."""
    for name in ("se-thread.html", "inline-code.html"):
        result = _imported(name)
        gone = [(s["action"], s.get("name", s.get("dev"))) for s in _steps(result, "teardown")]
        assert gone == [("netns del", "app"), ("link del", "br-lab")], name
        assert not any("`" in note for note in result.yaml.split("\n") if "prose:" in note)


def test_a_prompted_line_in_a_block_marked_text_or_none_is_a_command() -> None:
    """Hunt AE #3 (se-thread.html line 59, ``<pre class="lang-none">``; text-block-prompt.md
    line 9, a ```text block): ``$ ip netns exec app ping -c 2 10.55.0.1`` and its output
    gave no step and no warning. The block is now read as a terminal's session, said."""
    for name, line in (("se-thread.html", 59), ("text-block-prompt.md", 9)):
        result = _imported(name)
        pings = [s for s in _steps(result, "setup") if s["action"] in ("probe", "netns exec")]
        said = [(s["in"], s.get("command", s.get("target"))) for s in pings]
        assert said in ([("app", "ping -c 2 10.55.0.1")], [("app", "10.55.0.1")]), name
        assert pings[0]["output"].startswith("PING 10.55.0.1")
        assert any(w.startswith(f"line {line}: a code block marked") for w in result.warnings)


def test_a_c_style_comment_after_a_bridge_is_refused_as_ip_does_with_no_creates() -> None:
    """Hunt AE #5 (zh2b.md line 19, from zh-blog2-comments.md): ``ip link add br0 type
    bridge    //创建网桥`` gave "model: OK" and a raw step claiming ``creates: br0``; the run
    failed on ip's ``bridge: unknown command "//创建网桥"?``. It is now said ip refuses it,
    the step may fail, and it claims no creates:."""
    result = _imported("zh2b.md")
    (step,) = [s for s in _steps(result, "setup") if "//" in s.get("command", "")]
    assert step["may_fail"] is True and "creates" not in step
    assert any(
        w.startswith("line 19: ip refuses") and 'bridge: unknown command "//创建网桥"?' in w
        for w in result.warnings
    )


def test_a_full_width_semicolon_in_an_exec_d_ip_command_is_refused_as_ip_does() -> None:
    """Hunt AE #5 (zh-csdn-netns.md line 36): ``ip netns exec ns1 ip link set lo up`` then
    a full-width semicolon and ``ip netns exec ns2 ...`` was an ordinary netns exec step
    with no warning; ip refuses ``up\uff1bip`` as it does the full-width ``#`` of line 24.
    Both are now said."""
    result = _imported("zh-csdn-netns.md")
    (step,) = [s for s in _steps(result, "setup") if "\uff1b" in s.get("command", "")]
    assert step["may_fail"] is True
    assert any(w.startswith("line 36: ip refuses") and '"up\uff1bip"' in w for w in result.warnings)
    assert any(w.startswith("line 24: ip refuses") for w in result.warnings)


def test_a_line_shown_failing_that_would_succeed_here_is_not_a_step() -> None:
    """Hunt AE #4 (so-ping-fails.md line 26): the asker's ``sudo ip link add veth0 type
    veth peer name veth1``, shown answering ``RTNETLINK answers: File exists``, was a step
    that may fail; veth0 and veth1 had gone into ns1 and ns2, so here it succeeded and left
    veth0 and veth1 in the root, which the page never had. It is now said, and not a step."""
    result = _imported("so-ping-fails.md")
    made = [s for s in _steps(result, "setup") if s["action"] == "link add"]
    assert [s.get("name") for s in made] == ["veth0"]
    assert any(
        w.startswith("line 26: the page shows 'sudo ip link add veth0 type veth peer name")
        and "but here it would succeed (veth0, made at line 10," in w
        for w in result.warnings
    )


def test_a_model_error_names_the_step_that_made_or_deleted_the_object() -> None:
    """Hunt AE #7 (habr-router.md line 80, discourse-reply.md line 24): the cleanup ``ip
    -all netns delete`` then the one the author offers instead (``ip netns del client1 &&
    ...``), and an asker's quoted commands then the fixed ones, were refused (rightly) with
    "namespace client1 does not exist at this step" / "namespace c1 already exists", not
    naming the step that deleted or made it. The message now names it, with a hint that
    the page holds two versions of the lab."""
    habr = _imported("habr-router.md").model_error or ""
    assert habr.startswith("teardown[1].steps[0] (line 80: ip netns del client1): namespace")
    assert "(deleted by line 73: ip -all netns delete; the page may hold two versions" in habr
    reply = _imported("discourse-reply.md").model_error or ""
    assert "namespace c1 already exists (made by line 10: sudo ip netns add c1;" in reply


def test_the_not_ascii_warning_says_what_prefix_renames_in_a_raw_step(tmp_path: Path) -> None:
    """Hunt AE #6 (zh-csdn-netns.md line 24): the warning for raw steps kept for a name
    that is not ASCII said "--prefix cannot rename them", yet ``render --prefix hE``
    printed ``ip link set hEveth-b netns hEns2 ...``: the names other steps make are
    renamed in them. The warning now says so."""
    result = _imported("zh-csdn-netns.md")
    (said,) = [w for w in result.warnings if "not ASCII" in w]
    assert said.endswith("--prefix renames in them only the names other steps make, not these)")
    scenario = tmp_path / "zh.yaml"
    scenario.write_text(result.yaml, encoding="utf-8")
    rendered = subprocess.run(
        [sys.executable, "-m", "iplab", "render", str(scenario), "--prefix", "hE"],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert "ip link set hEveth-b netns hEns2 " in rendered.stdout
