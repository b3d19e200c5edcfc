"""Leftovers of hunts AD, AE and AH in the importer, each as a user hits it (inputs rebuilt
from the hunts' reports under tests/fixtures/leftovers/): a plain-text session of few
commands that printed much read as prose, make's ``>>>`` lines taken for a mail's quote;
lines typed at a container shell's prompt after a label run on the host; a setup's last
``echo`` the title of the first teardown step; read-only lines listed as "cannot undo";
a Q&A page's furniture in the prose; a lowercase Dockerfile imported as shell."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.formats import not_a_script
from iplab.plan import build
from iplab.steps import LinkSet, NetnsDel, Raw
from iplab.words import reads_only

FIXTURES = Path(__file__).parent / "fixtures" / "leftovers"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "prompt",
    ["student@labvm:~/course/week3$ ", "[student@labvm week3]$ ", "root@labvm:/srv/week3# "],
)
def test_a_session_of_few_commands_that_printed_much_is_a_session(prompt: str) -> None:
    """Hunt AD #8: make-session.txt (``sudo make up`` at ``student@labvm:~/course/week3$``,
    then make's echoed recipe and its ``>>> creating namespaces``) was read as a page of
    prose: its prompted lines were lost ("the page has no code blocks") and make's ``>>>``
    lines were taken for a mail's quote. Read as a session now, whatever the prompt: the
    prompted lines its commands, the rest what they printed."""
    text = _text("make-session.txt").replace("student@labvm:~/course/week3$ ", prompt)
    assert detect_kind("make-session.txt", text) == "session"
    result = import_text(text, "session", "make-session.txt")
    assert result.lines == (
        "sudo make up",
        "ip netns list",
        "sudo ip netns exec red ping -c 1 10.10.0.2",
        "sudo make down",
    )
    assert not any("quoted ('> ')" in w for w in result.warnings)
    loaded = scenario.load_text(result.yaml, "ms.yaml")
    assert ">>> creating namespaces" in (loaded.setup[0].output or "")


def test_make_s_chevrons_on_a_page_of_prose_are_no_mail_quote() -> None:
    """Hunt AD #8: on a page of notes (no mail: no ``wrote:``, no ``> `` quoting), make's
    ``>>> creating namespaces`` was a quote of "the message this one replies to", and the
    commands after it were not read: "no command found"."""
    text = _text("make-notes.txt")
    result = import_text(text, detect_kind("make-notes.txt", text), "make-notes.txt")
    assert result.lines == (
        "ip netns add red",
        "ip netns add blue",
        "ip link add br-lab type bridge",
        "ip link set br-lab up",
    )
    assert not any("quoted ('> ')" in w for w in result.warnings)


def test_lines_back_at_a_container_shell_s_prompt_run_in_its_namespace() -> None:
    """Hunt AH #3: after ``sudo ip netns exec red bash`` (prompt ``root@lab:/home/alice#``),
    a label ``Terminal 2:`` and two host lines at the opener's prompt, "Back in terminal
    1:" and its lines at the container's prompt ran on the host (``ip addr add ... dev
    veth-r``: veth-r is in red). They are typed in red's shell again, until its ``exit``;
    the host's lines stay the host's."""
    result = import_text(_text("two-terminals-netns-bash.txt"), "session", "tt.txt")
    assert result.model_error is None, result.model_error
    loaded = scenario.load_text(result.yaml, "tt.yaml")
    where = [(type(s.op).__name__, getattr(s.op, "ns", None)) for s in loaded.setup[5:]]
    assert where == [
        ("AddrAdd", None),  # Terminal 2: the host's
        ("LinkSet", None),
        ("AddrAdd", "red"),  # back in terminal 1, at red's shell's prompt
        ("LinkSet", "red"),
        ("Probe", "red"),
    ]
    assert [type(s.op).__name__ for s in loaded.teardown] == ["NetnsDel"]


def test_lines_back_at_an_unnamed_namespace_s_prompt_are_not_the_host_s() -> None:
    """Hunt AH #3: 08-two-terminals-unshare-bash.txt: "Back in terminal 1:" and its lines at
    ``root@lab:/home/vagrant#`` (the shell ``sudo unshare --net --uts /bin/bash`` opened)
    were host steps (check: "lo of the root namespace is the host's own"), with a warning
    that the shell was never left, though the file ends with its ``exit``. They are that
    shell's lines: notes, as its first ones are (a namespace with no name)."""
    result = import_text(_text("two-terminals-unshare-bash.txt"), "session", "tt.txt")
    loaded = scenario.load_text(result.yaml, "tt.yaml")
    assert not any(isinstance(s.op, LinkSet) and s.op.dev == "lo" for s in loaded.setup)
    assert "ip addr add 10.200.1.2/24 dev veth1" not in result.lines
    assert not any("never left with exit" in w for w in result.warnings)
    assert not any(isinstance(s.op, Raw) and "ping" in s.op.command for s in loaded.setup)


def test_a_setup_s_last_echo_is_not_the_title_of_the_first_teardown_step() -> None:
    """Hunt AD #8: ``make -n up down`` (make-n.txt) ends its setup with ``echo "lab is up"``;
    it was the title of the first teardown step (``title: lab is up`` over ``ip netns del
    red``). The words stay, as that step's prose; an echo that announces the removal is
    still its title."""
    text = _text("make-n.txt")
    loaded = scenario.load_text(import_text(text, "shell", "make-n.txt").yaml, "mn.yaml")
    first = loaded.teardown[0]
    assert first.title is None and first.prose == "lab is up"
    assert str(first.op) == str(NetnsDel(name="red"))
    announced = text.replace('echo "lab is up"', 'echo "removing the namespaces"')
    again = scenario.load_text(import_text(announced, "shell", "make-n.txt").yaml, "mn.yaml")
    assert again.teardown[0].title == "removing the namespaces"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("docker-netns-peek.md", "docker exec web ip a"),
        ("docker-netns-peek.md", "sudo nsenter -t $pid -n ip -br addr"),
        ("03-runc-netns.md", "sudo runc list"),
        ("03-runc-netns.md", "sudo runc exec mycont1 ip addr show eth0"),
        ("06-container-from-scratch-chroot.md", "chroot rootfs /bin/ls /bin | head -3"),
        ("06-container-from-scratch-chroot.md", 'ps -ef | grep "sleep 3600"'),
    ],
)
def test_a_line_that_only_reads_where_it_enters_is_no_change_to_undo(name: str, line: str) -> None:
    """Hunt AH #7: read-only lines run in a container, a namespace entered by pid or a root
    (``docker exec web ip a``, ``runc list``, ``nsenter -t $pid -n ip -br addr``, ``runc
    exec c ip addr show eth0``, ``chroot rootfs /bin/ls /bin | head -3``) were listed as
    steps "iplab cannot undo": they change nothing."""
    result = import_text(_text(name), "markdown", name)
    assert line in result.lines
    assert not [c for c in result.cannot_undo if c.endswith(f"): {line}")]


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("docker exec web ip a", True),
        ("docker exec -e A=1 $C cat /etc/hosts", True),
        ("docker network inspect lab", True),
        ("runc list", True),
        ("nsenter --net=/run/netns/a ip a", True),
        ("docker exec web ip link set eth0 down", False),
        ("docker exec -d web ping 10.0.0.1", False),
        ("docker exec -it web sh", False),
        ("runc exec -p process.json c", False),
        ("nsenter -t $pid -n ip link set lo up", False),
        ("nsenter -t 1 -n", False),
        ("chroot rootfs", False),
        ("runc delete c", False),
    ],
)
def test_what_a_runtime_runs_inside_is_read_as_it_would_be_anywhere(
    command: str, reads: bool
) -> None:
    """Hunt AH #7: the reader asks of the command a runtime runs inside, not of the runtime."""
    assert reads_only(command) is reads


@pytest.mark.parametrize("name", ["lower.dockerfile.txt", "-"])
def test_a_lowercase_dockerfile_is_refused_as_the_uppercase_one_is(name: str) -> None:
    """Hunt AD #8: lower.dockerfile.txt (``from ubuntu:22.04``, ``run apt-get ...``, which
    Docker reads as it reads FROM and RUN) was imported as shell, ``rm -rf
    /var/lib/apt/lists/*`` a raw step. Refused, with the advice the uppercase one gets."""
    text = _text("lower.dockerfile.txt")
    with pytest.raises(UsageError) as lower:
        detect_kind(name, text)
    with pytest.raises(UsageError) as upper:
        detect_kind(name, text.replace("from ", "FROM ").replace("run ", "RUN "))
    said = str(lower.value)
    assert said.startswith(f"{name}: a Dockerfile, by its first instruction at line 2: ")
    assert said.split("': ", 1)[1] == str(upper.value).split("': ", 1)[1]


def test_a_line_that_only_starts_with_from_is_no_dockerfile() -> None:
    """The lowercase reading asks ``from IMAGE [as NAME]`` alone on the first instruction's
    line: a note's ``from me to you`` above an ``env`` line is no Dockerfile."""
    assert not_a_script("notes", "from me to you, the lab\nenv NS=red ip netns add red\n") is None
    assert not_a_script("notes", "from alpine:3.19 as base\nrun apk add iproute2\n")


def test_a_q_and_a_site_s_furniture_is_no_title_nor_prose() -> None:
    """Hunt AE #8: a thread copied with its site's furniture ("Asked 3 years ago · Modified
    1 year ago · Viewed 24k times", vote counts, "asked Feb 2, 2021 at 14:02 alice", "✔
    Accepted", "Share Improve this answer Follow") had it in its steps' prose. Dropped;
    the question's and the answer's words stay."""
    result = import_text(_text("so-veth-ping.md"), "markdown", "so-veth-ping.md")
    loaded = scenario.load_text(result.yaml, "so.yaml")
    said = "\n".join(f"{s.title or ''}\n{s.prose or ''}" for s in loaded.steps)
    for furniture in ("Asked 3 years", "asked Feb 2", "Accepted", "Share Improve", "answered"):
        assert furniture not in said
    assert "\n12\n" not in f"\n{said}\n" and "\n31\n" not in f"\n{said}\n"
    assert "3 Answers" not in said
    assert [s.title for s in loaded.steps if s.title] == [
        'I created two namespaces and a veth pair, but ping from one to the other says "Network'
        " is...",
        "You never gave the ends addresses, and they are still down",
        "Clean up with",
    ]
    assert len(result.lines) == 12


def test_a_block_the_page_asks_to_save_as_a_file_is_written_by_a_step() -> None:
    """Hunt AH #6: "Save this as `10-mynet.conf`:" then a ```json block was kept as prose,
    so the step that reads the file failed. The block is the file, written by a step as
    ``cat > 10-mynet.conf <<'EOF'`` writes it, and said."""
    page = (FIXTURES / "ah6-save-this-as.md").read_text(encoding="utf-8")
    result = import_text(page, detect_kind("page.md", page), "page.md")
    assert "cat > 10-mynet.conf <<'EOF'" in result.yaml
    assert any("asks to save the block at line 10 as 10-mynet.conf" in w for w in result.warnings)
    plan = build(scenario.load_text(result.yaml, "page.yaml"))
    writes = [pc.command.text for pc in plan.commands if "> 10-mynet.conf" in pc.command.text]
    assert len(writes) == 1 and '"subnet": "10.22.0.0/16"' in writes[0]


@pytest.mark.parametrize(
    "words",
    [
        "The output looks like this:",
        "Save this as a reference for later:",
        "We use `ip -j link` to get:",
    ],
)
def test_a_block_no_words_ask_to_save_stays_what_it_was(words: str) -> None:
    page = f'# x\n\n```bash\nsudo ip netns add c1\n```\n\n{words}\n\n```json\n{{"a": 1}}\n```\n'
    result = import_text(page, detect_kind("page.md", page), "page.md")
    assert "<<'EOF'" not in result.yaml


def test_text_echoed_into_a_shell_in_a_namespace_is_its_commands_there() -> None:
    """Hunt AF #11: ``echo "ip link set lo up" | sudo ip netns exec c1 sh`` (and ``printf
    '...\\n...' | ... bash``) was a raw step iplab could not follow: verify compared
    nothing of c1 after it. Read as ``ip netns exec c1 sh <<EOF`` is: its commands, in c1,
    printed as the page wrote the line."""
    page = _text("af11-echo-into-netns-shell.md")
    result = import_text(page, detect_kind("page.md", page), "page.md")
    plan = build(scenario.load_text(result.yaml, "page.yaml"))
    ops = [pc.command.op for pc in plan.commands]
    assert not any(isinstance(op, Raw) for op in ops), [pc.command.text for pc in plan.commands]
    ups = [op for op in ops if isinstance(op, LinkSet) and op.in_ns() == "c1"]
    assert len(ups) == 2
    assert 'echo "ip link set lo up" | sudo ip netns exec c1 sh' in result.lines


@pytest.mark.parametrize(
    "line",
    [
        'echo "ip link set lo up $X" | sudo ip netns exec c1 sh',  # (a value unknown here)
        'echo "ip link set lo up" | sudo ip link set c1 up',  # (no shell reads it)
        'echo "ip link set lo up" | sudo ip netns exec c1 sh -c "cat > /tmp/x"',
    ],
)
def test_other_text_fed_to_a_shell_stays_as_written(line: str) -> None:
    page = f"```bash\nsudo ip netns add c1\n{line}\n```\n"
    result = import_text(page, detect_kind("page.md", page), "page.md")
    plan = build(scenario.load_text(result.yaml, "page.yaml"), lenient=True)
    assert any(isinstance(pc.command.op, Raw) for pc in plan.commands)


FIXTURES4 = Path(__file__).parent / "fixtures" / "leftovers4"


def test_echo_of_what_a_reader_prints_is_a_reader_too() -> None:
    """A leftover of hunt AU: ``echo "$(ip netns list)"`` was refused by the model ("hands
    what ip netns list prints ... to a command that changes them"), and ``echo "... $(ip
    route ...)"`` listed as a step iplab cannot undo: echo shows what the reader printed."""
    name = "echo-what-ip-says.md"
    result = import_text((FIXTURES4 / name).read_text(encoding="utf-8"), "markdown", name)
    shown = [line for line in result.lines if line.startswith("echo ")]
    assert len(shown) == 4 and not result.cannot_undo
    plan = build(scenario.load_text(result.yaml, "echo.yaml"))  # (the model objects to none)
    assert len(plan.setup) == 6 and len(plan.teardown) == 2


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ('echo "$(ip netns list)"', True),
        ("echo `ip a`", True),
        ("echo \"gw $(ip route show default | awk '{print $3}')\"", True),
        ("echo $(ip netns add x)", False),  # (what it substitutes changes the host)
        ("ip netns del $(ip netns list)", False),
        ("for ns in $(ip netns list); do ip netns del $ns; done", False),
        ("$(which ip) netns add x", False),  # (the substitution is the program)
        ("echo `ip a` > /etc/motd", False),
        ("echo $( (ip a) )", False),
    ],
)
def test_a_substitution_s_output_is_a_value_its_reader_shows(command: str, reads: bool) -> None:
    assert reads_only(command) is reads


def test_a_namespace_s_script_that_changes_directory_stays_whole() -> None:
    """``ip netns exec web bash -c "cd /proc/self && ls ns"`` was split into steps, its
    ``cd`` one of its own: ``ip netns exec web cd /proc/self`` failed (exec of "cd" failed)
    and the run rolled back. A script that runs a builtin that changes its shell stays one
    step, as written."""
    name = "cd-inside-a-namespace.sh"
    result = import_text((FIXTURES4 / name).read_text(encoding="utf-8"), "shell", name)
    plan = build(scenario.load_text(result.yaml, "cd.yaml"))
    texts = [c.command.text for c in plan.commands]
    assert texts == [
        "sudo ip netns add web",
        "sudo ip netns exec web ip link set lo up",
        "sudo ip netns exec web bash -c 'cd /proc/self && ls ns | grep -c net'",
        "sudo ip netns exec web bash -c 'pushd /sys/class/net > /dev/null; ls; popd > /dev/null'",
        "sudo ip netns del web",
    ]
    page = (FIXTURES4 / name).read_text(encoding="utf-8").splitlines()
    assert list(result.lines) == [line for line in page if line.startswith("sudo ")]  # (printed)
