"""Plain-text pages and pasted sessions (hunts L and P): a file with no mark of a page was
read as a shell script, so prose ran and prompts were commands.

* A forum post's last line ``touch base with me if it fails`` ran ``touch`` (six files
  left); an email's ``Hi Bob,`` and ``From: Alice`` were raw steps.
* A man page's ``Connect them with a veth pair and assign addresses:``, after a command,
  was taken for a command of an unknown program.
* A session pasted into a ``.txt`` (``alice@box:~$ sudo ip ...``, or ``# ip ...`` at a root
  prompt, which a script reads as comments) lost every command, or ran its prompts.
* A command the page shows failing (``Cannot find device "hpveth"``, the author's typo,
  fixed on the next line) made the model refuse the whole page.

The inputs are the hunts' own files (tests/fixtures/plaintext).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.prose import is_sentence, reads_as_prose
from iplab.importer.reader import prompt_of
from iplab.steps import LinkAdd, NetnsAdd, NetnsDel, Raw, Step

HERE = Path(__file__).parent / "fixtures"
TEXT = HERE / "plaintext"
SCRIPTS = sorted([*(HERE / "tutorials").glob("*.sh"), *(HERE / "import").glob("*.sh")])


def _imported(path: Path) -> tuple[list[Step], tuple[str, ...]]:
    text = path.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(path.name, text), path.name)
    return list(scenario.load_text(result.yaml, "page.yaml").steps), result.warnings


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        ("touch base with me if it fails", True),
        ("Hi Bob,", True),
        ("From: Alice <alice@example.org>", True),
        ("Connect them with a veth pair and assign addresses:", True),
        ("That's expected, it only creates the namespace.", True),
        ("ip link set dev veth0 up", False),
        ("ip rule add from 10.0.0.0/8 to 10.1.0.0/16 table 10", False),
        ("NS=red ip netns add $NS", False),
        ("Xvfb :1", False),
        ("echo this is it with you", False),  # (words to print)
        ("ip netns exec red echo hello from the namespace", False),
        ("touch a b", False),
    ],
)
def test_a_sentence_is_told_from_a_command(line: str, prose: bool) -> None:
    assert is_sentence(line) is prose


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
@pytest.mark.parametrize("name", ["lab", "lab.txt", "-"])
def test_a_script_without_its_extension_is_still_a_script(script: Path, name: str) -> None:
    assert detect_kind(name, script.read_text(encoding="utf-8")) == "shell"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("email.txt", "markdown"),
        ("forum_touch.txt", "markdown"),
        ("manpage.txt", "markdown"),
        ("root-session.txt", "session"),
        ("user-session.txt", "session"),
    ],
)
def test_a_plain_text_page_or_session_is_read_as_one(name: str, kind: str) -> None:
    text = (TEXT / name).read_text(encoding="utf-8")
    assert detect_kind(name, text) == kind
    assert detect_kind("pasted", text) == kind or not reads_as_prose("", text)


def test_a_post_s_last_sentence_is_not_run() -> None:
    steps, _ = _imported(TEXT / "forum_touch.txt")
    assert not any("touch" in str(s.op) for s in steps)
    assert [type(s.op) for s in steps][:3] == [NetnsAdd, NetnsAdd, LinkAdd]


def test_an_email_s_words_are_not_steps() -> None:
    steps, _ = _imported(TEXT / "email.txt")
    raw = [s.op.command for s in steps if isinstance(s.op, Raw)]
    assert not any(w in " ".join(raw) for w in ("Hi Bob", "From:", "Cheers", "That's"))
    assert NetnsAdd(name="e2") in [s.op for s in steps]


def test_a_mail_s_quoted_lines_are_the_other_writer_s_not_read() -> None:
    """Hunt X: the lines a netdev reply quotes (``> ip netns add nsa``...) were imported,
    then the reply's own fix was refused: "namespace nsa already exists"."""
    text = (TEXT / "netdev-reply.eml").read_text(encoding="utf-8")
    lines = text.splitlines()
    result = import_text(text, detect_kind("netdev-reply.eml", text), "netdev-reply.eml")
    assert result.lines == tuple(line.strip() for line in lines[23:29])  # the reply's, 24-29
    assert result.model_error is None
    assert result.warnings[0].startswith(
        "lines 13-17: quoted ('> ') from the message this one replies to, the other writer's"
        " text: not read ('ip netns add nsa', 'ip link add va type veth peer name vb', ...)"
    )


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("page.md", "# Lab\n\nMake it:\n\n> ip netns add q2\n"),  # a Markdown page's quote
        ("notes.txt", "```\n$ ip netns add q\n```\n\nThen:\n\n> ip netns add q2\n"),  # a fence
    ],
)
def test_a_quote_is_the_pages_own_where_the_page_is_no_mail(name: str, page: str) -> None:
    assert "ip netns add q2" in import_text(page, detect_kind(name, page), name).lines


def test_a_man_page_s_sentences_between_commands_are_prose() -> None:
    steps, _ = _imported(TEXT / "manpage.txt")
    assert not any(isinstance(s.op, Raw) for s in steps)
    assert len(steps) == 10


@pytest.mark.parametrize("name", ["root-session.txt", "user-session.txt"])
def test_a_pasted_session_s_prompted_lines_are_its_commands(name: str) -> None:
    steps, warnings = _imported(TEXT / name)
    raw = [s.op.command for s in steps if isinstance(s.op, Raw)]
    assert not any(r.startswith(("alice@", "[sudo]", "Cannot", "PING", "64 bytes")) for r in raw)
    assert sum(isinstance(s.op, NetnsAdd) for s in steps) >= 1
    assert steps[-1].phase == "teardown"
    if name == "root-session.txt":  # its typo, shown failing, then fixed
        assert (
            "line 4: the page shows 'ip addr add 10.79.7.1/24 dev hpveth' fail;"
            " it may fail here too"
        ) in warnings
        failing = [s.op for s in steps if s.may_fail]
        assert [getattr(op, "dev", None) for op in failing] == ["hpveth"]


def test_a_variable_set_at_a_root_prompt_is_a_command() -> None:
    """Hunt N: ``# C1=$!`` at a ``#`` prompt was taken for the output of the job before it,
    so every ``$C1`` after it was unknown and the run failed."""
    page = (
        "```\n# unshare --net --fork sleep infinity &\n[1] 31337\n# C1=$!\n"
        "# ip link add v1 type veth peer name c1\n# ip link set c1 netns $C1\n```\n"
    )
    result = import_text(page, "markdown", "page.md")
    assert not any("cannot resolve" in w for w in result.warnings), result.warnings
    steps = scenario.load_text(result.yaml, "page.yaml").steps
    assert dict(steps[-1].variables) == {"C1": "%1"}
    assert prompt_of("# C1 is the container's pid", root_hash=True) is None  # a comment


@pytest.mark.parametrize(
    "prompt",
    [
        "carol@thinkpad ~/netlab (main)> ",  # fish
        "~/netlab> ",
        "$> ",
        "\u276f\u276f ",
        "(venv) carol@box:~/lab (main)$ ",  # bash with git's branch
        "carol@box:~/lab (main *)$ ",
        "carol@box ~/lab (main) $ ",
        "bash-5.1# ",  # bash's own
        "sh-4.2# ",
        "\u2514\u2500$ ",  # Kali's second line
    ],
)
def test_a_prompt_people_use_is_a_prompt(prompt: str) -> None:
    """Hunt P: with these prompts the first line was a raw step (``carol@thinkpad`` as the
    program) and every later line its output: seven commands lost, and no warning."""
    page = "".join(
        f"```console\n{prompt}ip netns add hpa\n{prompt}ip netns add hpb\n"
        f"{prompt}ip netns del hpb\n```\n"
    )
    steps = scenario.load_text(import_text(page, "markdown", "p.md").yaml, "p.yaml").steps
    assert [s.op for s in steps] == [NetnsAdd(name="hpa"), NetnsAdd(name="hpb"),
                                     NetnsDel(name="hpb")]  # fmt: skip


def test_the_shell_s_history_is_read_as_commands() -> None:
    """Hunt P: ``history | grep ip`` (numbers with gaps) went to the description, its
    HISTTIMEFORMAT block was ignored, and a bare ``history`` file ran ``501`` as a program."""
    steps, warnings = _imported(TEXT / "history-grep.md")
    assert len(steps) == 12 and not any(isinstance(s.op, Raw) for s in steps[:7])
    assert "lines 17-18: the shell's history: its numbers and times taken off" in warnings
    text = (TEXT / "history.txt").read_text(encoding="utf-8")
    assert detect_kind("history.txt", text) == "session"
    steps, _ = _imported(TEXT / "history.txt")
    assert [type(s.op) for s in steps[:2]] == [NetnsAdd, NetnsAdd]
    assert not any(isinstance(s.op, Raw) for s in steps)  # (history's own line: no step)


def test_a_usage_text_printed_in_a_block_is_output() -> None:
    """Hunt P: ``ip netns help``'s usage, pasted under it without prompts, made steps of
    ``ip netns add NAME``, ``ip netns attach NAME PID`` and ``ip netns monitor``."""
    steps, _ = _imported(TEXT / "help-output.md")
    texts = [getattr(s.op, "name", None) for s in steps]
    assert "NAME" not in texts
    assert len(steps) == 11
    result = import_text((TEXT / "help-output.md").read_text(), "markdown", "h.md")
    assert "monitor" not in "\n".join(result.lines)


def test_a_namespace_s_script_that_only_prints_is_still_a_step() -> None:
    """Hunt P: ``sudo ip netns exec ns sh -c 'printf hi'`` was kept as a note: not rendered,
    not run, though the page runs it."""
    page = (
        "```bash\nsudo ip netns add hpzt\nsudo ip netns exec hpzt sh -c 'printf hi'\n"
        "sudo ip netns del hpzt\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    assert "sudo ip netns exec hpzt sh -c 'printf hi'" in result.lines
    steps = scenario.load_text(result.yaml, "p.yaml").steps
    assert len(steps) == 3


def test_a_session_s_retries_and_abandoned_lines() -> None:
    """Hunt P: ``sudo !!`` was a raw step (what bash echoed, the real command, was dropped as
    output); ``$ ^C`` was a raw step; a line shown failing for want of sudo, then retried
    with it, made the model refuse the page (as root, the first succeeds)."""
    result = import_text((TEXT / "bangbang.md").read_text(), "markdown", "b.md")
    assert result.lines[0] == "sudo ip netns add hpbang"
    assert "^C" not in result.lines and "sudo !!" not in result.lines
    assert "line 6: 'sudo !!' read as bash ran it: 'sudo ip netns add hpbang'" in result.warnings
    assert "line 19: '^C' left at the prompt: not run" in result.warnings
    assert result.model_error is None


def test_a_gist_s_undo_label_announces_its_cleanup() -> None:
    """Hunt N: ``undo:`` before the last block made its lines setup steps."""
    steps, _ = _imported(TEXT / "undo-gist.md")
    assert [s.phase for s in steps][-2:] == ["teardown", "teardown"]
    assert all(s.phase == "setup" for s in steps[:-2])


def test_a_namespace_named_by_a_link_to_a_pid_in_a_variable() -> None:
    """Hunt N: ``ln -sfT /proc/$pid/ns/net /var/run/netns/web`` named no namespace (with a
    literal pid, it did)."""
    from iplab.ipgrammar import effects

    made = effects("ln -sfT /proc/$pid/ns/net /var/run/netns/web")
    assert made is not None and [e.name for e in made.creates] == ["web"]
    assert effects("rm /var/run/netns/$NAME") is None  # a name only the shell knows


def test_a_typescript_is_a_session_its_lines_counted_once() -> None:
    """Hunt P: script(1)'s CR CR LF counted each line twice in warnings ("line 28" for the
    line 15), and its colour codes hid the prompts from the session's detection."""
    path = TEXT / "typescript.log"
    text = path.read_bytes().decode("utf-8")  # (as iplab reads it: no newline translated)
    assert detect_kind(path.name, text) == "session"
    warnings = import_text(text, "session", path.name).warnings
    assert any(w.startswith("line 26: 'Script done on") for w in warnings), warnings


def test_a_worksheet_s_typo_shown_failing_to_open_a_namespace_may_fail() -> None:
    """Hunt U: ``Cannot open network namespace "lab6c": No such file or directory`` under
    a command was not read as the page showing it fail, so the model refused the sheet."""
    page = Path(__file__).parent / "fixtures" / "worksheets" / "typo-shown.md"
    result = import_text(page.read_text(), "markdown", page.name)
    assert "line 6: the page shows 'sudo ip link set v6a netns lab6c' fail" in " ".join(
        result.warnings
    )
    assert result.model_error is None


def test_a_thread_that_builds_again_after_its_cleanup_is_said() -> None:
    """Hunt X: the accepted answer's cleanup, then a second answer's whole lab, were read
    as the teardown, and the run said OK having built the second lab there. The import
    says so, naming the lines (they stay steps: nothing vanishes)."""
    page = Path(__file__).parent / "fixtures" / "threads" / "two-answers.md"
    result = import_text(page.read_text(), "markdown", page.name)
    said = [w for w in result.warnings if "the page builds again" in w]
    assert said == [
        "lines 37-49: after the cleanup that starts at line 27, the page builds again"
        " (another answer, or a start over?): they are read as teardown steps; cut them"
        " out, or import them apart, to keep one lab"
    ]
    # a page whose cleanup only deletes says nothing of the kind
    clean = import_text((TEXT / "undo-gist.md").read_text(), "markdown", "undo-gist.md")
    assert not any("builds again" in w for w in clean.warnings)


def test_words_after_a_silent_command_are_not_its_output() -> None:
    """Hunt X: in a pasted session, the asker's closing words ("Oh wait, sorry, it actually
    works...") after ``ip netns del right`` became that step's ``output:``. After a command
    that prints nothing, a sentence after a blank line is the author's; the failure a
    silent command prints (``Cannot find device "l0"``) is still its output."""
    steps, warnings = _imported(
        Path(__file__).parent / "fixtures" / "threads" / "pasted-session.txt"
    )
    last = steps[-1]
    assert isinstance(last.op, NetnsDel) and last.op.name == "right"
    assert last.output is None
    failed = [s for s in steps if s.output == 'Cannot find device "l0"']
    assert len(failed) == 1 and failed[0].may_fail
    assert any("the page shows 'ip netns exec right ip addr add" in w for w in warnings)
    said = [w.split(":")[0] for w in warnings if "is the author's words" in w]
    assert said == ["line 29", "line 30"]  # (the two lines of the asker's closing words)
