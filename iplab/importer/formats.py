"""Files that hold a lab but are neither a page nor a shell script: refused, with the way
out.

A Makefile, a CI workflow, a playbook, a Vagrantfile, a Dockerfile, a Python or Go
program, an expect script, a terminal recording: read as a script, each of their lines was
a raw step (``.PHONY: up``, ``name: netns lab``, ``import os``), and a recipe's ``rm -rf
${OUT}/*`` is make's variable, which bash reads as empty. None of them is shell; each has
its own way to print the commands it runs, which iplab reads well (``make -n up down |
iplab import - --name lab``). Known by name, by extension, by an interpreter's ``#!``
line, or (a recording) by its header line; and by how such files are written
(:func:`by_content`: a renamed ``Dockerfile.netlab``, ``cat site.yml | iplab import -``,
a page's code block with no language, hunt N): a rule and its tab-indented recipe (in a
page, with something only make reads: hunt P), a first ``FROM``, ``Vagrant.configure``,
YAML whose keys run commands, Python; a justfile's recipes indented by spaces (hunt AD);
in a page, a C function the page quotes (hunt EX).

Why this module is long: each kind of file is told by content by a reader of its own (a
Makefile, a justfile, a Dockerfile, a Vagrantfile, YAML, Python, C), sharing one table of
names and ways out.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import yaml

from iplab.importer.terminal import line_ranges

__all__ = ["by_content", "not_a_script", "vagrant_shell"]

#: how to get the commands out of each, said after what it is
_MAKE = (
    "print the commands its targets run and import those:"
    " make -n up down | iplab import - --name lab"
)
_COPY = "copy the shell commands it runs into a .sh file (or a Markdown page) and import that"
_JUST = "print its recipes' commands: just --dry-run up | iplab import -"
_NAMES = {
    "makefile": ("a Makefile", _MAKE),
    "gnumakefile": ("a Makefile", _MAKE),
    "justfile": ("a justfile", _JUST),
    ".justfile": ("a justfile", _JUST),
    "vagrantfile": ("a Vagrantfile (Ruby)", _COPY),
    "dockerfile": ("a Dockerfile", _COPY),
    "containerfile": ("a Containerfile", _COPY),
    "jenkinsfile": ("a Jenkinsfile (Groovy)", _COPY),
    "tox.ini": ("a tox.ini (tox)", _COPY),
}
_SUFFIXES = {
    ".mk": ("a Makefile", _MAKE),
    ".makefile": ("a Makefile", _MAKE),  # (lab.makefile, net.Makefile: hunt ED, read as shell)
    ".just": ("a justfile", _JUST),
    ".yml": ("YAML (a workflow, a playbook, a compose file)", _COPY),
    ".yaml": (
        "YAML (a workflow, a playbook, a compose file; a scenario is run, not imported)",
        _COPY,
    ),
    ".json": ("JSON", _COPY),
    ".toml": ("TOML", _COPY),
    ".ini": ("an INI file (tox, a tool's settings)", _COPY),
    ".cfg": ("an INI file (setup.cfg, a tool's settings)", _COPY),
    ".cast": (
        "a terminal recording (asciinema)",
        "play it as text and import that: asciinema cat FILE > lab.txt",
    ),
    ".py": ("a Python program", _COPY),
    ".exp": ("an expect program", _COPY),
    ".go": ("a Go program", _COPY),
    ".rs": ("a Rust program", _COPY),
    ".rb": ("a Ruby program", _COPY),
    ".pl": ("a Perl program", _COPY),
    ".js": ("a JavaScript program", _COPY),
    ".ts": ("a TypeScript program", _COPY),
    ".tf": ("a Terraform file", _COPY),
    ".nix": ("a Nix file", _COPY),
    ".ps1": ("a PowerShell script", _COPY),
    ".bat": ("a Windows batch file", _COPY),
    ".cmd": ("a Windows batch file", _COPY),
    ".dockerfile": ("a Dockerfile", _COPY),
}
#: ``#!/usr/bin/env python3``, ``#!/usr/bin/make -f``: an interpreter that is no shell
_SHEBANG = re.compile(r"\ufeff?#!\s*(?:\S*/)?(?:env\s+(?:-\S+\s+)*)?(\S+)")
_SHELLS = re.compile(r"(?:ba|da|k|z|mk|a|yash|busybox\s)?sh\d*(?:\.\d+)*")
_MAKE_TARGETS = re.compile(r"^\.PHONY\s*:", re.M)


def _asciicast(text: str) -> bool:
    """An asciinema recording by its content: a header line (a JSON object with the
    format's ``version`` and the terminal's ``width`` or ``term``), then ``[time, "o",
    "..."]`` lines (hunt G: one not named ``.cast`` was read as a script, 356 raw steps)."""
    lines = [line for line in text.lstrip("\ufeff").splitlines()[:2] if line.strip()]
    try:
        header = json.loads(lines[0]) if lines else None
        event = json.loads(lines[1]) if len(lines) > 1 else []
    except json.JSONDecodeError:
        return False
    return (
        isinstance(header, dict)
        and header.get("version") in (1, 2, 3)
        and ("width" in header or "term" in header)
        and isinstance(event, list)
    )


def not_a_script(path: str, text: str) -> str | None:
    """Why the file is refused (what it is, and the way out), or None: a page or a script."""
    name = Path(path).name.lower()
    said = _NAMES.get(name) or _SUFFIXES.get(Path(name).suffix) or _named(name)
    if said is None and (shebang := _SHEBANG.match(text)):
        interpreter = Path(shebang[1]).name
        if not _SHELLS.fullmatch(interpreter):
            article = "an" if interpreter[:1].lower() in "aeiou" else "a"
            said = (
                f"{article} {interpreter} program (its #! line)",
                _MAKE if interpreter == "make" else _COPY,
            )
    if said is None and _asciicast(text):
        what, way = _SUFFIXES[".cast"]
        said = (f"{what}, by its header line", way)
    if said is None and _MAKE_TARGETS.search(text) and not text.lstrip().startswith("#!"):
        said = ("a Makefile (.PHONY)", _MAKE)
    if said is None and not text.lstrip("\ufeff").startswith("#!"):
        found = by_content(list(enumerate(text.splitlines(), 1)))
        said = (f"{found.what}, by its {found.sign}", found.way) if found else None
    if said is None:
        return None
    what, way = said
    targets = any(_rule(line) for line in text.splitlines() if not line.startswith("\t"))
    way = _way(way, path, targets)
    if what.startswith("a Vagrantfile"):
        way = _provisioned(text) or way
    elif said[1] == _COPY and (run := _yaml_commands(text)):
        way = run
    if said[1] == _MAKE and (goals := _goals(text)) is not None:
        way = way.replace(" -n up down |", f" -n {goals} |")
    # (make's "missing separator" is a Makefile's: hunt EP, a Python module's ``def
    # setup():`` and its four-space body were said to stop make)
    unseparated = _unseparated(text) if said[1] == _MAKE else ""
    return f"{path}: {what}: not a shell script or a page, not read; {way}{unseparated}"


#: the names people give a Makefile's teardown target, in the order one is taken
_DOWN_GOALS = ("down", "clean", "teardown", "destroy", "cleanup", "delete", "del", "stop")


def _goals(text: str) -> str | None:
    """The targets whose commands are the lab's, as the Makefile names them: ``up`` (else
    the first rule's, make's default goal) and ``down`` (else ``clean``, ``teardown``...),
    hunt DO: ``make -n up down`` said of a Makefile with ``all`` and ``clean`` stopped
    at make's "No rule to make target 'up'". None: no rule found."""
    names: list[str] = []
    for line in text.splitlines():
        if line.startswith("\t") or not _rule(line):
            continue
        for name in line.partition(":")[0].split():
            if not (_SPECIAL_TARGET.match(name) or "%" in name or "$" in name):
                names.append(name)
    if not names:
        return None
    up = "up" if "up" in names else names[0]
    down = next((goal for goal in _DOWN_GOALS if goal in names and goal != up), None)
    return f"{up} {down}" if down else up


def _unseparated(text: str) -> str:
    """A recipe's line indented with spaces, not a tab: make stops at it (``*** missing
    separator``) before it prints a command; said with its line (hunt DO: a router's
    ``ip_forward`` line indented by four spaces under tab-indented ones)."""
    lines = text.splitlines()
    in_recipe = False
    for number, line in enumerate(lines, 1):
        if line.startswith("\t"):
            in_recipe = True
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        stripped = line.strip()
        make_reads = (
            _rule(stripped)
            or _MAKE_ASSIGN.fullmatch(stripped)
            or _MAKE_DIRECTIVE.fullmatch(stripped)
        )
        if (
            in_recipe
            and line[:1] == " "
            and not make_reads
            and not lines[number - 2].endswith("\\")
        ):
            return (
                f" (line {number} is indented with spaces, not a tab: make stops there,"
                " '*** missing separator'; indent it with a tab first)"
            )
        # (hunt ED: a rule's first recipe line indented by spaces, ``enaIp:`` then five
        # spaces, is where make stops too)
        in_recipe = line[:1] not in (" ", "\t") and bool(_rule(stripped))
    return ""


def _named(name: str) -> tuple[str, str] | None:
    """``Dockerfile.netlab``, ``Makefile.lab``, ``Vagrantfile.lab``: a known name and a
    suffix of the author's own (hunt N)."""
    stem, dot, own = name.partition(".")
    return _NAMES.get(stem) if dot and "." not in own else None


def _way(way: str, path: str, targets: bool = True) -> str:
    """The way out, for a Makefile not named ``Makefile``: ``make -f FILE -n`` (hunt N), or,
    with no rule (``targets`` False: ``config.mk``), the Makefile that includes it; for a
    justfile not named ``justfile``: ``just --justfile FILE --dry-run`` (hunt AD)."""
    name = Path(path).name
    if path in ("-", "stdin") or name.lower() in _NAMES:
        return way
    if way == _MAKE and not targets:
        return (
            f"it has no rule (a file a Makefile includes: include {name}); print the commands"
            " the including Makefile's targets run: make -n up down | iplab import - --name lab"
        )
    if way == _MAKE:
        return way.replace("make -n", f"make -f {name} -n")
    if way == _JUST:
        return way.replace("just --dry-run", f"just --justfile {name} --dry-run")
    return way


class Found:
    """What a text is by its content (``a Makefile``), the sign that says so (``line 9:
    'up:' then a tab-indented recipe``), and the way to get its commands out."""

    def __init__(self, what: str, sign: str, way: str) -> None:
        self.what, self.sign, self.way = what, sign, way


def by_content(lines: Sequence[tuple[int, str]], in_page: bool = False) -> Found | None:
    """What numbered lines are when they are no shell, by how such files are written: a
    Makefile, a Dockerfile, a Vagrantfile, YAML that runs commands (a workflow, a
    playbook, a compose file), a Python program; None: none of these. ``in_page``: a code
    block of a page, where a Makefile must show something only make reads
    (:func:`_make_sign`): a page labels each host's commands as make writes a rule."""
    if (found := _makefile(lines)) is not None and (not in_page or _make_sign(lines)):
        return found
    if in_page and (found := _c_like(lines)) is not None:
        return found
    for detect in (_justfile, _dockerfile, _vagrantfile, _yaml, _ini, _python):
        if (found := detect(lines)) is not None:
            return found
    return None


def _meaningful(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines that are neither blank nor a ``#`` comment."""
    return [(n, t) for n, t in lines if t.strip() and not t.lstrip().startswith("#")]


#: a make rule: targets (no option, no shell word), ``:`` or ``::``, its prerequisites
_RULE = re.compile(r"(?P<targets>[\w.%/$(){}-]+(?:[ ]+[\w.%/$(){}-]+)*)[ ]*::?(?!=)(?:[ \t][^=]*)?")


def _rule(text: str) -> bool:
    """``up:``, ``all: up``, ``%.o: %.c``: targets that are no option and no number (``1:
    lo: <LOOPBACK>`` is ip's output, ``ip -6 addr add fd00::1`` a command)."""
    match = _RULE.fullmatch(text)
    return match is not None and not any(
        word.startswith("-") or word.isdigit() for word in match["targets"].split()
    )


_MAKE_ASSIGN = re.compile(
    r"(?:override\s+|export\s+)?(?P<name>[A-Za-z_][\w.]*)\s*(?:[:?+!]|::)?=.*"
)
_MAKE_DIRECTIVE = re.compile(
    r"(?:-?include|sinclude|ifn?eq|ifn?def|else|endif|define|endef|export|unexport|override"
    r"|vpath)\b.*"
)


def _makefile(lines: Sequence[tuple[int, str]]) -> Found | None:
    """A Makefile: a rule (``up:``) with a tab-indented recipe after it, every other line
    an assignment (``NS1 = red``), a directive, another rule or recipe line (a recipe
    indented by spaces too, which make refuses: hunt ED, piped in, such a Makefile was read
    as a script, ``$(NS)`` a command substitution)."""
    kept = _meaningful(lines)
    rule: tuple[int, str] | None = None
    joined = under_rule = False
    for k, (number, text) in enumerate(kept):
        follows = joined
        joined = text.endswith("\\")
        if follows or text.startswith("\t"):
            continue
        if under_rule and text.startswith(" "):
            continue  # (a recipe indented by spaces, make's "missing separator": hunt ED)
        under_rule = bool(_rule(text))
        if under_rule:
            if rule is None and k + 1 < len(kept) and kept[k + 1][1].startswith("\t"):
                rule = (number, text)
            continue
        if not (_MAKE_ASSIGN.fullmatch(text) or _MAKE_DIRECTIVE.fullmatch(text)):
            return None
    if rule is None:
        return None
    sign = f"rule at line {rule[0]} ({rule[1].strip()!r}) and its tab-indented recipe"
    return Found("a Makefile", sign, _MAKE)


#: an assignment no shell reads: ``NS1 = red``, ``IP ?= /sbin/ip``, ``X := y``, ``X += y``
_MAKE_ONLY_ASSIGN = re.compile(r"(?:override\s+)?[A-Za-z_][\w.]*(?:\s+|\s*(?:[:?+!]|::))=.*")
#: a directive no shell has (``export`` is both)
_MAKE_ONLY_DIRECTIVE = re.compile(
    r"(?:-?include|sinclude|ifn?eq|ifn?def|endif|define|endef|override|vpath)\b.*"
)
#: ``.PHONY``, ``.SUFFIXES``, ``.ONESHELL``: a target make gives a meaning
_SPECIAL_TARGET = re.compile(r"\.[A-Z]")
#: a recipe line's prefix (``@echo``: quiet; ``-ip netns del``: go on if it fails; ``+``)
_RECIPE_PREFIX = re.compile(r"\t+[@+-]")
#: ``$(NS1)``, ``$(shell ...)``: a variable's or a function's value (to a shell, a command's
#: output); ``$<``, ``$^``, ``$(@D)``: an automatic variable
_MAKE_REFERENCE = re.compile(
    r"\$(?:[(](?P<name>[\w.-]+)(?:(?P<call>[ ,])|[)])|[<^]|[(][@<^*][DF][)])"
)
_MAKE_FUNCTIONS = frozenset(
    {"shell", "wildcard", "foreach", "patsubst", "subst", "addprefix", "addsuffix", "if"}
    | {"filter", "filter-out", "sort", "word", "words", "notdir", "dir", "basename", "call"}
)
_MAKE_VARIABLES = frozenset({"MAKE", "CURDIR", "MAKEFLAGS", "MAKECMDGOALS"})


def _make_sign(lines: Sequence[tuple[int, str]]) -> bool:
    """Something only make reads: a special target (``.PHONY:``), a pattern rule
    (``%.o: %.c``), a rule whose prerequisite is another rule here (``all: up``), an
    assignment or a directive no shell has, a recipe's ``@``, ``-`` or ``+``, or a value
    only make gives (:func:`_make_value`). A rule and its tab-indented lines alone are
    also how a page labels the commands typed on each host (hunt P: ``host:`` and
    ``blue:`` above tab-indented commands made a Makefile of the block, every command
    lost)."""
    texts = [text for _, text in _meaningful(lines)]
    heads = [text for text in texts if not text.startswith("\t")]
    rules = [text.partition(":") for text in heads if _rule(text)]
    targets = {word for names, _, _ in rules for word in names.split()}
    assigned = {found["name"] for text in heads if (found := _MAKE_ASSIGN.fullmatch(text))}
    return (
        any(_SPECIAL_TARGET.match(names) or "%" in names for names, _, _ in rules)
        or any(set(needs.lstrip(":").split()) & targets for _, _, needs in rules)
        or any(_MAKE_ONLY_ASSIGN.fullmatch(text) for text in heads)
        or any(_MAKE_ONLY_DIRECTIVE.fullmatch(text) for text in heads)
        or any(_RECIPE_PREFIX.match(text) for text in _line_starts(texts))
        or any(_make_value(text, assigned) for text in texts)
    )


def _line_starts(texts: Sequence[str]) -> list[str]:
    """The lines that are not the continuation of one ending in ``\\``."""
    return [text for k, text in enumerate(texts) if k == 0 or not texts[k - 1].endswith("\\")]


def _make_value(text: str, assigned: set[str]) -> bool:
    """``$(NS1)`` of a variable assigned here, ``$(MAKE)``, ``$(shell ...)``, ``$<``: a
    value make gives (``$(hostname)`` is a shell's command substitution)."""
    for match in _MAKE_REFERENCE.finditer(text):
        name = match["name"]
        if name is None:
            return True
        if match["call"] and name in _MAKE_FUNCTIONS:
            return True
        if not match["call"] and (name in assigned or name in _MAKE_VARIABLES):
            return True
    return False


#: a justfile's own lines: ``x := "red"``, ``export NS := "red"``, ``set shell := [...]``,
#: ``alias u := up``, an attribute (``[private]``), ``import 'x.just'``, ``mod net``
_JUST_ASSIGN = re.compile(
    r"(?:(?:export|set|alias)\s+)?[A-Za-z_][\w-]*(?:\s*:=.*|\s*$)"
    r"|\[[\w\s,()'\"-]+\]|(?:import|mod)\??\s+.*"
)
#: a recipe's header: ``up:``, ``ping: up``, ``serve port='8000':``, ``@quiet:``
_JUST_RULE = re.compile(r"@?[A-Za-z_][\w-]*(?:\s+[+*$]?[A-Za-z_][\w-]*(?:=\S+)?)*\s*:(?!=).*")


def _justfile(lines: Sequence[tuple[int, str]]) -> Found | None:
    """A justfile: recipes (``up:``) whose lines are indented (spaces or a tab), every
    other line a justfile's own (:data:`_JUST_ASSIGN`), and an assignment or a setting with
    ``:=``, which no shell and no page's label has (hunt AD: a ``.justfile`` and a
    ``lab.just`` were imported as shell, ``up:`` a raw step)."""
    kept = _meaningful(lines)
    rule: tuple[int, str] | None = None
    sign = False
    for k, (number, text) in enumerate(kept):
        if text[:1] in (" ", "\t"):
            continue
        if _JUST_RULE.fullmatch(text):
            if rule is None and k + 1 < len(kept) and kept[k + 1][1][:1] in (" ", "\t"):
                rule = (number, text)
            continue
        if not _JUST_ASSIGN.fullmatch(text):
            return None
        sign = sign or ":=" in text
    if rule is None or not sign:
        return None
    said = f"recipe at line {rule[0]} ({rule[1].strip()!r}) and its indented lines"
    return Found("a justfile", said, _JUST)


_DOCKER = re.compile(
    r"(?:FROM|RUN|CMD|COPY|ADD|ENV|ARG|WORKDIR|ENTRYPOINT|EXPOSE|LABEL|USER|VOLUME|SHELL"
    r"|HEALTHCHECK|ONBUILD|STOPSIGNAL|MAINTAINER)\s",
    re.I,  # (Docker reads them in any case: ``from alpine``, ``run apk add ...``)
)
#: a Dockerfile's first instruction written in lower case: ``from IMAGE [as NAME]``, which
#: no shell line is
_LOWER_FROM = re.compile(r"from\s+(?:--platform=\S+\s+)?[\w.:/@${}-]+(?:\s+as\s+[\w.-]+)?\s*")


def _dockerfile(lines: Sequence[tuple[int, str]]) -> Found | None:
    """A Dockerfile: its first instruction ``FROM`` (after ``ARG``s), another after it
    (no shell has a FROM command); in any case, as Docker reads it (``from IMAGE``)."""
    kept = [(n, t) for n, t in _meaningful(lines) if not t.startswith(" ")]
    heads = [(n, t) for n, t in kept if _DOCKER.match(t + " ")]
    first = next((h for h in heads if h[1][:3].upper() != "ARG"), None)
    if first is None or first[1][:4].upper() != "FROM" or len(heads) < 2:
        return None
    if kept[0][1].split()[0].upper() not in ("FROM", "ARG"):
        return None
    if not first[1].startswith("FROM") and not _LOWER_FROM.fullmatch(first[1]):
        return None  # (hunt AD: ``from alpine`` read as shell, its RUN lines raw steps)
    return Found("a Dockerfile", f"first instruction at line {first[0]}: {first[1]!r}", _COPY)


#: a Vagrantfile's shell: ``inline: <<-SHELL`` (or a variable's ``$script = <<~SCRIPT``)
#: opens a document ended by its word alone; ``inline: "..."`` is one line; ``path:`` a
#: script of its own
_RUBY_DOCUMENT = re.compile(r"(?:\binline\s*(?::|=>)|^\s*\$?\w+\s*=)\s*<<[-~]?([\"']?)(\w+)\1")
_INLINE_STRING = re.compile(r"\binline\s*(?::|=>)\s*[\"']")
_PATH = re.compile(r"\bpath\s*(?::|=>)\s*[\"']([^\"']+\.(?:sh|bash))[\"']")


def _ruby_parts(lines: Sequence[str]) -> Iterator[tuple[int, range | None, bool]]:
    """A Vagrantfile's lines as Ruby reads them: ``(k, None, False)`` for line ``k`` (from
    0) outside a here-document, ``(k, body, quoted)`` for a document opened at line ``k``
    (``inline: <<-SHELL``) whose lines are ``body`` (its terminator passed over), quoted
    when its word is (``<<-'SHELL'``: Ruby fills in nothing)."""
    k = 0
    while k < len(lines):
        if opened := _RUBY_DOCUMENT.search(lines[k]):
            end = next(
                (j for j in range(k + 1, len(lines)) if lines[j].strip() == opened[2]),
                len(lines),
            )
            yield k, range(k + 1, end), opened[1] == "'"
            k = end + 1
            continue
        yield k, None, False
        k += 1


def _provisioned(text: str) -> str | None:
    """Where a Vagrantfile's shell commands are (hunt ED: "copy the shell commands it runs"
    named none): the lines of its ``inline:`` documents and strings, and the scripts its
    ``path:`` names. None: it has none."""
    lines = text.splitlines()
    inline: list[int] = []
    scripts: list[str] = []
    for k, body, _quoted in _ruby_parts(lines):
        if body is not None:
            inline += [j + 1 for j in body if lines[j].strip()]
            continue
        if _INLINE_STRING.search(lines[k]):
            inline.append(k + 1)
        scripts += [f"{found[1]} (line {k + 1})" for found in _PATH.finditer(lines[k])]
    said = []
    if inline:
        said.append(
            f"its shell provisioners' commands are at {line_ranges(inline)}: copy them into a"
            " .sh file and import that (they ran in the VM as root: check each)"
        )
    if scripts:
        said.append(f"import the script{'s' * (len(scripts) > 1)} it runs: {', '.join(scripts)}")
    return "; ".join(said) or None


#: Ruby's interpolation in a string or a document (``#{ip}``): a value Vagrant fills in
_INTERPOLATION = re.compile(r"#\{[^}]*\}")
#: the string of ``inline: "..."`` (or ``'...'``), whole on its line
_INLINE_WHOLE = re.compile(r"""\binline\s*(?::|=>)\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')""")


def vagrant_shell(path: str, text: str) -> tuple[str, list[str]] | None:
    """A Vagrantfile's shell provisioners as a script (hunt ED: its ``inline: <<-SHELL``
    document was named, not read): the lines of its ``inline:`` documents and strings,
    each at its own line number (every other line blank), and the warnings that say so;
    a line with Ruby's ``#{...}`` (a value Vagrant fills in, not bash's) is left out, by
    its line. None: not a Vagrantfile, or none of its shell is inline."""
    lines = text.splitlines()
    name = Path(path).name.lower()
    said = _NAMES.get(name) or _named(name)
    named = said is not None and said[0].startswith("a Vagrantfile")
    if not named and _vagrantfile(list(enumerate(lines, 1))) is None:
        return None
    shell = [""] * len(lines)
    read: list[int] = []
    ruby: list[int] = []
    for k, body, quoted in _ruby_parts(lines):
        if body is not None:
            for j in body:
                if _INTERPOLATION.search(lines[j]) and not quoted:
                    ruby.append(j + 1)
                elif lines[j].strip():
                    shell[j] = lines[j]
                    read.append(j + 1)
            continue
        if found := _INLINE_WHOLE.search(lines[k]):
            string = found[1] if found[1] is not None else found[2]
            if found[1] is not None and _INTERPOLATION.search(string):
                ruby.append(k + 1)
            elif string.strip():  # ("...": Ruby's escapes taken off; '...': as written)
                shell[k] = re.sub(r"\\(.)", r"\1", string) if found[1] is not None else string
                read.append(k + 1)
    if not read:
        return None
    warnings = [
        f"{Path(path).name} is a Vagrantfile: the shell of its provisioners is read"
        f" ({line_ranges(read)}): Vagrant ran it in the VM, as root, when it provisioned it;"
        " here it runs on this host (check each step)"
    ]
    if ruby:
        warnings.append(
            f"{line_ranges(ruby)}: Ruby's #{{...}} (a value the Vagrantfile fills in, not"
            " bash's): not read (write the value in its place)"
        )
    return "\n".join(shell) + "\n", warnings


def _vagrantfile(lines: Sequence[tuple[int, str]]) -> Found | None:
    for number, text in lines:
        if re.match(r"\s*Vagrant\.configure\s*\(", text):
            return Found("a Vagrantfile (Ruby)", f"line {number}: {text.strip()!r}", _COPY)
    return None


#: YAML keys whose values are commands a tool runs (a workflow's ``run:``, GitLab's
#: ``script:``, Ansible's ``shell:``, compose's ``command:``, cloud-init's ``runcmd:``)
_RUNS = frozenset(
    {"run", "script", "before_script", "after_script", "shell", "command", "commands"}
    | {"cmd", "runcmd", "entrypoint", "ansible.builtin.shell", "ansible.builtin.command"}
    | {"raw", "ansible.builtin.raw"}  # (hunt AD: Ansible's raw module)
)
#: top-level keys that say which tool reads the file
_YAML_KINDS = (
    ("hosts", "an Ansible playbook"),
    ("tasks", "an Ansible playbook"),
    ("jobs", "a CI workflow"),
    ("steps", "a CI workflow"),
    ("stages", "a CI workflow"),
    ("services", "a compose file"),
    ("runcmd", "a cloud-init file"),
    # (hunt EZ: its nodes' ``exec:`` lists run in each node's container, not on the host)
    ("topology", "a Containerlab topology (its exec: lines run in each node's container)"),
)


def _yaml(lines: Sequence[tuple[int, str]]) -> Found | None:
    """YAML whose keys run commands: a workflow, a playbook, a compose file (written as
    YAML's blocks: JSON, ``[...]`` or ``{...}``, is what a command printed). A tab inside
    a block scalar is text (hunt AD: a ``run: |`` here-document's tab-indented lines made
    the workflow shell); one that indents, YAML itself refuses."""
    text = "\n".join(t for _, t in lines)
    if text.lstrip()[:1] in ("{", "[", ""):
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None  # (a tab that indents: YAML refuses it)
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    key = _running_key(items, 7)
    tops = {k for i in items for k in i if isinstance(k, str)}
    what = next((w for k, w in _YAML_KINDS if k in tops), "YAML (a workflow, a playbook)")
    sign = "key {key!r} at line {number}"
    if key is None and _keys(items, 7) >= 2:
        # (hunt EZ: a test framework's own keys, ``start:``/``stop:`` lists of ``ip netns
        # add ...``, piped in, were read as a script: ``- name: x`` and ``start:`` raw steps)
        key = _listing_key(items, 7)
        sign = "key {key!r} at line {number}, a list of commands"
    if key is None:
        return None
    number = next((n for n, t in lines if t.lstrip(" -").startswith(f"{key}:")), lines[0][0])
    return Found(what, sign.format(key=key, number=number), _COPY)


#: the first words of a lab's commands, by which a YAML list of strings is one of commands
_COMMAND_WORDS = frozenset(
    {"ip", "tc", "nft", "iptables", "ip6tables", "bridge", "brctl", "ovs-vsctl", "sysctl"}
    | {"ethtool", "modprobe", "ping", "sudo", "rm", "echo", "timeout", "bash", "sh", "cat"}
)
#: of those, the words only a network lab's command starts with
_LAB_WORDS = frozenset({"ip", "tc", "nft", "iptables", "ip6tables", "bridge", "brctl"})


def _command_list(values: Sequence[object], least: int = 2) -> bool:
    """A YAML list that is one of commands: ``least`` strings or more (in a file known to
    be YAML, one), most of them starting with a command's word, and one of a lab's (``ip
    netns add a``, ``tc qdisc ...``)."""
    words = [str(v).split()[0] for v in values if isinstance(v, str) and v.strip()]
    if len(words) < least or len(words) < len(values):
        return False
    known = [w for w in words if w in _COMMAND_WORDS]
    return 2 * len(known) >= len(words) and any(w in _LAB_WORDS for w in words)


def _keys(data: object, depth: int) -> int:
    """How many keys nested YAML data has (a page's ``Steps:`` and its list has one)."""
    if depth == 0:
        return 0
    if isinstance(data, dict):
        return len(data) + sum(_keys(value, depth - 1) for value in data.values())
    if isinstance(data, list):
        return sum(_keys(item, depth - 1) for item in data)
    return 0


def _listing_key(data: object, depth: int) -> str | None:
    """The first key of nested YAML data whose value is a list of commands
    (:func:`_command_list`), under a name of the author's own (``start:``, ``setup:``);
    None: none."""
    if depth == 0:
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list) and _command_list(value):
                return str(key)
            if (inner := _listing_key(value, depth - 1)) is not None:
                return inner
    elif isinstance(data, list):
        for item in data:
            if (inner := _listing_key(item, depth - 1)) is not None:
                return inner
    return None


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _yaml_commands(text: str) -> str | None:
    """Where YAML's commands are (hunt ED: ``ci.yml`` was refused as "YAML" and nothing
    more): the lines of the values of its keys that run commands (a workflow's ``run: |``
    block, a task's ``command:``), said with the way out; with a template's ``{{ var }}``
    (Ansible's, a workflow's ``${{ }}``), which no shell reads. None: no YAML, or none."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None
    numbers: list[int] = []
    todo: list[tuple[yaml.Node, int]] = [(root, 0)] if root is not None else []
    while todo:
        node, depth = todo.pop()
        if isinstance(node, yaml.MappingNode) and depth < 12:
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in _RUNS:
                    numbers += _value_lines(value)
                elif (
                    isinstance(value, yaml.SequenceNode)
                    and not value.flow_style  # (JSON's lists: a dump's data, hunt EZ)
                    and _command_list(
                        [
                            item.value if isinstance(item, yaml.ScalarNode) else None
                            for item in value.value
                        ],
                        least=1,
                    )
                ):
                    numbers += _value_lines(value)  # (``start:``, a list of commands: hunt EZ)
                if isinstance(value, yaml.MappingNode | yaml.SequenceNode):  # shell: {cmd: }
                    todo.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode) and depth < 12:
            todo += [(item, depth + 1) for item in node.value]
    numbers = sorted(set(numbers))
    if not numbers:
        return None
    lines = text.splitlines()
    templates = [t for n in numbers for t in _JINJA.findall(lines[n - 1])]
    said = (
        f"its commands are at {line_ranges(numbers)}: copy them into a .sh file (or a"
        " Markdown page) and import that"
    )
    if templates:
        said += f" (write in the values of its templates first: {templates[0]} is no shell's)"
    return said


def _value_lines(node: yaml.Node) -> list[int]:
    """The lines (from 1) a command's value is written on: a block scalar's (``|``) lines
    under its key, a plain or quoted value's own, a list's items'."""
    if isinstance(node, yaml.SequenceNode):
        return [n for item in node.value for n in _value_lines(item)]
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        return []
    if node.style in ("|", ">"):
        first, end = node.start_mark.line + 1, node.end_mark.line
        body = [k + 1 for k in range(first, end)]
        return [n for n, line in zip(body, node.value.splitlines(), strict=False) if line.strip()]
    return list(range(node.start_mark.line + 1, node.end_mark.line + 2))


def _running_key(data: object, depth: int) -> str | None:
    """The first key of nested YAML data whose value is a command to run; None: none."""
    if depth == 0:
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _RUNS and isinstance(value, str | list):
                return str(key)
            if (inner := _running_key(value, depth - 1)) is not None:
                return inner
    elif isinstance(data, list):
        for item in data:
            if (inner := _running_key(item, depth - 1)) is not None:
                return inner
    return None


#: an INI file's first line: a section's name alone (``[tox]``, ``[testenv:netlab]``)
_SECTION = re.compile(r"\[[\w.:-]+(?: [\w.:\"-]+)?\]")


def _ini(lines: Sequence[tuple[int, str]]) -> Found | None:
    """An INI file (tox.ini, setup.cfg): its first line a section (``[tox]``), Python's
    configparser reads it, and it sets something (hunt AD: a tox.ini's ``[tox]``,
    ``envlist = ...`` and ``commands_pre =`` were raw steps)."""
    kept = _meaningful(lines)
    named = _past_its_name(kept)
    if not named or not _SECTION.fullmatch(named[0][1].strip()):
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string("\n".join(t for _, t in lines[lines.index(named[0]) :]))
    except configparser.Error:
        return None
    if not any(parser.options(section) for section in parser.sections()):
        return None
    what = "a tox.ini (tox)" if parser.has_section("tox") else "an INI file"
    return Found(what, f"section at line {named[0][0]}: {named[0][1].strip()!r}", _COPY)


#: a file's name a page writes above its content (``/etc/systemd/network/20-x.network``),
#: and a rule under it (``-----``)
_FILE_NAME = re.compile(r"[~.]?/[\w./@-]+|[\w.@-]+\.(?:network|netdev|link|conf|ini|cfg|service)")
_RULE_LINE = re.compile(r"[-=_~]{3,}")


def _past_its_name(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines past a file's name and a rule above its content (the ArchWiki writes
    ``/etc/systemd/network/20-veth-host.network``, dashes, then ``[Match]``: hunt AK #4,
    read as shell, ``[Network]`` was a command)."""
    at = 0
    if at < len(lines) and _FILE_NAME.fullmatch(lines[at][1].strip().rstrip(":")):
        at += 1
        at += 1 if at < len(lines) and _RULE_LINE.fullmatch(lines[at][1].strip()) else 0
    return lines[at:]


def _python(lines: Sequence[tuple[int, str]]) -> Found | None:
    """A Python program: Python's parser reads it, and it imports or defines something
    (no shell line is both: ``import os`` alone would run ImageMagick's import)."""
    text = "\n".join(t for _, t in lines)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    marks = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    first = next((node for node in tree.body if isinstance(node, marks)), None)
    if first is None or len(tree.body) < 2:
        return None
    number, line = lines[first.lineno - 1]
    return Found("a Python program", f"line {number}: {line.strip()!r}", _COPY)


#: the lines only a program in C or a language written like it holds, none a shell's: a
#: keyword and its parenthesised condition (``if (dest && dest->mode == X) {``), a call
#: as a statement (``dev_forward_skb(vlan->lowerdev, skb);``), a member through a pointer
#: (``skb->data``), a block comment, an ``#include``
_C_SIGNS = (
    re.compile(r"\s*(?:\}\s*)?(?:if|else\s+if|while|switch|for)\s*\((?!\().*\)\s*\{?\s*"),
    re.compile(
        r"\s*(?:return\s+)?[A-Za-z_][\w.]*(?:->\w+)*\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*;\s*"
    ),
    re.compile(r".*\w->[A-Za-z_]\w*.*;\s*|.*\w->[A-Za-z_]\w*.*\)\s*\{\s*"),
    re.compile(r"\s*/\*.*|.*\*/\s*"),
    re.compile(r"\s*#\s*(?:include|define|ifn?def|endif)\b.*"),
)
#: a line of such a program: a sign, a brace alone, a statement ending in ``;``, a ``//``
#: comment
_C_LINE = re.compile(r"\s*(?:[{}]\s*;?|.*;|//.*|\*.*)\s*")


def _c_like(lines: Sequence[tuple[int, str]]) -> Found | None:
    """A page's code block of C (a kernel function the page quotes, hunt EX: jursonmo's
    macvlan notes, ``if (vlan->mode == MACVLAN_MODE_BRIDGE) {`` read as shell, each ``->``
    a redirection that "writes the host's ./mode", raw steps iplab cannot undo): two of
    its lines show what only such a program writes, and every line is one of its."""
    kept = [(n, t) for n, t in lines if t.strip()]
    signed = [(n, t) for n, t in kept if any(sign.fullmatch(t) for sign in _C_SIGNS)]
    if len(signed) < 2 or not all(
        any(sign.fullmatch(t) for sign in _C_SIGNS) or _C_LINE.fullmatch(t) for _, t in kept
    ):
        return None
    number, line = signed[0]
    return Found(
        "a program in C (or a language written like it)", f"line {number}: {line.strip()!r}", _COPY
    )
