"""The corpus: tutorials written in other authors' styles (``tests/fixtures/tutorials``).

Each is imported as ``iplab import`` does (``. ./lab.env`` read from beside it), printed
back as ``iplab render`` does, and compared with its own lines. Shared by the golden tests,
the kernel runs and ``python3 -m tests.corpus_report``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from iplab import export, scenario
from iplab.errors import IplabError
from iplab.importer.convert import ImportResult, detect_kind, import_text
from iplab.importer.reader import Kind
from iplab.plan import build, decide_sudo
from iplab.render import renderer

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "fixtures" / "tutorials"
GOLDEN_CORPUS = REPO / "tests" / "golden" / "corpus"

#: tutorials that reach outside their own namespaces: imported and printed, never run here
NOT_RUN = {
    "23-host-bridge-nat.md": "addresses a bridge of the host, sets the host's ip_forward and"
    " iptables, pings 8.8.8.8",
    "26-docker-style-bridge.sh": "its ip -all netns delete runs (scoped to the lab) in"
    " tests/test_all_netns.py, in a mount namespace of its own: a test on the shared host"
    " must not depend on it",
    "27-functions-and-a-pause.sh": "addresses a bridge in the root namespace and sets its"
    " ip_forward: runs in tests/test_corpus.py in a network namespace of its own",
}

#: what may stand before a command on a tutorial's line: indentation, a prompt
_LEAD = re.compile(r"\s*(?:(?:\$|#|>|(?:\[\w+\] )?[\w.-]+@[\w.-]+:\S*[$#]|\[[^\]\n]+\][$#])\s+)?")


def tutorials() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".sh"))


def markdown_pages() -> list[Path]:
    """The reference blog and the corpus's Markdown tutorials: what the web page and
    reStructuredText readers are held to."""
    reference = CORPUS.parent / "reference" / "container-networking-part2.md"
    return [reference, *(p for p in tutorials() if p.suffix == ".md")]


def import_tutorial(path: Path) -> ImportResult:
    """Import as ``iplab import PATH`` does, named by the path in the repository."""
    text = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(REPO))
    return import_text(text, detect_kind(rel, text), rel, base=path.parent)


def printed(result: ImportResult) -> str:
    """What ``iplab render`` prints for the imported scenario. When the model refuses the
    scenario, each step is printed the same way without it (render's text job)."""
    sc = scenario.load_text(result.yaml, f"{result.name}.yaml")
    try:
        return export.text(build(sc))
    except IplabError:
        pass
    out = []
    for step in sc.steps:
        if step.joined:
            continue
        if step.verbatim:  # ("": a trap's handler, no line of its own)
            out.append(step.verbatim)
        elif step.verbatim is not None:
            continue
        else:
            sudo = decide_sudo(sc.sudo, step.sudo, step.op)
            out.append(renderer().command(step.op, sudo).text)
    return "".join(f"{line}\n" for line in out)


def _same(source: str, line: str) -> bool:
    source, line = source.rstrip(), line.rstrip()
    if not source.endswith(line):
        return False
    return _LEAD.fullmatch(source[: len(source) - len(line)]) is not None


def first_stray_line(path: Path, text: str) -> str | None:
    """The first printed line that is not the tutorial's next line (None: every printed line
    is a line of the tutorial, exactly, in order, after its prompt)."""
    source = path.read_text(encoding="utf-8").splitlines()
    j = 0
    for line in text.splitlines():
        while j < len(source) and not _same(source[j], line):
            j += 1
        if j == len(source):
            return line
        j += 1
    return None


#: the lines of a script that are not commands of the lab: notes, guards, assignments
_QUIET = re.compile(
    r"\s*(?:#|$|[A-Za-z_][A-Za-z0-9_]*=|export |set |echo |printf |exit\b|\. |source |"
    r"if \[|fi$|then$|else$)"
)


def first_missing_line(path: Path, text: str) -> str | None:
    """A script's first line that is neither printed nor a note (None: none is left out)."""
    if path.suffix != ".sh":
        return None
    printed_lines = set(text.splitlines())
    for line in path.read_text(encoding="utf-8").splitlines():
        if _QUIET.match(line) or line.rstrip() in printed_lines or line.strip() in printed_lines:
            continue
        if any(line.rstrip() in block.splitlines() for block in printed_lines):
            continue
        return line
    return None


def dropped(result: ImportResult) -> list[str]:
    """The import's warnings about lines it could not keep at all."""
    return [w for w in result.warnings if "cannot be imported" in w]


@dataclass(frozen=True)
class Figures:
    """One tutorial's import, in numbers."""

    name: str
    lines: int
    exact: bool
    typed: int
    raw_effects: int
    raw_unknown: int
    model_ok: bool
    #: raw steps that only observe (hunt EA: not of unknown effect)
    raw_reads: int = 0

    @property
    def commands(self) -> int:
        return self.typed + self.raw_reads + self.raw_effects + self.raw_unknown


def figures(path: Path) -> Figures:
    result = import_tutorial(path)
    text = printed(result)
    exact = (
        first_stray_line(path, text) is None
        and first_missing_line(path, text) is None
        and not dropped(result)
    )
    return Figures(
        name=path.name,
        lines=len(text.splitlines()),
        exact=exact,
        typed=result.typed,
        raw_effects=result.raw_effects,
        raw_unknown=result.raw_unknown,
        raw_reads=result.raw_reads,
        model_ok=result.model_error is None,
    )


class Response:
    """What urlopen gives back (for the tests of pages fetched by address): a body and the
    headers of a server's answer."""

    def __init__(self, body: bytes, ctype: str) -> None:
        self.body, self.headers = body, Message()
        self.headers["Content-Type"] = ctype

    def read(self, limit: int) -> bytes:
        return self.body[:limit]

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def imported_lines(
    text: str, kind: Kind, name: str, prefix: str = ""
) -> tuple[list[str], ImportResult]:
    """The command lines a tutorial's text imports to (planned with ``prefix``), and the
    import's result."""
    result = import_text(text, kind, name)
    plan = build(scenario.load_text(result.yaml, f"{Path(name).stem}.yaml"), prefix=prefix)
    return [pc.command.text for pc in plan.commands], result
