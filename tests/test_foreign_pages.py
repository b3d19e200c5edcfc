"""Pages in other languages and what copying them damaged (hunt C): a highlighter's
``comment`` spans in a Chinese blog's code, typeset dashes, comments after a command in a
paragraph, WordPress's code shortcodes, a backslash followed by a space."""

from __future__ import annotations

from pathlib import Path

import yaml

from iplab.importer.convert import detect_kind, import_text

FIXTURES = Path(__file__).parent / "fixtures"


def _page(family: str, name: str) -> str:
    """The fixture's text as written, its CRLF line ends too."""
    return (FIXTURES / family / name).read_bytes().decode("utf-8")


def test_a_highlighters_comment_span_in_code_is_read() -> None:
    """Hunt C: Hexo's highlight.js writes ``<span class="comment"># ip netns exec ...``;
    the span was taken for the blog's reader comments and skipped: section 3's four
    commands and the ping were lost without a warning."""
    result = import_text(_page("html", "06-hexo-zh.html"), "html", "06-hexo-zh.html")
    for line in (
        "ip netns exec ns-a ip addr add 192.168.100.1/24 dev veth-a",
        "ip netns exec ns-b ip addr add 192.168.100.2/24 dev veth-b",
        "ip netns exec ns-a ip link set veth-a up",
        "ip netns exec ns-b ip link set veth-b up",
        "ip netns exec ns-a ping -c 2 192.168.100.2",
    ):
        assert line in result.lines
    assert result.raw == 0
    assert result.model_error is None


def test_a_prisms_token_comment_after_a_prompt_is_read() -> None:
    """Hunt C: CSDN (Prism) puts ``# ip netns add ns1`` after ``[root@localhost ~]`` in a
    ``token comment`` span; only the prompt was left, as a raw command
    ``[root@localhost ~]``. The blog's real comments (``comment-list``) stay skipped."""
    result = import_text(_page("html", "01-csdn-zh.html"), "html", "01-csdn-zh.html")
    assert result.lines[:3] == ("ip netns add ns1", "ip netns add ns2", "ip netns list")
    assert "ip netns exec ns1 ping -c 3 10.1.1.2" in result.lines
    assert not any(line.startswith("[root") for line in result.lines)
    assert "ip netns add test" not in result.lines
    assert "line 53: 1 code block in the page's comments, skipped" in result.warnings


def test_a_typeset_dash_after_a_show_command_is_no_output() -> None:
    """Hunt C: after ``ip -n ns1 addr show veth1``, the line ``ip \u2014all netns exec ...``
    (its dash typeset) was judged on its raw text, no ``ip`` verb found, and stored as the
    show command's output; it is a command, its dash warned about."""
    page = _page("plaintext", "typeset-dash-after-show.md")
    result = import_text(page, "markdown", "typeset-dash-after-show.md")
    assert result.lines == ("ip -n ns1 addr show veth1", "ip --all netns exec ip -br link")
    assert any(w.startswith("line 5: '\u2014all' (U+2014) as '--all'") for w in result.warnings)
    csdn = import_text(_page("html", "01-csdn-zh.html"), "html", "01-csdn-zh.html")
    assert "ip --all netns exec ip -br link" in csdn.lines


def test_a_command_with_a_comment_in_a_paragraph_is_read() -> None:
    """Hunt C: ``<p>ip netns add a1  # x<br />ip netns add a2 ...`` (a WordPress post):
    the first line, its comment with it, was no command to the classifier, and became the
    title of the next step; its lines are said as the file numbers them."""
    page = _page("html", "comment-after-a-command-in-a-paragraph.html")
    result = import_text(page, "html", "g.html")
    assert result.lines == ("ip netns add a1", "ip netns add a2", "ip netns add a3")
    assert result.warnings[1:] == (
        "line 3: the page has no code blocks; 'ip netns add a2' is read as a command",
        "line 4: the page has no code blocks; 'ip netns add a3' is read as a command",
    )


def test_wordpress_code_shortcodes_in_plain_text_delimit_code() -> None:
    """Hunt C: ``[code lang="bash"]`` ... ``[/code]`` in a post saved as text were run as
    raw commands; they are a fence. A command with a trailing comment in the prose above
    is read too."""
    result = import_text(_page("plaintext", "wordpress-shortcode.txt"), "markdown", "g.txt")
    assert result.lines == tuple(f"ip netns add a{k}" for k in range(1, 5))
    assert result.raw == 0
    assert not any("a3" in warning for warning in result.warnings)  # (in a code block)


def test_a_wordpress_post_saved_as_text_reads_its_shortcode_blocks() -> None:
    """Hunt C: a Spanish post saved as text (CRLF): the first ``[code]`` block, whose
    commands end in comments, was folded into the prose, and the others read as commands
    outside code blocks (ten warnings)."""
    text = _page("plaintext", "04-blog-es.txt")
    assert detect_kind("04-blog-es.txt", text) == "markdown"
    result = import_text(text, "markdown", "04-blog-es.txt")
    assert result.lines[:2] == ("sudo ip netns add cliente", "sudo ip netns add servidor")
    assert len(result.lines) == 12
    assert result.warnings == ()
    assert result.model_error is None


def test_wordpress_shortcodes_in_an_html_paragraph_delimit_code() -> None:
    """Hunt C: a German WordPress post prints ``[code lang="bash"]<br />`` ... in a
    ``<p>``, and ``[code lang="bash"]ip netns del links<br />...[/code]``: the first two
    commands (with comments) became prose and titles, the shortcodes titles."""
    result = import_text(_page("html", "03-wordpress-de.html"), "html", "03-wordpress-de.html")
    assert result.lines[:3] == ("ip netns add links", "ip netns add rechts", "ip netns add router")
    assert result.lines[-3:] == ("ip netns del links", "ip netns del rechts", "ip netns del router")
    assert not any("not in a code block" in warning for warning in result.warnings)
    assert not any("[code" in warning or "[/code" in warning for warning in result.warnings)
    assert "[code" not in result.yaml.split("# --- import summary")[0]
    assert result.model_error is None


def test_a_typeset_dash_in_a_trailing_comment_is_not_reported() -> None:
    """Hunt C: ``ping ... 10.10.0.3   # [it fails] \u2014 [another] VLAN`` (a Russian
    page): the comment's dash was said to be "a typeset dash that stands for no word", which
    the command would refuse; the comment is no word of the command."""
    result = import_text(_page("html", "05-habr-ru.html"), "html", "05-habr-ru.html")
    assert not any(warning.startswith("line 38") for warning in result.warnings)
    assert not any("stands for no word" in warning for warning in result.warnings)
    assert "ip netns exec h1 ping -c1 -W1 10.10.0.3" in result.lines
    # the typeset characters of the commands themselves are still said
    assert any(warning.startswith("line 34: '\u2013n'") for warning in result.warnings)


def test_a_backslash_then_spaces_at_a_lines_end_is_said() -> None:
    """Hunt C: ``... type veth \\ `` (a space after the backslash, copied from a WordPress
    ``<pre>`` and from a Japanese terminal memo) was joined as a continuation without a
    word; bash reads ``\\ `` as an escaped space and ends the command there. Still joined
    (the author's meaning), now said with its line."""
    said = (
        "spaces after the '\\' that ends the line: joined with the next line as the page"
        " means it (bash would read '\\ ' as an escaped space and end the command there)"
    )
    wordpress = import_text(_page("html", "03-wordpress-de.html"), "html", "03.html")
    assert f"line 20: {said}" in wordpress.warnings
    assert "line 22: " + said not in wordpress.warnings  # (its backslash ends the line)
    assert any(line.startswith("ip link add l-eth0 netns links") for line in wordpress.lines)
    memo = _page("plaintext", "07-memo-ja.txt")
    result = import_text(memo, detect_kind("07-memo-ja.txt", memo), "07-memo-ja.txt")
    assert f"line 15: {said}" in result.warnings
    assert "ip -n lab-a addr add 10.99.0.1/32 dev dum0" in " ".join(result.lines)


def test_a_session_memos_title_and_labels_are_read() -> None:
    """Hunt C: a Japanese memo pasted from a terminal: its underlined first line (the
    title) was "neither a command nor the output of one; ignored", and the cleanup label
    ending in a full-width colon was kept as the last command's output."""
    memo = _page("plaintext", "07-memo-ja.txt")
    assert detect_kind("07-memo-ja.txt", memo) == "session"
    result = import_text(memo, "session", "07-memo-ja.txt")
    loaded = yaml.safe_load(result.yaml)
    assert loaded["title"] == memo.splitlines()[0]
    assert not any("neither a command" in warning for warning in result.warnings)
    label = memo.splitlines()[32]
    assert loaded["teardown"][0]["title"] == label
    assert label not in loaded["setup"][-1]["output"]
    assert loaded["setup"][-1]["output"].endswith("/64")
