"""Hunt AP: labs copied out of books, PDFs (pdftotext's text), slides and course handouts.
A book's listings keep their line numbers (``1  ip netns add red``, ``01: ip ...``) and the
page's footer between two pages; a PDF's text has its page breaks (form feeds), ligatures
(``\ufb01``) and typeset dashes; a slide's listing is indented as a whole, bash's ``> ``
prompt under its ``$``.

The inputs are the hunt's own files (tests/fixtures/books-pdfs), unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab.errors import UsageError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.plan import build
from iplab.scenario import load_text

BOOKS = Path(__file__).parent / "fixtures" / "books-pdfs"


def _import(name: str) -> ImportResult:
    text = (BOOKS / name).read_text(encoding="utf-8")
    return import_text(text, detect_kind(name, text), name)


def _run_text(result: ImportResult) -> list[str]:
    plan = build(load_text(result.yaml, "lab.yaml"))
    return [pc.command.text for pc in plan.commands]


def test_a_slides_continued_line_under_its_prompt_is_no_redirection() -> None:
    """A Beamer slide's listing, indented as a whole: ``   $ sudo ip link add l0 type veth
    \\`` then ``   > peer name r0``. The ``>`` was read as a redirection: the step ran
    ``ip link add l0 type veth > peer name r0`` (a file named peer, a link named r0, no
    pair), a raw step --prefix refused. It is bash's second prompt, as in a flush listing."""
    result = _import("ap04-beamer.txt")
    assert "sudo ip link add l0 type veth \\\npeer name r0" in result.lines
    assert "sudo ip link add l0 type veth peer name r0" in _run_text(result)
    assert result.model_error is None
    assert not any("cannot undo" in w or "> peer" in w for w in result.warnings)


def test_a_books_numbered_listings_in_plain_text_are_read() -> None:
    """A book chapter saved as text: its listings (``1  ip netns add red`` ... ``10 ip -n
    red link set lo up``, a page's footer and a page break between two halves) were prose:
    'no command found' (exit 2). They are read as code blocks, their numbers taken off."""
    result = _import("ap01-book-ch3.txt")
    assert result.lines[:3] == (
        "ip netns add red",
        "ip netns add blue",
        "ip link add veth-red type veth peer name veth-blue",
    )
    assert "ip -n red link set lo up" in result.lines  # (``10 ip``: one space, aligned)
    assert result.lines[-2:] == ("ip netns del red", "ip netns del blue")
    assert "lines 10-16: the page's line numbers, copied with the code, taken off" in (
        result.warnings
    )
    assert result.model_error is None


def test_a_listing_numbered_with_colons_keeps_its_continued_line() -> None:
    """``01: ip netns add gw`` ... ``20: ... \\`` / ``21:     -o gw-up -j MASQUERADE``: a
    NAT chapter's 20 lines were lost (only the prompted ping read, and refused: namespace
    inner does not exist). Each line is read, the MASQUERADE rule as one command."""
    result = _import("ap05-nat-book.txt")
    run = _run_text(result)
    assert run[0] == "ip netns add gw"
    assert (
        "ip netns exec gw iptables -t nat -A POSTROUTING -s 172.16.5.0/24 -o gw-up -j MASQUERADE"
        in run
    )
    assert run[-3:] == ["ip netns del inner", "ip netns del up", "ip netns del gw"]
    assert result.model_error is None


def test_a_pdfs_page_breaks_do_not_move_the_lines_said() -> None:
    """pdftotext ends each page with a form feed, which Python's splitlines counts as a line
    of its own: every warning after a page break named the line below the one meant (line
    42 for the file's line 41)."""
    result = _import("ap02-uni-handout.pdf.txt")
    lines = (BOOKS / "ap02-uni-handout.pdf.txt").read_text(encoding="utf-8").split("\n")
    said = [w for w in result.warnings if "read as 'sudo ip -n router --br addr'" in w]
    assert len(said) == 1 and said[0].startswith("line 45: ")
    assert "\u2014br" in lines[45 - 1]


def test_a_ligature_in_a_command_is_its_letters() -> None:
    """``iptables -t \ufb01lter`` (a PDF's ligature) was kept as a raw step that iptables
    refuses (no table of that name); it is typed back as ``filter``, and said."""
    result = _import("ap01-book-ch3.txt")
    assert "ip netns exec blue iptables -t filter -A INPUT -p icmp -j DROP" in result.lines
    assert any("'\ufb01' (U+FB01) as 'fi'" in w for w in result.warnings)


def test_a_slide_decks_bulleted_commands_are_read() -> None:
    """A PowerPoint deck saved as text: ``\u2022 ip netns add ns1`` on each slide. 'no command
    found' (exit 2): a typeset bullet is no Markdown list. The bullet is taken off, each
    line read as a bare command line is; the deck's prose and slide numbers stay prose."""
    result = _import("ap03-slides-pptx.txt")
    assert result.lines[:3] == ("ip netns add ns1", "ip netns add ns2", "ip netns add ns3")
    assert "ip link set v3-br master br0" in result.lines
    assert result.lines[-4:] == (
        "ip netns del ns1",
        "ip netns del ns2",
        "ip netns del ns3",
        "ip link del br0",
    )
    assert result.model_error is None


def test_a_command_a_narrow_column_wrapped_is_read_whole_and_said() -> None:
    """A handout's ``sudo ip link add pc1-eth0 netns pc1 type veth peer name sw-p1 netns``
    then ``sw`` (the PDF's column too narrow, no ``\\``): both lines were lost with no
    word, and the model refused the lab (link sw-p1 does not exist). The two lines are one
    command, and the import says it joined them."""
    result = _import("ap09-wrapped-lines.txt")
    whole = "sudo ip link add pc1-eth0 netns pc1 type veth peer name sw-p1 netns sw"
    assert whole in result.lines
    assert (
        "lines 9-10: 'sudo ip link add pc1-eth0 netns pc1 type veth peer name sw-p1 netns'"
        " then 'sw': one command the page wrapped (no '\\' at the line's end), read as one"
        f" line: {whole!r}" in result.warnings
    )
    assert result.model_error is None


def test_a_continued_command_on_a_page_without_code_blocks_is_read() -> None:
    """``sudo ip link add l0 type veth \\`` then ``  peer name r0``, indented too little to
    be a code block: the command was lost with no word."""
    page = (
        "Lab notes.\n\n   sudo ip netns add a\n   sudo ip link add l0 type veth \\\n"
        "     peer name r0\n   sudo ip netns add b\n"
    )
    result = import_text(page, "markdown", "notes.txt")
    assert result.lines == (
        "sudo ip netns add a",
        "sudo ip link add l0 type veth peer name r0",
        "sudo ip netns add b",
    )
    assert not any("wrapped" in w for w in result.warnings)  # (a \ joins: nothing guessed)


def test_a_root_prompt_in_a_plain_text_chapter_is_no_heading() -> None:
    """``# ip netns exec red ping -c 2 10.0.0.2`` in a book's text (a root shell), then what
    it printed: Markdown's heading, the lab's title ('title: ip netns exec red ping ...'),
    and the ping never run. It is a command at its prompt, its lines under it its output;
    on a Markdown page, a heading stays a heading."""
    result = _import("ap01-book-ch3.txt")
    assert "title: ip netns" not in result.yaml
    assert "ip netns exec red ping -c 2 10.0.0.2" in result.lines
    assert "64 bytes from 10.0.0.2: icmp_seq=2 ttl=64" in result.yaml  # (its output)
    assert "ip netns exec red ping -c 2 10.0.0.2" in _run_text(result)
    page = "# ip netns add red\n\nSome words.\n\n```\nip netns add blue\n```\n"
    assert import_text(page, "markdown", "lab.md").lines == ("ip netns add blue",)


def test_a_chapters_solutions_after_its_cleanup_run_before_it() -> None:
    """A chapter's exercises, its clean-up, then ``## Solutions`` with the routes that answer
    them: read as teardown steps in namespaces already deleted, and the model refused the
    lab (exit 1, 'the page may hold two versions of the lab'). The solutions run before
    the clean-up, where their exercises stand, and the import says it moved them."""
    result = _import("ap06-exercises.md")
    assert result.model_error is None
    run = _run_text(result)
    assert run[-3:] == ["sudo ip netns del h1", "sudo ip netns del h2", "sudo ip netns del rtr"]
    assert run.index("sudo ip -n h1 route add 10.2.0.0/24 via 10.1.0.1") < run.index(
        "sudo ip netns del h1"
    )
    assert (
        "lines 60-73: the page's 'Solutions' come after its clean-up (line 48): run before"
        " it, where the exercises they answer stand, with the lab up" in result.warnings
    )
    # a page whose last section is no solutions keeps its order
    page = (BOOKS / "ap06-exercises.md").read_text(encoding="utf-8")
    other = import_text(page.replace("## Solutions", "## Going further"), "markdown", "a.md")
    assert other.model_error is not None


def test_a_cheat_sheets_two_columns_taken_across_are_refused_by_line() -> None:
    """A two-column cheat sheet as pdftotext -layout gives it: ``ip netns add ns1`` and
    ``ip -n ns1 route add default via 10.0.0.254`` on one line. Read as a script, its
    header and 9 merged lines were raw steps (each column's words the other's arguments),
    model OK. The import names the lines and asks for each column alone (exit 2)."""
    with pytest.raises(UsageError) as raised:
        _import("ap07-cheatsheet-2col.txt")
    said = str(raised.value)
    assert "lines 4-6, 10-12 hold two columns side by side (line 4: 'ip netns add ns1' and" in (
        said
    )
    assert "import each column alone" in said
    # one wide gap in a script is the author's spacing
    one = "ip netns add a          ip netns add b\nip netns add c\n"
    assert import_text(one, "shell", "a.sh").lines


def test_a_name_broken_at_its_hyphen_is_read_whole_and_said() -> None:
    """A handout's ``ip link add veth-alpha type veth peer name veth-`` then ``beta``: the
    first line alone made a link named ``veth-``, the second was lost with no word, and
    the model refused the lab (veth-beta does not exist). The name is read whole."""
    result = _import("ap11-hyphenated.txt")
    whole = "ip link add veth-alpha type veth peer name veth-beta"
    assert whole in result.lines
    assert (
        "lines 8-9: 'ip link add veth-alpha type veth peer name veth-' then 'beta': a word"
        f" broken at its hyphen (no '\\' at the line's end), read as one line: {whole!r}"
        in result.warnings
    )
    assert result.model_error is None


def test_a_page_footer_inside_a_pasted_listing_is_no_line_of_it() -> None:
    """A listing pasted from a PDF into a fence, the page's footer (``Linux Networking
    Cookbook      87``) and its page break between lines 4 and 5: the whole block was
    taken for prose with no word (its lines numbered, but not all), and the cleanup
    refused (namespace red does not exist). The footer is said and left out, the
    listing read."""
    result = _import("ap13-fenced-footer.md")
    assert result.lines[:2] == ("ip netns add red", "ip netns add blue")
    assert "ip -n blue link set veth-blue up" in result.lines
    assert (
        "line 11: 'Linux Networking Cookbook 87' inside a listing numbered around it: the"
        " page's header or footer (a PDF's page break), not read" in result.warnings
    )
    assert result.model_error is None


def test_a_loop_at_a_prompt_and_its_continuation_prompts_in_a_chapter() -> None:
    """A chapter's text: ``root@lab:~# for ns in east west; do`` then ``> ip netns add
    $ns`` ... ``> done``. Markdown read the ``> `` lines as a quote: the loop was lost with
    no word, and the chapter's cleanup refused (namespace east does not exist). They are
    bash's second prompt: the loop is read, each pass a step."""
    result = _import("ap14-book-loop.txt")
    assert (
        result.lines[0]
        == "for ns in east west; do\nip netns add $ns\nip -n $ns link set lo up\ndone"
    )
    assert _run_text(result)[:2] == ["ip netns add east", "ip -n east link set lo up"]
    assert result.model_error is None


def test_a_continued_line_at_ps2_on_a_page_of_prose_keeps_the_next_command() -> None:
    """``   $ sudo ip link add l0 type veth \\`` then ``   > peer name r0`` then ``   $ ip
    netns add b`` on a page of prose: Markdown's quote takes the ``$`` line as its lazy
    line. The continued command is read whole, and the prompted line after it is the next
    command, not more of the quote."""
    page = (
        "Title text here that is a sentence.\n\n   $ sudo ip netns add a\n"
        "   $ sudo ip link add l0 type veth \\\n   > peer name r0\n   $ ip netns add b\n"
    )
    result = import_text(page, "markdown", "notes.txt")
    assert result.lines == (
        "sudo ip netns add a",
        "sudo ip link add l0 type veth \\\npeer name r0",
        "ip netns add b",
    )
