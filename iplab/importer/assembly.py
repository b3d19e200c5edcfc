"""Commands and notes read from a tutorial -> the steps of a scenario, and its YAML.

The stages of ``iplab import``, each a small function over plain data::

    text --read--> events: notes (headings, paragraphs, comments) and command lines
         --assemble--> drafts: each command with its title, prose and printed output
         --split--> setup and teardown (a cleanup section, else the trailing deletions)
         --write--> scenario YAML, then loaded back and rendered to prove the round trip

Every command line goes through :func:`iplab.lineparse.classify`: a typed op when
its rendering is the very same line, else a raw step that keeps the line verbatim.
What could not be imported, or cannot be undone, is said in the summary.

Why this module is long: the stages after reading share one data type, the draft; the
split of setup from teardown and the words kept on each side of it read the same drafts.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, Literal

import yaml

from iplab import jobs
from iplab.importer.prose import said_to_fail
from iplab.importer.reader import (
    CLEANUP,
    SENTENCE_BREAK,
    TITLE_MAX,
    Block,
    Cmd,
    Event,
    Note,
)
from iplab.importer.stops import STOP_AFTER, author_stops
from iplab.lineparse import jinja_literal, op_fields
from iplab.plan import decide_sudo
from iplab.recipes import recipe_run
from iplab.records import Record, frozen
from iplab.scenario import SudoPolicy
from iplab.steps import (
    LinkAdd,
    LinkDel,
    NetnsAdd,
    NetnsDel,
    NetnsDelAll,
    Op,
    Raw,
    is_observation,
)
from iplab.words import simple_commands
from iplab.wrappers import program_name, unwrapped

Variables = Literal["keep", "expand"]

# -- assembling steps -------------------------------------------------------------------------


@frozen
class Draft(Record):
    """A command with what the tutorial says around it."""

    cmd: Cmd
    op: Op
    title: str | None = None
    prose: str | None = None
    #: the text before it announces the cleanup
    cleanup: bool = False
    #: the author's shell text this command is one iteration of (a loop, ``bash -c``)
    block: Block | None = None
    #: its place among the block's commands
    index: int = 0
    #: what its title was taken from (a heading, a comment, an ``echo``...)
    title_kind: str | None = None
    #: the page's words that say it fails (``This ping should fail:``, ``# FAILS``), or ""
    said_fails: str = ""
    #: the heading of the page's section it is in (None: before any heading)
    section: str | None = None

    @property
    def line(self) -> int:
        return self.cmd.line


#: a list's number before a sentence (``3. IPAM: ...``, ``2) Addresses``)
_NUMBERED = re.compile(r"\A\d{1,3}[.)]\s+(?=\S)")


def first_sentence(text: str, limit: int = TITLE_MAX) -> str:
    """A title from a text: its first sentence, without a final ``.`` or ``:``, cut at ``limit``."""
    text = _NUMBERED.sub("", " ".join(text.split()), count=1)  # (hunt T: "# 3. IPAM: ..." was '3')
    first = SENTENCE_BREAK.split(text, maxsplit=1)[0]
    first = first.rstrip(" .:")
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."
    return first


def title_and_prose(notes: Sequence[Note]) -> tuple[str | None, str | None]:
    """The title (the nearest heading, or the first sentence of the nearest paragraph or
    comment; a comment after the command itself only when none comes before it) and the
    prose (the paragraphs, comments and prose code blocks, in order)."""
    source = _title_source(notes)
    if source is None:
        title = None
    elif source.kind == "heading":
        title = source.text
    else:
        title = first_sentence(source.text)
    said = [
        n.text
        for n in notes
        if n.kind != "heading" and not (n is source and title == n.text.rstrip(" .:"))
    ]
    return title, "\n\n".join(said) or None


def _title_source(notes: Sequence[Note]) -> Note | None:
    """The note a command's title is taken from (see :func:`title_and_prose`)."""
    source = next((n for n in reversed(notes) if n.kind not in ("fence", "trailing")), None)
    return source or next((n for n in notes if n.kind == "trailing"), None)


#: words that announce a removal (``echo "removing the namespaces"``, ``# delete veths``)
_REMOVES = re.compile(
    r"\b(?:del|delet|remov|destroy|clean|tear|down|stop|reset|undo|flush|purg|wip|unwir"
    r"|unplug|detach|bye)",
    re.I,
)


def watched_last(drafts: list[Draft], cut: int) -> list[Draft]:
    """The drafts, the setup's last command, when it is a capture or a monitor run beside
    the lines after it that its author stops (``tcpdump -i ve1 -n -e arp`` in "another
    console", ``ip monitor``) and a command left running before it sends (``ping
    10.11.12.2`` in the first console), watched in the foreground for as long as a reader lets a
    command run before Ctrl-C: no line comes after it to run beside (hunt BQ: run in the
    background as the last step, it was stopped at once and captured none of the ARP
    requests of the ping left running in the first console)."""
    last = drafts[cut - 1] if 0 < cut <= len(drafts) else None
    if last is None or last.block is not None or not last.cmd.background:
        return drafts
    text = last.cmd.text
    if jobs.serves(text) or not (jobs.captures(text) or jobs.monitors(text)):
        return drafts
    if not author_stops(text):
        return drafts
    sent = [d for d in drafts[: cut - 1] if d.cmd.background and jobs.sends_only(d.cmd.text)]
    if not sent:  # (nothing left running sends what it would see)
        return drafts
    watched = replace(last.cmd, background=False)
    return [*drafts[: cut - 1], replace(last, cmd=watched), *drafts[cut:]]


def setup_words_kept(drafts: list[Draft], cut: int) -> list[Draft]:
    """The drafts, the first teardown step's title dropped (kept in its prose) when it is
    the setup's last words, not the cleanup's: the teardown found by its trailing deletions,
    the title a comment or an ``echo`` that announces no removal (hunt AD: ``make -n up
    down``'s ``echo "lab is up"`` was the title of ``ip netns del red``)."""
    if not 0 < cut < len(drafts):
        return drafts
    first = drafts[cut]
    if first.cleanup or first.title is None or first.title_kind in (None, "heading"):
        return drafts
    if _REMOVES.search(first.title):
        return drafts
    said = [first.title] if not first.prose or first.title not in first.prose else []
    prose = "\n\n".join([*said, *([first.prose] if first.prose else [])])
    return [*drafts[:cut], replace(first, title=None, prose=prose), *drafts[cut + 1 :]]


def announces_cleanup(notes: Sequence[Note]) -> bool:
    """A heading or comment before the command, or the paragraph right before it, says
    clean up / cleanup / teardown / tear down / delete everything."""
    before = [n for n in notes if n.kind != "trailing"]  # (the command's own comment: below)
    for note in notes:
        nearest = bool(before) and note is before[-1]
        said = note.text
        if (note.kind in ("heading", "comment", "trailing") or nearest) and (
            CLEANUP.search(said) or _UNDO_ALONE.match(said)
        ):
            return True
    return False


#: a gist's "undo:" (or "reset", "rollback") said alone before the block that undoes the lab
_UNDO_ALONE = re.compile(
    r"\s*(?:undo|roll ?back|reset)(?: (?:it|everything|all|the lab))?\s*[:.!]?\s*$", re.I
)


def assemble(events: Sequence[Event]) -> tuple[list[Draft], list[Note]]:
    """Each command with the notes before it; and the notes that introduce the whole page
    (those before its first heading, when a heading comes before the first command)."""
    events = list(events)
    intro = _intro(events)
    drafts: list[Draft] = []
    pending: list[Note] = []
    section: str | None = None
    rest = events[len(intro) :]
    for at, event in enumerate(rest):
        if isinstance(event, Note):
            if event.kind != "skipped":  # (code left out: said in a warning, no step's prose)
                pending.append(event)
            section = event.text if event.kind == "heading" else section
            continue
        title, prose = title_and_prose(pending)
        source = _title_source(pending) if title is not None else None
        kind = source.kind if source is not None else None
        # (a function's definition runs nothing: a "# tear everything down" over ``function
        # tear_down {`` announces no cleanup here; hunt AW, the case's setup after it was
        # read as the teardown)
        announced = announces_cleanup(pending) and not defines_a_function(event)
        cleanup = announced or (isinstance(event, Block) and event.cleanup)
        under = _comment_under(event, (rest[j] for j in range(at + 1, len(rest))))
        if isinstance(event, Block):
            last = len(event.cmds) - 1
            for j, cmd in enumerate(event.cmds):
                words = (title, prose) if j == 0 else (None, None)
                said = kind if j == 0 else None
                fails = said_fails(pending if j == 0 else (), under if j == last else None)
                drafts.append(
                    Draft(
                        cmd, cmd.parsed.op, *words, cleanup, event, j, said, fails, section,
                    )
                )  # fmt: skip
        else:
            drafts.append(
                Draft(
                    event, event.parsed.op, title, prose, cleanup, title_kind=kind,
                    said_fails=said_fails(pending, under), section=section,
                )
            )  # fmt: skip
        pending = []
    return drafts, [n for n in intro if n.kind != "skipped"]


#: a function's definition (``function tear_down {``, ``cleanup() {``)
_DEFINITION = re.compile(r"\s*(?:function\s+[A-Za-z_][\w-]*|[A-Za-z_][\w-]*\s*\(\s*\))")


def defines_a_function(event: Event) -> bool:
    """``event`` starts with a function's definition: one read as the one step that runs
    nothing, or whose text starts the next block's (hunt DT #2: a "# Clean up" over
    ``cleanup() {`` made the block of the definition and the ``ip netns add a`` after it
    the teardown)."""
    return isinstance(event, Block) and bool(_DEFINITION.match(event.text))


def _comment_under(event: Cmd | Block, after: Iterable[Event]) -> Note | None:
    """The comment on the line right under the command ``event`` (its last, in a block),
    the next of the page's notes (code left out passed over): what the command printed, as
    the page shows it; None when there is none."""
    note = next((e for e in after if not (isinstance(e, Note) and e.kind == "skipped")), None)
    last = event.cmds[-1:] if isinstance(event, Block) else [event]
    if isinstance(note, Note) and note.kind == "comment" and last and note.line == last[0].line + 1:
        return note
    return None


def said_fails(notes: Sequence[Note], under: Note | None = None) -> str:
    """The words that say the command after ``notes`` fails: the comment right ``under``
    it that shows a ping reaching nothing (``# 2 packets transmitted, 0 received``), the
    comment after the command itself (``# FAILS: loopback is down``), or the last sentence
    of the paragraph or comment nearest before it (``This ping should fail:``); "" when
    none says so."""
    before = [n for n in notes if n.kind not in ("trailing", "fence")]
    found = [said_to_fail(under.text, shown=True)] if under is not None else []
    found += [said_to_fail(n.text, own=True) for n in notes if n.kind == "trailing"]
    if before and before[-1].kind in ("paragraph", "comment"):  # (not across a heading)
        found.append(said_to_fail(before[-1].text))
    return next((words for words in found if words), "")


def _intro(events: Sequence[Event]) -> list[Note]:
    intro: list[Note] = []
    for event in events:
        if not isinstance(event, Note) or event.kind == "heading":
            return intro if isinstance(event, Note) else []
        intro.append(event)
    return []


def shell_header(events: list[Event]) -> tuple[str | None, str | None, list[Event]]:
    """A script's opening comment (apart from the first command): its title and description."""
    first = events[0] if events else None
    if not isinstance(first, Note) or first.kind != "comment" or first.line > 2:
        return None, None, events
    after = events[1] if len(events) > 1 else None
    if isinstance(after, Cmd | Block) and after.line == first.end + 1:
        return None, None, events
    title = first_sentence(first.text)
    description = first.text if first.text.rstrip(" .:") != title else None
    return title, description, events[1:]


def split_teardown(drafts: Sequence[Draft]) -> int:
    """Where the teardown starts (len(drafts): no teardown).

    The first command announced as a cleanup, else the trailing run of ``link del`` and
    ``netns del`` (and ``ip -all netns delete``), from its first deletion: observations and
    commands that make nothing (:func:`_tidies`: ``rm -f *.pcap``, ``echo done``, a
    sub-make) may come between or after them (hunt AD: a Makefile's ``clean:`` ending with
    ``rm -f *.pcap`` was read as setup, and up built the lab and deleted it again); at
    least one setup step stays.
    """
    for i, draft in enumerate(drafts):
        if draft.cleanup and i > 0 and draft.index == 0:
            return i
    start = len(drafts)
    while start > 0 and (_deletes(drafts[start - 1].op) or _tidies(drafts[start - 1].op)):
        start -= 1
    while start < len(drafts) and not _deletes(drafts[start].op):
        start += 1
    while 0 < start < len(drafts) and drafts[start].index > 0:  # a block is not cut in two
        start += 1
    return start if 0 < start < len(drafts) else len(drafts)


def _deletes(op: Op) -> bool:
    """``ip link del``, ``ip netns del``, ``ip -all netns delete``, a CNI plugin's DEL."""
    return isinstance(op, LinkDel | NetnsDel | NetnsDelAll) or _cni_del(op)


def _cni_del(op: Op) -> bool:
    """A raw command that asks a CNI plugin to take a container's interface away: the
    plugin run with ``CNI_COMMAND=DEL`` in its environment, ``cnitool del NET NETNS``
    (hunt AH #6: a page's "DEL" section was read as setup, only its ``ip netns del`` lines
    as teardown)."""
    if not isinstance(op, Raw):
        return False
    for words in simple_commands(op.command) or ():
        argv = unwrapped(words)
        while argv and _ENV_WORD.match(argv[0]):  # (CNI_PATH=/opt/cni/bin cnitool ...)
            argv = argv[1:]
        if argv[:1] and program_name(argv[0]) == "cnitool" and argv[1:2] == ["del"]:
            return True
        if "CNI_COMMAND=DEL" in words[: len(words) - len(argv)]:
            return True
    return False


#: a variable given to the command's environment before it (``CNI_COMMAND=DEL``)
_ENV_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


#: programs that make no namespace or link: what a cleanup does besides deleting them
_TIDY_PROGRAMS = frozenset(
    {"rm", "rmdir", "echo", "printf", "true", ":", "sleep", "wait", "kill", "pkill", "killall"}
)


def _tidies(op: Op) -> bool:
    """An observation, or a raw command of a cleanup that makes nothing: each of its simple
    commands removes files, says something, waits or stops a process (``rm -f *.pcap``,
    ``echo removed``, ``pkill dnsmasq``), or is a sub-make (``make -C sub unwire``, which
    the model refuses on its own)."""
    if is_observation(op):
        return True
    if not isinstance(op, Raw) or op.creates or op.renames:
        return False
    commands = simple_commands(op.command)
    return bool(commands) and all(
        (argv := unwrapped(words)) == [] or program_name(argv[0]) in _TIDY_PROGRAMS
        or (recipe_run(shlex.join(argv)) is not None)
        for words in commands or ()
    )  # fmt: skip


#: the heading of a book's or a handout's section of solutions (``Solutions``, ``Solutions to
#: the exercises``, ``Answers to the questions``, ``Answers``, ``Answer key``, ``B. Solutions``)
_SOLUTIONS = re.compile(
    r"\s*(?:(?:appendix\s+)?[A-Z0-9]{1,3}[.):]?\s+)?"
    r"(?:(?:solutions?|answers?)\s+(?:to|for|of)\b|solutions?\s*$|answers\s*$|answer\s+key\b)",
    re.I,
)  # (not a thread's "Answer (score 14)": another answer, hunt X)


def solutions_before_cleanup(
    drafts: Sequence[Draft], cut: int
) -> tuple[list[Draft], int, list[str]]:
    """The drafts and the teardown's start with a page's section of solutions that comes
    after its clean-up moved before the clean-up: the reader types them where the exercises
    stand, with the lab up (hunt AP: a chapter's solutions, after its clean-up, were read as
    teardown steps in namespaces already deleted, and the model refused the lab as 'two
    versions of the lab'). Said; the drafts as they are when no such section ends the page."""
    k = next(
        (i for i in range(cut, len(drafts)) if _SOLUTIONS.match(drafts[i].section or "")), None
    )
    if k is None or k == cut or drafts[k].index > 0:
        return list(drafts), cut, []
    moved, section = drafts[k:], drafts[k].section
    if any(d.section != section for d in moved):
        return list(drafts), cut, []
    said = (
        f"lines {moved[0].line}-{moved[-1].line}: the page's {section!r} come after its"
        f" clean-up (line {drafts[cut].line}): run before it, where the exercises they"
        " answer stand, with the lab up"
    )
    return [*drafts[:cut], *moved, *drafts[cut:k]], cut + len(moved), [said]


def built_again(drafts: Sequence[Draft], cut: int) -> list[str]:
    """A warning when commands after the cleanup make the lab's objects again: a second
    way to the same lab (a thread's other answer, an UPDATE that starts over), which the
    teardown would build and leave to the journal (hunt X: a run of a thread said OK
    having built the second answer's lab as its teardown)."""
    again = [
        d
        for d in drafts[cut:]
        if isinstance(d.op, NetnsAdd | LinkAdd) or (isinstance(d.op, Raw) and d.op.creates)
    ]
    if cut >= len(drafts) or not again:
        return []
    first, last = again[0].cmd.line, drafts[-1].cmd.line
    return [
        f"lines {first}-{last}: after the cleanup that starts at line {drafts[cut].cmd.line},"
        " the page builds again (another answer, or a start over?): they are read as"
        " teardown steps; cut them out, or import them apart, to keep one lab"
    ]


def choose_sudo(wanted: Iterable[tuple[Op, bool]]) -> SudoPolicy:
    """The policy that agrees with the most lines (``auto``, then ``never``, on a tie)."""
    pairs = list(wanted)

    def misses(policy: SudoPolicy) -> int:
        return sum(decide_sudo(policy, None, op) != sudo for op, sudo in pairs)

    policies: tuple[SudoPolicy, ...] = ("auto", "never", "always")
    return min(policies, key=misses)


# -- writing YAML --------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )


def step_map(draft: Draft, sudo: bool | None, output: str | None) -> dict[str, Any]:
    """One step: title, prose, action, the op's fields, sudo, output (in that order)."""
    out: dict[str, Any] = {}
    for key, value in (("title", draft.title), ("prose", draft.prose)):
        if value is not None:
            out[key] = jinja_literal(value)
    out["action"] = draft.op.action
    out.update(op_fields(draft.op))
    if sudo is not None:
        out["sudo"] = sudo
    if author_stops(draft.cmd.text) and not draft.cmd.background:
        out["stop_after"] = STOP_AFTER
    if draft.cmd.may_fail:
        out["may_fail"] = True
    if draft.cmd.background:
        out["background"] = True
    if output is not None:
        out["output"] = jinja_literal(output)
    return out


def group_blocks(drafts: Sequence[Draft], steps: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps, with each shell block's steps gathered under its author's text::

    - title: ...
      script: |
        for ns in red blue; do ip netns add $ns; done
      steps:
        - {action: netns add, name: red}
        - {action: netns add, name: blue}
    """
    out: list[dict[str, Any]] = []
    for draft, step in zip(drafts, steps, strict=True):
        block = draft.block
        if block is None:
            out.append(step)
            continue
        inner = {k: v for k, v in step.items() if k not in ("title", "prose", "output")}
        if draft.index > 0:
            out[-1]["steps"].append(inner)
            continue
        item: dict[str, Any] = {k: step[k] for k in ("title", "prose") if k in step}
        item["script"] = jinja_literal(block.text)
        if block.variables:
            item["variables"] = {
                k: jinja_literal(v)
                if isinstance(v, str)
                else {i: jinja_literal(e) for i, e in v.items()}
                for k, v in block.variables.items()
            }
        if not block.standalone:
            item["standalone"] = False
        item["steps"] = [inner]
        out.append(item)
        if block.output:
            text = output_text(block.output)
            if text is not None:
                item["output"] = jinja_literal(text)
    for item in out:
        if "steps" in item and "output" in item:  # after the steps, as a step's own output
            item["output"] = item.pop("output")
    return out


def steps_yaml(key: str, steps: Sequence[dict[str, Any]]) -> str:
    parts = [f"{key}:\n"]
    for i, step in enumerate(steps):
        if i and "title" in step:
            parts.append("\n")
        text = dump_yaml([step])
        parts.append(
            "".join(f"  {line}" if line.strip() else line for line in text.splitlines(True))
        )
    return "".join(parts)


def output_text(output: Sequence[str]) -> str | None:
    lines = list(output)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines) or None
