"""``iplab import`` of a web page: a tutorial saved from the browser, or fetched by its address.

The oracle: each Markdown tutorial of the corpus, published as a blog engine publishes it
(markdown-it renders it; a theme puts a head, a navigation bar, an article and a footer
around it; Pygments highlights its code blocks, with or without line numbers), imports to
the very steps its Markdown does.
"""

from __future__ import annotations

import html
import re
import shlex
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.fetch import LIMIT, fetch, raw_address
from iplab.importer.markdown import front_matter
from tests.corpus import CORPUS, Response, markdown_pages
from tests.kernel import apart

FIXTURES = Path(__file__).parent / "fixtures" / "html"
MARKDOWN = markdown_pages()
_CODE = re.compile(r'<pre><code(?: class="language-([^"]+)")?>(.*?)</code></pre>', re.S)


def _pygments(linenos: str | bool) -> Callable[[str, str], str]:
    def render(lang: str, code: str) -> str:
        try:
            lexer = get_lexer_by_name(lang or "text")
        except ClassNotFound:
            lexer = get_lexer_by_name("text")
        out = highlight(code, lexer, HtmlFormatter(linenos=linenos))
        return f'<div class="language-{lang} highlighter">{out}</div>' if lang else out

    return render


#: how engines print a code block: markdown-it as it is, Pygments (Jekyll, Sphinx, MkDocs:
#: spans around each word), with line numbers in a table or inline, WordPress's <br>
STYLES: dict[str, Callable[[str, str], str] | None] = {
    "markdown-it": None,
    "pygments": _pygments(False),
    "pygments-table": _pygments("table"),
    "pygments-inline": _pygments("inline"),
    "wordpress": lambda lang, code: (
        '<pre class="wp-block-code"><code>'
        + html.escape(code.rstrip("\n")).replace("\n", "<br>")
        + '</code></pre><button class="copy-button">Copy</button>'
    ),
}


def publish(markdown: str, style: str) -> str:
    """A Markdown tutorial as a blog publishes it."""
    lines = markdown.splitlines()
    title, start = front_matter(lines)
    body = MarkdownIt("commonmark").render("\n".join(lines[start:]) + "\n")
    engine = STYLES[style]
    if engine is not None:
        body = _CODE.sub(lambda m: engine(m[1] or "", html.unescape(m[2])), body)
    heading = f"<h1>{html.escape(title)}</h1>\n" if title else ""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=utf-8>"
        f"<title>{html.escape(title or 'Notes')} | A blog</title>\n"
        '<script>const x = "<pre>ip link del eth0</pre>";</script><style>pre{}</style>\n'
        '</head><body><nav><a href="/">Home</a><pre>ip netns add menu</pre></nav>\n'
        f"<main><article>\n{heading}{body}</article></main>\n"
        "<aside><pre>ip link add sidebar type bridge</pre></aside>\n"
        "<footer><p>Comments</p><pre>sudo ip -all netns delete</pre></footer></body></html>\n"
    )


def _steps(yaml_text: str) -> str:
    """The scenario without its source, its name and the summary (which names lines)."""
    body = yaml_text.split("\n# --- import summary ---\n", maxsplit=1)[0]
    return "\n".join(
        line for line in body.splitlines() if not line.startswith(("source:", "name:", "#"))
    )


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_a_published_tutorial_imports_to_the_steps_of_its_markdown(path: Path, style: str) -> None:
    markdown = path.read_text(encoding="utf-8")
    page = publish(markdown, style)
    assert detect_kind("page", page) == "html"
    want = import_text(markdown, "markdown", path.name, base=path.parent)
    got = import_text(page, "html", "page.html", base=path.parent)
    if style == "wordpress":  # its code blocks do not say their language: a note's is lost
        assert _steps(got.yaml) == re.sub(r"(?m)^(\s*)```\w+$", r"\1```", _steps(want.yaml))
    else:
        assert _steps(got.yaml) == _steps(want.yaml)
    assert got.lines == want.lines
    assert (got.typed, got.raw) == (want.typed, want.raw)


def test_warnings_name_the_line_of_the_html_file() -> None:
    page = textwrap.dedent("""\
        <html><body>
        <h1>Quotes</h1>
        <p>A blog typesets quotes:</p>
        <pre><code class="language-bash">sudo ip netns add red
        sudo ip netns exec red bash -c \u201cip link set lo up\u201d
        </code></pre>
        </body></html>
        """)
    result = import_text(page, "html", "quotes.html")
    assert any(w.startswith("line 5: '\u201c' (U+201C)") for w in result.warnings), result.warnings
    assert result.lines == (
        "sudo ip netns add red", 'sudo ip netns exec red bash -c "ip link set lo up"'
    )  # fmt: skip


def test_engines_languages_and_what_surrounds_a_code_block() -> None:
    """Chroma (Hugo) with line numbers, Rouge (Jekyll), GitHub, SyntaxHighlighter, Prism:
    the language from any of their classes; their line numbers and buttons left out."""
    page = (FIXTURES / "engines.html").read_text(encoding="utf-8")
    assert detect_kind("saved-page", page) == "html"
    result = import_text(page, "html", "bridges.html")
    assert result.lines == (
        "sudo ip link add br0 type bridge",
        "sudo ip link set br0 up",
        "ip netns add n1",
        "ip link add v1 netns n1 type veth peer name v1p",
        "ip link set v1p master br0",
    )
    assert "title: Bridges\n" in result.yaml  # from <title>, the site's name cut
    assert "output: '1: br0: <BROADCAST,MULTICAST,UP>'" in result.yaml
    assert result.model_error is None


def test_a_malformed_page_a_stray_end_tag_closes_nothing_a_skipped_br_adds_nothing() -> None:
    page = (
        "<html><body><article><h1>Stray</h1><p>Run:</p></span></div>"
        "<pre>ip netns add s1<button>Co<br>py</button>\nip netns add s2</pre>"
        "<nav>x</nav></article><pre>ip netns add outside</pre></body></html>"
    )
    result = import_text(page, "html", "stray.html")
    assert result.lines == ("ip netns add s1", "ip netns add s2")  # the article only
    assert "title: Stray\n" in result.yaml


def test_a_page_without_code_blocks_gives_its_ip_lines_and_one_without_commands_says_so() -> None:
    bare = "<html><body><p>Run</p><p>ip netns add quiet</p><p>and that is all.</p></body></html>"
    assert import_text(bare, "html", "bare.html").lines == ("ip netns add quiet",)
    with pytest.raises(UsageError, match=r"empty\.html: no command found \(read as html\)"):
        import_text("<html><body><p>Nothing here.</p></body></html>", "html", "empty.html")


def test_a_github_issue_is_read_its_comment_classes_are_no_blogs_comments() -> None:
    """Hunt X: GitHub writes an issue's text in ``<div class="timeline-comment ...
    comment">`` and ``<td class="comment-body markdown-body">``: the blog-comment filter
    left nothing ("no command found")."""
    page = (FIXTURES / "gh-issue.html").read_text(encoding="utf-8")
    result = import_text(page, "html", "gh-issue.html")
    # the issue's reproducer (lines 29-42 of the page), as GitHub shows it, then the reply's
    shown = [re.sub(r"<[^>]+>", "", line) for line in page.splitlines()[28:42]]
    shown = [html.unescape(line) for line in shown]
    assert list(result.lines[: len(shown)]) == shown
    assert "bridge -n sw vlan add dev sw-p1 vid 10 pvid untagged" in result.lines
    assert result.model_error is None


@pytest.mark.parametrize(
    ("own", "said"),
    [
        ("", "lines 3, 4: all 2 code blocks of the page are in its comments, which are skipped"),
        (
            "<pre>ip netns add mine</pre>",
            "lines 3, 4: 2 code blocks in the page's comments, skipped",
        ),
    ],
)
def test_code_left_out_with_a_blogs_comments_is_said(own: str, said: str) -> None:
    page = (
        f"<html><body><article><h1>Lab</h1><p>Make it.</p>{own}</article>\n"
        '<div id="comments"><ol class="comment-list">\n<li><pre>ip netns add x</pre></li>\n'
        "<li><pre>ip netns add y</pre></li></ol></div></body></html>"
    )
    if not own:
        with pytest.raises(
            UsageError, match=rf"^lab\.html: no command found \(read as html\); {said}"
        ):
            import_text(page, "html", "lab.html")
        return
    result = import_text(page, "html", "lab.html")
    assert result.lines == ("ip netns add mine",)
    assert result.warnings[0] == said


def test_a_question_and_answers_page_s_furniture_is_not_prose() -> None:
    """Hunt X: StackExchange's site header, "Ask Question", the vote counts and "asked ...
    by" were the first step's prose: its ``role="main"`` is its ``<main>``, a ``<header>``
    outside it the site's."""
    page = (FIXTURES / "unixse-bridge.html").read_text(encoding="utf-8")
    result = import_text(page, "html", "unixse-bridge.html")
    loaded = yaml.safe_load(result.yaml)
    steps = [*loaded["setup"], *loaded.get("teardown", [])]
    prose = "\n".join(str(step.get(key, "")) for step in steps for key in ("title", "prose"))
    for furniture in ("Stack Exchange", "Ask Question", "asked Mar", "answered Mar", "netnoob"):
        assert furniture not in prose
    votes = re.findall(r'class="js-vote-count[^>]*>(\d+)<', page)
    assert votes and not set(votes) & set(prose.splitlines())
    assert "title: Two network namespaces on a bridge can't reach each other\n" in result.yaml
    assert "I want two namespaces red and blue" in prose
    assert result.model_error is None


def test_an_address_urllib_cannot_read_is_named_with_the_reason() -> None:
    with pytest.raises(UsageError, match=re.escape("http://[::1: cannot fetch: Invalid IPv6 URL")):
        fetch("http://[::1")


def test_a_github_file_page_is_fetched_as_the_file() -> None:
    assert (
        raw_address("https://github.com/o/r/blob/main/docs/lab.md")
        == "https://raw.githubusercontent.com/o/r/main/docs/lab.md"
    )
    assert raw_address("https://example.org/blob/x.md") == "https://example.org/blob/x.md"


@pytest.mark.kernel
def test_iplab_imports_a_tutorial_by_its_address(tmp_path: Path) -> None:
    """A web server in a network namespace of the test's own serves a published tutorial,
    a Markdown file, and nothing else; iplab imports the first two by their addresses (as
    the server says they are) and names the address and the reason for what it cannot."""
    tutorial = CORPUS / "01-veth-basics.md"
    (tmp_path / "veths.html").write_text(publish(tutorial.read_text(), "pygments"))
    (tmp_path / "veths.txt").write_text(tutorial.read_text())
    iplab = f"{sys.executable} -m iplab import"
    inner = textwrap.dedent(f"""\
        ip link set lo up
        cd {shlex.quote(str(tmp_path))}
        {sys.executable} -m http.server 8000 --bind 127.0.0.1 > server.log 2>&1 &
        for _ in $(seq 50); do
            (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null && break; sleep 0.1
        done
        cd {shlex.quote(str(Path.cwd()))}
        {iplab} http://127.0.0.1:8000/veths.html -o {tmp_path}/page.yaml; echo "page $?"
        {iplab} http://127.0.0.1:8000/veths.txt --format markdown -o {tmp_path}/md.yaml
        echo "md $?"
        {iplab} http://127.0.0.1:8000/gone.html; echo "gone $?"
        {iplab} http://127.0.0.1:8001/; echo "refused $?"
        kill %1
        """)
    run = apart(inner, timeout=120)
    said = run.stdout + run.stderr
    assert "page 0\n" in run.stdout and "md 0\n" in run.stdout, said
    page, md = (tmp_path / "page.yaml").read_text(), (tmp_path / "md.yaml").read_text()
    assert _steps(page) == _steps(md)
    assert "source: http://127.0.0.1:8000/veths.html\n" in page
    assert "name: veths\n" in page
    assert "iplab: error: http://127.0.0.1:8000/gone.html: the server answered 404" in said
    assert "gone 2\n" in run.stdout
    assert (
        "iplab: error: http://127.0.0.1:8001/: cannot fetch: [Errno 111] Connection refused" in said
    )
    assert "refused 2\n" in run.stdout
    assert "Traceback" not in said


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (
            urllib.error.HTTPError("u", 404, "Not Found", Message(), None),
            "the server answered 404 Not Found",
        ),
        (urllib.error.URLError("timed out"), "cannot fetch: timed out"),
        (TimeoutError("read timed out"), "cannot fetch: read timed out"),
        (ValueError("Invalid IPv6 URL"), "cannot fetch: Invalid IPv6 URL"),
        (Response(b"x" * (LIMIT + 1), "text/html"), "more than 8 MB: not a tutorial page"),
        (Response("\u00e9".encode("latin-1"), "text/plain; charset=utf-8"), "not utf-8 text"),
    ],
    ids=["404", "unreachable", "timeout", "bad-address", "too-big", "not-its-charset"],
)
def test_a_page_that_cannot_be_had_is_named_with_the_reason(
    answer: object, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def urlopen(*_: object, **__: object) -> object:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(UsageError, match=re.escape(f"https://h/t.md: {said}")):
        fetch("https://h/t.md")


@pytest.mark.parametrize(
    ("ctype", "kind"),
    [("text/html; charset=iso-8859-1", "html"), ("text/markdown", "markdown"),
     ("text/x-shellscript", "shell"), ("text/plain", None)],
)  # fmt: skip
def test_a_page_is_read_as_its_server_says(
    ctype: str, kind: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "ip netns add caf\u00e9".encode("latin-1" if "8859" in ctype else "utf-8")
    monkeypatch.setattr(urllib.request, "urlopen", lambda *_, **__: Response(body, ctype))
    got = fetch("https://github.com/o/r/blob/main/labs/lab.sh?plain=1")
    assert (got.text, got.kind, got.name) == ("ip netns add caf\u00e9", kind, "lab.sh")


def test_a_thread_is_its_question_and_one_answer() -> None:
    """Hunt X: the question, the accepted answer (its fix and its cleanup) and a second
    answer's whole lab were chained into one setup of 33 steps and no teardown; the lab was
    the second answer's. Now: the question and the accepted answer, the other said."""
    page = (FIXTURES / "unixse-bridge.html").read_text(encoding="utf-8")
    result = import_text(page, "html", "unixse-bridge.html")
    assert result.warnings[0] == (
        "line 126: 1 other answer of the thread left out: the question and one answer are"
        " read (the accepted one)"
    )
    data = yaml.safe_load(result.yaml)
    lines = [s.get("line") or s.get("script") or s.get("action") for s in data["setup"]]
    assert not any("veth-$ns" in str(line) for line in lines)  # the second answer's loop
    assert result.model_error is None
    assert [s["action"] for s in data["teardown"]] == ["netns del", "netns del", "link del"]
    # no answer accepted: the first (the one the site shows on top)
    unanswered = page.replace('itemprop="acceptedAnswer"', 'itemprop="suggestedAnswer"')
    first = import_text(unanswered, "html", "unixse-bridge.html")
    assert first.warnings[0].endswith("one answer are read (the first)")
    assert yaml.safe_load(first.yaml)["teardown"] == data["teardown"]
