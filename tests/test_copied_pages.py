"""Pages as people copy and publish them: a terminal's colour codes and backspaces in a
pasted session, a blog's comments under the post, a highlighter's hidden copy of the
code, a static site's highlight shortcodes, an example Markdown block. (Found by a hunt
over pages written so; each input below is the smallest of its kind.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from iplab import export, scenario
from iplab.importer.convert import import_text
from iplab.importer.markdown import page_parts
from iplab.importer.parts import plain
from iplab.importer.terminal import uncoloured
from iplab.plan import build

ESC = "\x1b"
PROMPT = f"{ESC}[01;32mroot@lab{ESC}[00m:{ESC}[01;34m~{ESC}[00m# "


def test_a_coloured_session_reads_as_the_terminal_showed_it() -> None:
    page = (
        "# Lab\n\n```console\n"
        f"{PROMPT}ip netns add red\n"
        f"{PROMPT}ip -c -n red -br link\n"
        f"{ESC}[36mlo              {ESC}[0m{ESC}[31mDOWN           {ESC}[0m00:00:00:00:00:00"
        " <LOOPBACK>\n"
        f"{ESC}]0;user@lab: ~{ESC}\\{PROMPT}ip netns del red\n"
        "```\n"
    )  # fmt: skip
    result = import_text(page, "markdown", "lab.md")
    assert result.lines == ("ip netns add red", "ip -c -n red -br link", "ip netns del red")
    assert result.warnings[0] == "lines 4-7: a terminal's colour codes (or backspaces) taken off"
    # the output kept is what the terminal showed, and the file is YAML a loader takes
    loaded = yaml.safe_load(result.yaml)
    assert loaded["setup"][1]["output"].startswith("lo              DOWN")
    build(scenario.load_text(result.yaml, "lab.yaml"))


def test_codes_whose_escape_was_lost_in_copying_are_taken_off_too() -> None:
    text, lines = uncoloured("[01;32mroot@lab[00m:~# ip netns add red\nip a | grep '[0m'\n")
    assert text == "root@lab:~# ip netns add red\nip a | grep '[0m'\n"  # one alone: the author's
    assert lines == [1]


def test_a_backspace_takes_the_character_before_it() -> None:
    result = import_text("$ sudo ip netns add redd\x08\x08d\n", "markdown", "bs.md")
    assert result.lines == ("sudo ip netns add red",)
    yaml.safe_load(result.yaml)


def test_a_control_character_in_the_summary_is_written_so_yaml_takes_it() -> None:
    # a line iplab does not read as a command, quoted in a warning of the summary
    result = import_text("```\nip netns add red\n\x07what\x0b?\n```\n", "markdown", "ctl.md")
    yaml.safe_load(result.yaml)
    assert "\x07" not in result.yaml.split("# --- import summary ---")[1]


@pytest.mark.parametrize(
    "comments",
    [
        '<div id="comments" class="comments-area"><pre>$ sudo ip link set enp3s0 promisc on'
        "</pre></div>",
        '<ol class="commentlist"><li><pre>sudo ip link set enp3s0 promisc on</pre></li></ol>',
        '<section id="disqus_thread"><pre>ip link set enp3s0 promisc on</pre></section>',
    ],
)  # fmt: skip
def test_a_blogs_comments_are_not_the_tutorial(comments: str) -> None:
    page = (
        "<html><body><main><h1>Lab</h1>"
        '<pre><code class="language-bash">sudo ip netns add red\n</code></pre>'
        f"{comments}</main></body></html>"
    )
    result = import_text(page, "html", "lab.html")
    assert result.lines == ("sudo ip netns add red",)


def test_crayons_hidden_plain_copy_is_not_read_twice() -> None:
    page = (
        '<html><body><h1>Lab</h1><div class="crayon-syntax">'
        '<textarea class="crayon-plain">sudo ip netns add red</textarea>'
        "<pre><code>sudo ip netns add red\n</code></pre></div></body></html>"
    )
    assert import_text(page, "html", "lab.html").lines == ("sudo ip netns add red",)


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("{% highlight bash %}", "{% endhighlight %}"),
        ("{% highlight shell linenos %}", "{% endhighlight %}"),
        ("{{< highlight bash >}}", "{{< /highlight >}}"),
        ('{{< code lang="bash" >}}', "{{< /code >}}"),
    ],
)
def test_a_static_sites_highlight_shortcode_is_a_code_block(opening: str, closing: str) -> None:
    page = f"# Lab\n\nMake it:\n\n{opening}\nsudo ip netns add red\n{closing}\n"
    result = import_text(page, "markdown", "lab.md")
    assert result.lines == ("sudo ip netns add red",)
    assert not result.warnings


def test_an_example_markdown_block_is_no_command() -> None:
    page = (
        "# Lab\n\n```bash\nip netns add red\n```\n\n"
        "Write your notes so:\n\n```markdown\nNOTE: the lab\nip netns add x\n```\n"
    )
    assert import_text(page, "markdown", "lab.md").lines == ("ip netns add red",)


def test_the_hosts_loopback_may_be_shown_never_changed() -> None:
    shown = import_text("ip netns add red\nip -br link show lo\n", "shell", "lo.sh")
    assert shown.model_error is None
    changed = import_text("ip netns add red\nip link set lo up\n", "shell", "lo.sh")
    assert changed.model_error is not None
    assert "lo of the root namespace is the host's own" in changed.model_error


def test_a_page_whose_code_was_copied_with_its_line_numbers() -> None:
    page = (
        "# Lab\n\n```bash\n1  sudo ip netns add a\n2  sudo ip netns add b\n"
        "3  sudo ip link add v0 netns a type veth peer v1 netns b\n```\n"
    )
    result = import_text(page, "markdown", "lab.md")
    assert result.lines == (
        "sudo ip netns add a",
        "sudo ip netns add b",
        "sudo ip link add v0 netns a type veth peer v1 netns b",
    )
    assert result.warnings == (
        "lines 4-6: the page's line numbers, copied with the code, taken off",
    )


def test_numbers_that_do_not_count_up_are_the_authors() -> None:
    page = "# Lab\n\n```\n$ history | tail -2\n   41  ip netns add a\n   43  ip netns add b\n```\n"
    assert import_text(page, "markdown", "lab.md").lines == ("history | tail -2",)


def test_a_root_shells_session_that_shows_a_script_is_read_at_its_prompts() -> None:
    page = (
        "# Root\n\n```\n# ip netns add a\n# ip netns add b\n# cat /tmp/addr.sh\n#!/bin/sh\n"
        "ip -n a addr add 10.0.0.1/24 dev lo\n# sh /tmp/addr.sh\n# ip -n a link set lo up\n```\n"
    )
    result = import_text(page, "markdown", "root.md")
    assert result.lines == (
        "ip netns add a",
        "ip netns add b",
        "cat /tmp/addr.sh",
        "sh /tmp/addr.sh",
        "ip -n a link set lo up",
    )


def test_a_command_written_over_several_lines_prints_as_those_lines() -> None:
    """``\\`` at a line's end: the page's lines, byte for byte (its ``> `` prompts aside),
    and the one command they make runs (they were printed joined on one line)."""
    page = (
        "# Lab\n\n```\n$ sudo ip netns add a\n$ sudo ip link add v0 netns a type veth \\\n"
        ">   peer name v1\n```\n\n```bash\nsudo ip -n a link set \\\n    v0 up\n```\n"
    )
    result = import_text(page, "markdown", "lab.md")
    assert result.lines == (
        "sudo ip netns add a",
        "sudo ip link add v0 netns a type veth \\\n  peer name v1",
        "sudo ip -n a link set \\\n    v0 up",
    )
    plan = build(scenario.load_text(result.yaml, "lab.yaml"))
    assert [pc.command.text for pc in plan.commands] == [
        "sudo ip netns add a",
        "sudo ip link add v0 netns a type veth peer name v1",
        "sudo ip -n a link set v0 up",
    ]


def test_escapes_that_lost_their_escape_byte_are_taken_off() -> None:
    """Hunt P: ``[?2004h`` (bracketed paste) and a window title ``]0;root@lab: ~`` whose
    escape and bell were lost: the lines were raw steps, and the block's other lines lost."""
    text, lines = uncoloured(
        "[?2004hroot@lab:~# ip netns add hpe1\n[?2004l\n"
        "]0;root@lab: ~[01;32mroot@lab[00m:[01;34m~[00m# ip netns add hpe2\n"
        "ip route add 10.0.0.0/8 via 10.1.1.1  # [?] stays\n"
    )
    assert text.splitlines()[:3] == [
        "root@lab:~# ip netns add hpe1",
        "",
        "root@lab:~# ip netns add hpe2",
    ]
    assert lines == [1, 2, 3]


WORKSHEETS = Path(__file__).parent / "fixtures" / "worksheets"


def test_a_solution_in_a_tight_details_element_is_read_where_it_stands() -> None:
    """Hunt U: ``<details><summary>Solution</summary>`` with the fence on the very next
    line is one HTML block to CommonMark: the first two solutions' commands vanished."""
    text = (WORKSHEETS / "details-tight.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    fenced = lines[6:10] + lines[19:25]  # the fences of lines 6-11 and 19-26
    result = import_text(text, "markdown", "details-tight.md")
    assert list(result.lines[: len(fenced)]) == fenced
    assert result.model_error is None
    # each line of a solution keeps its number in the file
    _, pairs = page_parts(text)
    code = [part for part, _ in pairs if part.kind == "code"]
    assert [(part.line, part.end) for part in code[:2]] == [(6, 11), (19, 26)]
    assert all(lines[n - 1] == body for part in code[:2] for n, body in part.body)


@pytest.mark.parametrize(
    "hidden",
    [
        "<!--\n```bash\nip -all netns delete\n```\n-->",
        "<details><!-- for the TA:\n```bash\nip -all netns delete\n```\n--></details>",
        "<details>\n<summary>TA</summary>\n<!--\n```bash\nip -all netns delete\n```\n-->\n"
        "</details>",
    ],
)
def test_a_comment_in_an_html_block_hides_its_fence_still(hidden: str) -> None:
    page = f"# Lab\n\n```bash\nip netns add a\n```\n\n{hidden}\n\n```bash\nip netns del a\n```\n"
    assert import_text(page, "markdown", "lab.md").lines == ("ip netns add a", "ip netns del a")


def test_an_instructors_commented_notes_are_never_steps() -> None:
    text = (WORKSHEETS / "instructor-notes.md").read_text(encoding="utf-8")
    result = import_text(text, "markdown", "instructor-notes.md")
    assert not any("-all" in line for line in result.lines)
    assert "ip netns add h1" in result.lines
    assert "ip -n h1 addr add 10.31.1.2/24 dev h1-eth0" in result.lines  # (a quoted solution)


def test_a_tight_details_element_in_a_list_item_is_read_too() -> None:
    page = (
        "# Lab\n\n1. Make it.\n   <details>\n   <summary>Solution</summary>\n   ```bash\n"
        "   ip netns add a\n   ```\n   </details>\n"
    )
    assert import_text(page, "markdown", "lab.md").lines == ("ip netns add a",)


def test_a_placeholder_in_backquotes_stays_in_the_steps_prose() -> None:
    """Hunt U: `` `<your-name>-ns` `` lost ``<your-name>`` (read as an HTML tag): the title
    said "called -ns". Text in backquotes is code, kept as written."""
    text = (WORKSHEETS / "placeholders.md").read_text(encoding="utf-8")
    said = text.splitlines()[8].replace("`", "").rstrip(".")  # line 9, as a title says it
    steps = yaml.safe_load(import_text(text, "markdown", "placeholders.md").yaml)["setup"]
    assert steps[0]["title"] == said
    assert (
        plain("Run `ls *.conf` and `a_b_c` with <b>care</b>") == "Run ls *.conf and a_b_c with care"
    )


SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"


def test_hunt_k_colour_codes_a_script_writes_as_text_are_the_scripts() -> None:
    """Hunt K: 02-lab.sh's ``log() { echo -e "\\033[1;32m[lab]\\033[0m $*"; }`` (backslash,
    0, 3, 3: the script's text, no escape byte) was read as a terminal's codes whose escape
    was lost: ``[1;32m`` and ``[0m`` were taken off (a warning said so), and the rendered
    script printed ``echo -e "\\033[lab]\\033 $*"``. The line is printed back as written."""
    text = (SCRIPTS / "02-lab.sh").read_text(encoding="utf-8")
    line = text.splitlines()[13]
    assert line == r'log() { echo -e "\033[1;32m[lab]\033[0m $*"; }'
    result = import_text(text, "shell", "02-lab.sh")
    assert not any("colour codes" in w for w in result.warnings), result.warnings
    plan = build(scenario.load_text(result.yaml, "02.yaml"))
    assert line in export.export(plan, "script").splitlines()
    assert line in export.export(plan, "text").splitlines()


@pytest.mark.parametrize(
    "line",
    [
        r"printf '\e[1m%s\e[0m\n' bold",
        r"echo $'\x1b[31mred\x1B[0m'",
        r"echo -e '\0033[32mok\033[39m'; printf '\033[?25l'",
    ],
)
def test_an_escape_written_as_text_keeps_its_code(line: str) -> None:
    """Hunt K: a code after an escape written as text is the script's (only a pasted
    session's codes lose their escape)."""
    assert uncoloured(line) == (line, [])
