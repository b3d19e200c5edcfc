"""Pages in other languages and what copying them damaged (hunt C): a highlighter's
``comment`` spans in a Chinese blog's code, typeset dashes, comments after a command in a
paragraph, WordPress's code shortcodes, a backslash followed by a space."""

from __future__ import annotations

from pathlib import Path

from iplab.importer.convert import import_text

FIXTURES = Path(__file__).parent / "fixtures"


def _page(family: str, name: str) -> str:
    return (FIXTURES / family / name).read_text(encoding="utf-8")


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
