"""``iplab import`` of AsciiDoc (Red Hat and Fedora documentation, Antora sites, lab manuals).

The oracle: each Markdown tutorial of the corpus (and the reference blog), written in
AsciiDoc as an author writes it (a document title, ``==`` sections, ``[source,LANG]`` and
``----`` listings, ``....`` literal blocks, inline code in backticks, lists with their
blocks joined by ``+``), in a style that changes from page to page (header attributes,
comments, block titles, callouts), imports to the steps its Markdown does.
"""

from __future__ import annotations

import io
import re
import textwrap
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from iplab.cli import main
from iplab.errors import UsageError
from iplab.importer.asciidoc import read_asciidoc
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.fetch import fetch
from iplab.importer.markdown import front_matter
from iplab.importer.reader import Block, Cmd
from tests.corpus import Response, markdown_pages

MARKDOWN = markdown_pages()
#: how a page is written: each a set of habits, taken in turn by the pages of the corpus
STYLES: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"header", "literal", "titles"}),
    frozenset({"callouts", "comments", "indented"}),
    frozenset({"header", "titles", "callouts", "literal", "bare-source"}),
)

_INLINE = (
    (re.compile(r"!\[[^\]]*\]\(([^)]*)\)"), r"image:\1[]"),
    (re.compile(r"\[([^\]]+)\]\(([^)]*)\)"), r"link:\2[\1]"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])"), r"_\1_"),
    (re.compile(r"\*\*(.+?)\*\*"), r"*\1*"),
)
_COMMAND = re.compile(r"(?:\$ |# )?(?:sudo )?ip ")


def _inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


class _Writer:
    """A Markdown page written again as AsciiDoc; with callouts, the Markdown page with the
    callout lists' text as paragraphs (what the AsciiDoc page says, said in Markdown)."""

    def __init__(self, markdown: str, style: frozenset[str]) -> None:
        self.lines = markdown.splitlines()
        self.style = style
        self.out: list[str] = []
        self.callouts: dict[int, str] = {}  # a Markdown line: the paragraph to put after it

    def write(self) -> str:
        title, start = front_matter(self.lines)
        tokens = MarkdownIt("commonmark").parse("\n".join(self.lines[start:]) + "\n")
        out = self.out
        if "comments" in self.style:
            out += ["// Written in AsciiDoc for iplab's tests", ""]
        if title:
            self._title(title)
        lists: list[str] = []  # the markers of the open lists
        for k, token in enumerate(tokens):
            if token.type in ("bullet_list_open", "ordered_list_open"):
                marker = "*" if token.type == "bullet_list_open" else "."
                lists.append(marker * (len(lists) + 1))
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
                out.append("")
            elif token.type in ("blockquote_open", "blockquote_close"):
                out += ["____", ""] if token.type == "blockquote_open" else ["", "____", ""]
            elif token.type == "heading_open":
                text = _inline(tokens[k + 1].content)
                if token.tag == "h1" and not title:
                    title = text
                    self._title(text)
                else:
                    if "comments" in self.style:
                        out += ["////", "A section; ip netns add commented-out", "////"]
                    out += ["=" * max(2, int(token.tag[1])) + " " + text, ""]
            elif token.type == "paragraph_open" and token.map is not None:
                self._paragraph(tokens, k, start, lists)
            elif token.type in ("fence", "code_block") and token.map is not None:
                if lists and tokens[k - 1].type != "list_item_open":
                    out.append("+")
                self._code(token, start)
        return "\n".join(out) + "\n"

    def _title(self, title: str) -> None:
        self.out += [f"= {_inline(title)}"]
        if "header" in self.style:
            self.out += ["A. U. Thor <author@example.org>", ":toc: left", ":icons: font"]
        self.out.append("")

    def _paragraph(self, tokens: list[Token], k: int, start: int, lists: list[str]) -> None:
        where = tokens[k].map
        assert where is not None
        first, end = where
        item = lists and tokens[k - 1].type == "list_item_open"
        body = [_inline(line.strip()) for line in self.lines[start + first : start + end]]
        body = [re.sub(r"^(?:>\s*)+|^(?:[-*+]|\d+[.)])\s+", "", line) for line in body]
        if item:
            body[0] = f"{lists[-1]} {body[0]}"
        elif lists:  # a list item's second paragraph
            self.out.append("+")
        self.out += body if lists else [*body, ""]

    def _code(self, token: Token, start: int) -> None:
        assert token.map is not None
        out = self.out
        info = token.info.split()[0] if token.type == "fence" and token.info.strip() else ""
        body = token.content.splitlines()
        if "titles" in self.style:
            out.append(".The commands" if info else ".What it prints")
        if "callouts" in self.style and token.level == 0:
            marked = next((n for n, line in enumerate(body) if _COMMAND.match(line)), None)
            if marked is not None and not body[marked].endswith("\\"):
                body[marked] += " <1>"
                said = f"Callout {len(self.callouts) + 1} explains this line."
                self.callouts[start + token.map[1]] = said
        simple = body and all(line.strip() and line[0] not in " \t" for line in body)
        if info and simple and "bare-source" in self.style and token.level == 0:
            out += [f"[source,{info}]", *body]  # a paragraph marked [source]
        elif not info and simple and "indented" in self.style:
            out += [f" {line}" for line in body]  # a literal paragraph
        else:
            char = "." if not info and "literal" in self.style else "-"
            delimiter = char * 4
            while delimiter in body:
                delimiter += char
            if info:
                out.append(f"[source,{info}]" if len(self.callouts) % 2 else f"[,{info}]")
            out += [delimiter, *body, delimiter]
        if token.level == 0 and start + token.map[1] in self.callouts:
            out += ["", f"<1> {self.callouts[start + token.map[1]]}"]
        out.append("")

    def markdown(self) -> str:
        """The Markdown page with the callout lists' text as paragraphs."""
        lines = list(self.lines)
        for after in sorted(self.callouts, reverse=True):
            lines[after:after] = ["", self.callouts[after], ""]
        return "\n".join(lines) + "\n"


def to_asciidoc(markdown: str, style: frozenset[str] = frozenset()) -> str:
    """A Markdown tutorial as an AsciiDoc author writes it."""
    return _Writer(markdown, style).write()


def _steps(yaml_text: str) -> Any:
    """The scenario without its source and name."""
    doc = yaml.safe_load(yaml_text)
    del doc["source"], doc["name"]
    return doc


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_a_tutorial_in_asciidoc_imports_to_the_steps_of_its_markdown(path: Path) -> None:
    style = STYLES[MARKDOWN.index(path) % len(STYLES)]
    writer = _Writer(path.read_text(encoding="utf-8"), style)
    adoc = writer.write()
    markdown = writer.markdown()
    assert detect_kind("page.adoc", adoc) == "asciidoc"
    if adoc.startswith("= "):
        assert detect_kind("page.txt", adoc) == "asciidoc"
    want = import_text(markdown, "markdown", path.name, base=path.parent)
    got = import_text(adoc, "asciidoc", "page.adoc", base=path.parent)
    assert _steps(got.yaml) == _steps(want.yaml)
    assert got.lines == want.lines
    assert (got.typed, got.raw) == (want.typed, want.raw)
    # the same warnings, each naming the line of its own page
    assert [_unnumbered(w) for w in got.warnings] == [_unnumbered(w) for w in want.warnings]


def _unnumbered(warning: str) -> str:
    return re.sub(r"^line \d+: ", "line N: ", warning)


def test_each_style_is_used_and_callouts_are_written() -> None:
    written = [
        to_asciidoc(p.read_text(encoding="utf-8"), STYLES[k % len(STYLES)])
        for k, p in enumerate(MARKDOWN)
    ]
    page = "\n".join(written)
    for mark in (" <1>\n", "\n<1> ", "\n:toc: left\n", "\n.The commands\n", "\n....\n", "\n// "):
        assert mark in page, mark
    assert re.search(r"\n\[source,\w+\]\n(?!----)", page)  # a paragraph marked [source]
    assert re.search(r"\n \S", page)  # an indented literal paragraph


def _commands(page: str) -> list[tuple[int, str]]:
    """Each command the page holds, with the line of the file it is on."""
    _, reader = read_asciidoc(page)
    out: list[tuple[int, str]] = []
    for event in reader.events:
        if isinstance(event, Cmd):
            out.append((event.line, event.text))
        elif isinstance(event, Block):
            out += [(cmd.line, cmd.text) for cmd in event.cmds]
    return out


def test_callouts_are_taken_off_the_commands_and_their_list_is_prose() -> None:
    page = textwrap.dedent("""\
        = Callouts

        [source,console]
        ----
        $ sudo ip netns add red <1>
        $ sudo ip netns add blue # <2>
        $ sudo ip link add r0 netns red type veth peer name b0 netns blue <3> <4>
        $ ip -n red -br link <.>
        r0@b0   DOWN   <!--5-->
        ----
        <1> The first namespace.
        <2> The second.

        Then an address:

        [source,bash]
        ----
        sudo ip -n red addr add 10.0.0.1/24 dev r0
        ----
        """)
    result = import_text(page, "asciidoc", "callouts.adoc")
    assert result.lines == (
        "sudo ip netns add red",
        "sudo ip netns add blue",
        "sudo ip link add r0 netns red type veth peer name b0 netns blue",
        "ip -n red -br link",
        "sudo ip -n red addr add 10.0.0.1/24 dev r0",
    )
    assert "output: r0@b0   DOWN\n" in result.yaml
    assert (
        "title: Then an address\n    prose: |-\n      The first namespace.\n\n      The second.\n"
        in (result.yaml)
    )
    assert "<1>" not in result.yaml and "<!--" not in result.yaml
    assert result.model_error is None


def test_header_attributes_and_block_marks_are_not_commands() -> None:
    page = textwrap.dedent("""\
        = Bare notes
        Jane Doe <jane@example.org>
        v1.0, 2024-01-01
        :toc: left
        :ns: east
        :experimental:

        [.lead]
        Everything below is typed as root.

        [[first]]
        [#also-first]
        .ip netns add a-block-title
        ip netns add {ns}

        :late: ip netns add late-attribute
        '''
        image::ip-netns-add-picture.png[]
        toc::[]
        // ip netns add commented
        ////
        ip netns add comment-block
        ////
        [comment]
        ip netns add comment-paragraph
        """)
    result = import_text(page, "asciidoc", "bare.adoc")
    assert result.lines == ("ip netns add east",)
    assert "title: Bare notes\n" in result.yaml
    assert "title: Everything below is typed as root\n" in result.yaml
    for word in ("Jane", "toc", "experimental", "block-title", "late", "picture", "comment"):
        assert word not in result.yaml, word


def test_include_is_never_followed_and_ifdef_never_evaluated(tmp_path: Path) -> None:
    (tmp_path / "cmds.sh").write_text("ip netns add leaked\n")
    page = textwrap.dedent("""\
        = Includes

        include::cmds.sh[]

        ifdef::env-github[]
        Read on GitHub.
        endif::[]

        [source,bash]
        ----
        include::cmds.sh[lines=1]
        ip netns add mine
        ----
        """)
    result = import_text(page, "asciidoc", "inc.adoc", base=tmp_path)
    assert result.lines == ("ip netns add mine",)
    assert result.warnings == (
        "line 3: include::cmds.sh[] is not followed (iplab reads this file only)",
        "line 5: ifdef::env-github[] is not evaluated: what it wraps is read",
        "line 11: include::cmds.sh[] is not followed (iplab reads this file only)",
    )
    assert "title: Read on GitHub\n" in result.yaml


def test_a_page_without_code_blocks_gives_its_ip_lines() -> None:
    page = textwrap.dedent("""\
        = Lab notes
        :ns: east

        Not formatted (see link:https://man7.org/linux/man-pages/man8/ip.8.html[ip(8)]), _pinged_:

        * ip netns add {ns}
        * `ip netns add west`
        * +ip link add e-w netns east type veth peer name w-e netns west+
        - ip -n east link set e-w up
        """)
    result = import_text(page, "asciidoc", "notes.adoc")
    assert result.lines == (
        "ip netns add east",
        "ip netns add west",
        "ip link add e-w netns east type veth peer name w-e netns west",
        "ip -n east link set e-w up",
    )
    assert "title: Not formatted (see ip(8)), pinged\n" in result.yaml
    assert all("the page has no code blocks" in w for w in result.warnings)
    assert [w.split(":")[0] for w in result.warnings] == [
        "line 6", "line 7", "line 8", "line 9"
    ]  # fmt: skip
    with pytest.raises(UsageError, match=r"empty\.adoc: no command found \(read as asciidoc\)"):
        import_text("= Nothing\n\nJust prose.\n", "asciidoc", "empty.adoc")


def test_every_kind_of_block_keeps_its_line_numbers() -> None:
    page = textwrap.dedent("""\
        = Forms
        :source-language: bash
        :ns: s7

        Two-line section
        ----------------

        .A block title
        [source]
        ----
        sudo ip netns add s1
        ----

        ====
        An example block holds prose, and code:

        [source,bash]
        ----
        sudo ip netns add s2
        ----
        ====

        [NOTE]
        ====
        A note.
        ====

        ****
         sudo ip netns add s3
        ****

        [source,bash]
        --
        sudo ip netns add s4
        --

        ```bash
        sudo ip netns add s5
        ```

        [literal]
        sudo ip netns add s6

        |===
        | ip netns add in-a-table | no
        |===

        ++++
        <pre>ip netns add passthrough</pre>
        ++++

        [source,bash,subs="attributes+"]
        ----
        sudo ip netns add {ns}
        ----

        . A step
        +
        ....
        sudo ip netns add s8
        ....
        """)
    assert _commands(page) == [
        (11, "sudo ip netns add s1"),
        (19, "sudo ip netns add s2"),
        (29, "sudo ip netns add s3"),
        (34, "sudo ip netns add s4"),
        (38, "sudo ip netns add s5"),
        (42, "sudo ip netns add s6"),
        (54, "sudo ip netns add s7"),
        (60, "sudo ip netns add s8"),
    ]
    result = import_text(page, "asciidoc", "forms.adoc")
    assert "title: Two-line section\n" in result.yaml
    assert "title: A note\n" in result.yaml and "table" not in result.yaml
    assert result.warnings == ()
    typeset = "sudo ip netns exec n1 bash -c \u201cip link\u201d"
    quoted = import_text(f"= T\n\n[source,bash]\n----\n{typeset}\n----\n", "asciidoc", "q.adoc")
    assert any(w.startswith("line 5: '\u201c'") for w in quoted.warnings), quoted.warnings


@pytest.mark.parametrize(
    ("page", "lines", "warnings"),
    [
        (
            "= T\n\n[source,bash]\n----\nip netns add a\n",
            ("ip netns add a",),
            ["line 4: the block opened by '----' is not closed: read to the end of the page"],
        ),
        (
            "= T\n\nip netns add b\n\n[source,bash]\n",
            ("ip netns add b",),
            ["line 5: [source,bash] is followed by no block; ignored"],
        ),
        (
            "= T\n\n====\n----\nip netns add c\n----\n",
            ("ip netns add c",),
            ["line 3: the block opened by '====' is not closed"],
        ),
        (
            "= T\n\n----\nip netns add d\n----\n////\nip netns add e\n",
            ("ip netns add d",),
            ["line 6: the block opened by '////' is not closed: read to the end of the page"],
        ),
        (
            "\x00\xff= \x1b[source,\n\x00\x0c\ufffd [[\n----\nip netns add f\n",
            ("ip netns add f",),
            # (a form feed is a page break, no line's end, in every reader: the lines said
            # are an editor's, hunt AP; ESC [ s is a terminal's code)
            [
                "line 1: a terminal's colour codes (or backspaces) taken off",
                "line 3: the block opened by '----' is not closed: read to the end of the page",
            ],
        ),
        (  # a NEL ends a line, as in the other readers (and in YAML)
            "= T\n\n----\nip netns add g\x85ip netns add h\n----\n",
            ("ip netns add g", "ip netns add h"),
            [],
        ),
    ],
    ids=[
        "unclosed-listing",
        "source-at-the-end",
        "unclosed-example",
        "unclosed-comment",
        "junk",
        "next-line",
    ],
)
def test_a_malformed_page_imports_what_it_can_and_says_where(
    page: str, lines: tuple[str, ...], warnings: list[str]
) -> None:
    result = import_text(page, "asciidoc", "bad.adoc")
    assert result.lines == lines
    assert [w for w in result.warnings if "no code blocks" not in w] == warnings


_SIGNATURE = """\
-----BEGIN PGP SIGNATURE-----

iQIzBAABCAAdFiEEx5Ww4eJmlU7VqFq0XbQ0c8RNFMEFAmYxkZ0ACgkQXbQ0c8RN
=Kq3T
-----END PGP SIGNATURE-----
"""


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("lab.adoc", "ip link\n", "asciidoc"),
        ("lab.ASCIIDOC", "ip link\n", "asciidoc"),
        ("README", "= Lab\n:toc:\n\nip link\n", "asciidoc"),
        ("lab.txt", "= Lab\n\n== Step one\n\nip link\n", "asciidoc"),
        ("notes", "Run:\n\n[source,bash]\n----\nip link\n----\n", "asciidoc"),
        ("lab.asc", "= Lab\n\n[source,bash]\n----\nip link\n----\n", "asciidoc"),
        ("iplab.tar.gz.asc", _SIGNATURE, "shell"),
        ("script", "= is not a title in a script\nip link\n", "shell"),
        ("lab.md", "= Lab\n:toc:\n", "markdown"),
    ],
)
def test_asciidoc_is_known_by_its_extension_or_its_marks(path: str, text: str, kind: str) -> None:
    assert detect_kind(path, text) == kind


def test_an_org_page_is_known_by_its_extension_or_its_marks(tmp_path: Path) -> None:
    """An Org page was refused with how to export it; it is read (iplab.importer.org)."""
    org = "#+TITLE: Namespaces\n* Setup\n#+begin_src sh\nip netns add red\n#+end_src\n"
    bare = "* Setup\n#+begin_src sh\nip netns add red\n#+end_src\n"
    assert detect_kind("notes.org", bare) == "org"
    assert detect_kind("saved", org) == "org"
    (tmp_path / "lab.org").write_text(org)
    err = io.StringIO()
    out = tmp_path / "lab.yaml"
    assert main(["import", str(tmp_path / "lab.org"), "-o", str(out)], stderr=err) == 0
    assert "title: Namespaces" in out.read_text() and "name: red" in out.read_text()
    assert "Traceback" not in err.getvalue()


def test_the_command_line_reads_asciidoc_by_extension_or_when_told(tmp_path: Path) -> None:
    page = "Notes\n\n[source,bash]\n----\nip netns add red\n----\n"
    (tmp_path / "lab.adoc").write_text(page)
    (tmp_path / "lab.txt").write_text(page.replace("[source,bash]\n", ""))
    for argv in (["lab.adoc"], ["--format", "asciidoc", "lab.txt"]):
        out = tmp_path / "out.yaml"
        err = io.StringIO()
        rc = main(["import", *argv[:-1], str(tmp_path / argv[-1]), "-o", str(out)], stderr=err)
        assert rc == 0, err.getvalue()
        assert "action: netns add\n    name: red\n" in out.read_text()


@pytest.mark.parametrize("ctype", ["text/asciidoc", "text/x-asciidoc; charset=utf-8"])
def test_a_page_the_server_says_is_asciidoc_is_read_as_asciidoc(
    ctype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = Response(b"= Lab\n\n----\nip netns add red\n----\n", ctype)
    monkeypatch.setattr(urllib.request, "urlopen", lambda *_, **__: answer)
    assert fetch("https://docs.example.org/lab/").kind == "asciidoc"
