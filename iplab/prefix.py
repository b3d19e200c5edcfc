"""``--prefix P``: every namespace and link a scenario creates renamed ``P`` + its name, in
typed fields, in the words of commands kept verbatim (whole words only, a link's part
of a dotted sysctl key and of a path: ``/proc/sys/net/ipv4/conf/veth0/forwarding``,
``/sys/class/net/veth0/mtu``), and in the author's shell blocks when each name can be found
in them. A word that names no namespace or link is left as it is, even when it is spelled as
one: a routing table's name (``table isp2``, ``lookup vpn``, ``echo "100 isp2" >>
/etc/iproute2/rt_tables``), a link's alias, and the text ``echo`` or ``printf`` prints
(``echo "Creating veth0"``) or writes to a file no other step names (``echo ep1 >
index.html``: the page a web server of the lab serves). What they write to ``/proc`` or
``/sys``, into a pipe to a command, or to a file another step reads (``ip -batch FILE``,
``$(cat FILE)``) may be read as names, and is renamed. Pure: a Scenario in, a Scenario
out.

Why this module is long: one job, a name renamed everywhere a command may use it and
nowhere else; what tells text from names (a printed message, a file another step reads,
a group piped into ip) reads best beside the renaming it guards."""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import hashlib
import itertools
import posixpath
import re
import shlex
from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from iplab import ipgrammar, names, wrappers
from iplab.errors import ScenarioError, UsageError
from iplab.scenario import Scenario
from iplab.state import created_names, kernel_named
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrFlush,
    Effect,
    LinkAdd,
    LinkSet,
    NetnsExec,
    Raw,
    ShellValue,
    Step,
)
from iplab.words import NETCATS, innermost, shell_tokens

__all__ = ["kernel_named_said", "names_given", "with_prefix"]

_PREFIX = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _rename_value(kind: str, value: Any, netns: dict[str, str], links: dict[str, str]) -> Any:
    table = netns if kind == "netns" else links
    if kind == "links":
        return tuple(links.get(v, v) for v in value)
    if kind == "netns_list":
        return tuple(netns.get(v, v) for v in value)
    if value is None:
        return None
    return table.get(value, value)


@functools.cache
def _ref_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """(field name, ref kind) of the fields of ``cls`` that name kernel objects."""
    return tuple(
        (f.name, f.metadata["ref"]) for f in dataclasses.fields(cls) if f.metadata.get("ref")
    )


def _rename_fields(
    obj: Any, netns: dict[str, str], links: dict[str, str], mentioned: Collection[str] = ()
) -> Any:
    changes: dict[str, Any] = {}
    cls: type = type(obj)
    for name, kind in _ref_fields(cls):
        changes[name] = _rename_value(kind, getattr(obj, name), netns, links)
    if isinstance(obj, LinkSet):
        table = {"netns": netns, "master": links, "name": links}
        changes["attrs"] = tuple(
            (key, table[key].get(value, value) if key in table and value else value)
            for key, value in obj.attrs
        )
    if isinstance(obj, AddrAdd | AddrDel | AddrFlush) and obj.dev in links:
        field = "selectors" if isinstance(obj, AddrFlush) else "settings"
        changes[field] = _relabelled(getattr(obj, field), obj.dev, links[obj.dev])
    if isinstance(obj, Raw | NetnsExec):
        changes["command"] = _rename_words(obj.command, netns, links, mentioned)
        if obj.undo:
            changes["undo"] = _rename_words(obj.undo, netns, links, mentioned)
        for key in ("creates", "deletes", "renames"):
            changes[key] = tuple(_rename_effect(e, netns, links) for e in getattr(obj, key))
    if getattr(obj, "text", None) is not None:
        changes["text"] = _rename_words(obj.text, netns, links, mentioned)
    return dataclasses.replace(obj, **changes)


def _relabelled(
    settings: tuple[tuple[str, str | None], ...], old: str, new: str
) -> tuple[tuple[str, str | None], ...]:
    """An address's ``label``, which the kernel wants to begin with its link's name
    (``k0:1``), renamed with the link (``P`` + ``k0:1``), as the line's words are."""
    return tuple(
        (k, new + v[len(old) :] if k == "label" and v and v.startswith(old) else v)
        for k, v in settings
    )


def _rename_effect(effect: Effect, netns: dict[str, str], links: dict[str, str]) -> Effect:
    names = netns if effect.what == "netns" else links
    return dataclasses.replace(
        effect,
        name=names.get(effect.name, effect.name),
        to=names.get(effect.to, effect.to) if effect.to else None,
        peer=links.get(effect.peer, effect.peer) if effect.peer else None,
        ns=netns.get(effect.ns, effect.ns) if effect.ns else None,
        peer_ns=netns.get(effect.peer_ns, effect.peer_ns) if effect.peer_ns else None,
    )


def _rename_words(
    text: str, netns: dict[str, str], links: dict[str, str], mentioned: Collection[str] = ()
) -> str:
    """Rename whole words of a verbatim command (vethX, not vethXY), but not where a word
    names no namespace or link (:func:`_not_names`)."""
    words = {**netns, **links}
    pattern = _words_pattern(tuple(sorted(words, key=len, reverse=True)))
    # a word whose quotes cut a name (``'v_'$i``, expanded ``'v_'NS1``: the link v_NS1) is
    # renamed whole (hunt DY: its part NS1, a namespace too, was renamed, and the line
    # refused, "does not read as the renamed command")
    whole = [
        (start, end, words[plain])
        for word, start, end in _word_spans(text)
        if set(word) & set("'\"")
        and (plain := _unquoted(word)) in words
        and word not in (f"'{plain}'", f'"{plain}"')
    ]
    if not whole and not pattern.search(text):
        return text
    kept = _not_names(text, mentioned)
    edits = [edit for edit in whole if not any(a <= edit[0] < b for a, b in kept)]
    for match in pattern.finditer(text):
        at = match.start()
        if not any(a <= at < b for a, b in kept) and not any(a <= at < b for a, b, _ in whole):
            edits.append((at, match.end(), words[_named(match)]))
    out, at = [], 0
    for start, end, new in sorted(edits):
        out += [text[at:start], new]
        at = end
    return "".join([*out, text[at:]])


#: what ends a shell word outside quotes
_WORD_ENDS = frozenset(" \t\r\n;|&()<>")


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    """The shell's words of ``text`` (quotes kept, as written), with where each starts and
    ends: ``'v_'NS1`` is one word (shlex's non-POSIX reading cuts it at the quote)."""
    spans: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in _WORD_ENDS:
            i += 1
            continue
        start, quote = i, ""
        while i < n and (quote or text[i] not in _WORD_ENDS):
            char = text[i]
            if quote and char == quote:
                quote = ""
            elif not quote and char in "'\"":
                quote = char
            elif char == "\\" and quote != "'":
                i += 1
            i += 1
        spans.append((text[start:i], start, min(i, n)))
    return spans


#: the words after which comes a routing table's name (``ip route ... table isp2``, ``ip
#: rule ... lookup isp2``) or free text (``ip link set X alias "overlay to host2"``)
_BEFORE_NO_NAME = frozenset({"table", "lookup", "alias"})
#: what ends a pipeline (a newline too); ``|`` does not
_ENDS = frozenset({";", "&&", "||", "&", "(", ")", ";;", "\n"})


def _not_names(text: str, mentioned: Collection[str] = ()) -> list[tuple[int, int]]:
    """Where in ``text`` (start, end) a word names no namespace or link: the word after
    ``table``, ``lookup`` or ``alias``, each word of a pipeline that names rt_tables
    (``grep -q "^101 vpn" /etc/iproute2/rt_tables``, ``echo "100 isp2" | tee -a ...``), and
    the text an ``echo`` or ``printf`` prints (:func:`_printed_text`; ``mentioned``: the
    files other steps name). Read with the shell's words (shlex); none when the text
    cannot be split."""
    lexer = shlex.shlex(text, posix=False, punctuation_chars=True)
    lexer.whitespace = " \t\r"
    spans: list[tuple[str, int, int]] = []
    at = 0
    try:
        for token in lexer:
            start = text.find(token, at)
            if start < 0:
                return []
            at = start + len(token)
            spans.append((token, start, at))
    except ValueError:  # (an unclosed quote)
        return []
    kept = [
        spans[i + 1][1:]
        for i, (word, _, _) in enumerate(spans[:-1])
        if word in _BEFORE_NO_NAME and spans[i + 1][0] not in _ENDS
    ]
    # (a glob the shell matches against the files of the working directory: ``cp rtr1*
    # /tmp/conf/rtr1`` copies the author's rtr1.conf, rtr1.key..., named after the router,
    # which no --prefix renames: hunt CX, "cannot stat 'hcxrtr1*'")
    kept += [(start, end) for word, start, end in spans if _local_glob(word)]
    # (a file this text names again is read here: echo ... > b.batch && ip -batch
    # ./b.batch)
    named = Counter(_file_key(word) for word, _, _ in spans)
    mentioned = {*mentioned, *(word for word, count in named.items() if count > 1)}
    handed_on = _handed_on(spans)
    pipeline: list[tuple[str, int, int]] = []
    for span in [*spans, ("\n", len(text), len(text))]:
        if span[0] not in _ENDS:
            pipeline.append(span)
            continue
        if any("rt_tables" in word for word, _, _ in pipeline):
            kept += [(start, end) for _, start, end in pipeline]
        if pipeline and not any(a <= pipeline[0][1] < b for a, b in handed_on):
            kept += _printed_text(pipeline, mentioned)
        pipeline = []
    return kept


#: the words that open and close a group of commands whose output is the group's
_OPENS = frozenset({"(", "<(", ">(", "{", "do", "then"})
_CLOSES = frozenset({")", "}", "done", "fi"})


def _handed_on(spans: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Where in the text (start, end) a group's output is handed on: a substitution
    (``$(echo red)``, ``<(...)``), or a group piped or redirected (``{ echo "link set
    veth0 up"; } | ip -batch -``, ``(echo ...) > up.batch``, ``for ...; do echo ...;
    done | sh``); a group not closed, to the end."""
    out: list[tuple[int, int]] = []
    opened: list[int] = []
    for i, (word, start, _) in enumerate(spans):
        if word in _OPENS:
            opened.append(i)
        elif word in _CLOSES and opened:
            first = opened.pop()
            after = spans[i + 1][0] if i + 1 < len(spans) else "\n"
            before = spans[first - 1] if first else None
            substituted = spans[first][0] not in ("(", "{") or (
                before is not None and before[0].endswith("$") and before[2] == spans[first][1]
            )
            if substituted or (after not in _ENDS and not _sent_away(spans[i + 1 :])):
                out.append((spans[first][1], start))
    out += [(spans[i][1], spans[-1][2]) for i in opened]
    return out


def _sent_away(rest: list[tuple[str, int, int]]) -> bool:
    """Whether ``rest`` (what follows a group, or an ``echo``) pipes its output into a
    network client (``| sudo ip netns exec a nc -q 1 10.0.0.2 9000``), which sends the
    text to another program as text (hunt BL: ``(echo "hello veth0"; sleep 1) | ... nc``
    was printed and sent as ``hello hbl1veth0``)."""
    if not rest or rest[0][0] not in ("|", "|&"):
        return False
    stage = []
    for word, _, _ in rest[1:]:
        if word in _ENDS or word in ("|", "|&"):
            break
        stage.append(_unquoted(word))
    program = innermost(stage)
    return bool(program) and wrappers.program_name(program[0]) in NETCATS


#: the programs whose words are text they print, not names they use
_PRINTERS = frozenset({"echo", "printf"})
#: the redirections whose next word is a file written (``>``, ``>>``, ``&>``, ``>|``)
_WRITES = frozenset({">", ">>", "&>", "&>>", ">|"})
#: where the kernel reads what is written as names (``echo veth0 > /sys/.../brif``)
_KERNEL_FILES = ("/proc/", "/sys/")


def _printed_text(
    pipeline: list[tuple[str, int, int]], mentioned: Collection[str]
) -> list[tuple[int, int]]:
    """The spans of the text an ``echo`` or ``printf`` (past ``sudo``, ``ip netns exec
    NS``...) prints to the terminal, or writes (``>``, ``| tee``) to files the kernel does
    not read (not under /proc or /sys) and no other step names (not in ``mentioned``);
    none when its output goes on into another command (``| ip -batch -``, ``| sh``), or
    a word substitutes a command (``$(ip ...)``), whose names are names."""
    stages: list[list[tuple[str, int, int]]] = [[]]
    for span in pipeline:
        if span[0] in ("|", "|&"):
            stages.append([])
        else:
            stages[-1].append(span)
    words = [_unquoted(word) for word, _, _ in stages[0]]
    opened = 1 if words[:1] == ["{"] else 0  # ({ echo hi; sleep 1; } | nc ...: a group's)
    first = opened + len(words) - opened - len(innermost(words[opened:]))
    if not words[first:] or wrappers.program_name(words[first]) not in _PRINTERS:
        return []
    args, files = [], []
    for i, span in enumerate(stages[0][first + 1 :], first + 1):
        if words[i - 1] in _WRITES:
            files.append(words[i])
        elif span[0] not in (*_WRITES, "<", ">&", "<&") and words[i - 1] not in (">&", "<&", "<"):
            args.append(span)
    for n, stage in enumerate(stages[1:], 1):
        tee = innermost([_unquoted(word) for word, _, _ in stage])
        if tee and wrappers.program_name(tee[0]) in NETCATS and n == len(stages) - 1:
            continue  # (sent as text to another program: echo hello veth0 | nc ...)
        if not tee or wrappers.program_name(tee[0]) != "tee":
            return []  # (piped into a command that reads it)
        files += [w for w in tee[1:] if not w.startswith("-")]
    if any(f.startswith(_KERNEL_FILES) or _read_by(_file_key(f), mentioned) for f in files) or any(
        "$(" in word or "`" in word for word, _, _ in args
    ):
        return []
    return [(start, end) for _, start, end in args]


def _local_glob(word: str) -> bool:
    """A word the shell matches against files below the working directory (``rtr1*``,
    ``conf/r?.key``), not under ``/`` (``/sys/class/net/veth*`` names links), not a
    variable's value or an option."""
    plain = _unquoted(word)
    return bool(set(plain) & set("*?[")) and not plain.startswith(("/", "$", "~", "-", "["))


def _unquoted(word: str) -> str:
    try:
        split = shlex.split(word)
    except ValueError:
        return word
    return split[0] if len(split) == 1 else word


def _file_key(word: str) -> str:
    """The name a file goes by in any step: ``up.batch``, ``./up.batch``,
    ``/tmp/lab/up.batch`` and ``$DIR/up.batch`` are one (a URL is its own)."""
    word = _unquoted(word)
    return word if "://" in word else (posixpath.basename(word.rstrip("/")) or word)


def _mentioned(steps: Iterable[Step]) -> frozenset[str]:
    """The files two steps or more name (one writes, another reads: ``echo ... >
    up.batch``, then ``ip -batch ./up.batch``), and each glob a step names (``ip -b
    *.batch``): whose file :func:`_printed_text` finds by :func:`_file_key`."""
    seen: Counter[str] = Counter()
    globs: set[str] = set()
    for step in steps:
        line = getattr(step.op, "text", None) or getattr(step.op, "command", None) or ""
        keys = {_file_key(word) for word in shell_tokens(line) or line.split()}
        # (the block a step prints: ``ip -n ep1 -batch up.batch``, read as the commands of
        # the file another step wrote, names it still: hunt CO)
        keys |= {_file_key(word) for word in (step.verbatim or "").split()}
        seen.update(keys)
        globs |= {key for key in keys if set(key) & set("*?[")}
    return frozenset({*(key for key, count in seen.items() if count > 1), *globs})


def _read_by(key: str, mentioned: Collection[str]) -> bool:
    """Whether another step names the file ``key`` names: as it is, or by a glob."""
    return key in mentioned or any(
        fnmatch.fnmatchcase(key, g) for g in mentioned if set(g) & set("*?[")
    )


def _named(match: re.Match[str]) -> str:
    """The name a match of :func:`_words_pattern` found (a word, or a sysctl key's part)."""
    return match["word"] or match["key"]


@functools.lru_cache(maxsize=8)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for every name a scenario creates (compiled once per scenario)."""
    alternatives = "|".join(map(re.escape, words)) or r"(?!)"
    return re.compile(
        # (not a shell variable of that name: ``NS1=NS1`` then ``ip netns add $NS1``, whose
        # value is renamed where it is set; not a link's kind: ``ip link add veth type
        # veth``, a pair named after its kind in answers and forum posts, even in a ``bash
        # -c "..."`` string; hunt EG: the kind was renamed with the link)
        rf"(?<![A-Za-z0-9_.$-])(?<!\$\{{)(?<!\btype )(?P<word>{alternatives})(?![A-Za-z0-9_.-])"
        # a link's part of a dotted sysctl key: net.ipv4.conf.NAME.rp_filter
        rf"|(?:(?<=\.conf\.)|(?<=\.neigh\.))(?P<key>{alternatives})(?=\.[a-z])"
    )


def _link_names(prefix: str, originals: Iterable[str]) -> dict[str, str]:
    """``prefix + name`` for each link; one that the prefix takes past the 15 characters
    of an interface name keeps the prefix and its head, and ends in three hex digits of
    its name's hash (``veth-yellow`` under ``hbc1a2``: ``hbc1a2veth-yf73``), unless two such
    names come out the same or the prefix leaves no room (then refused, as before: hunts
    AZ and BC could not run pages named ``veth-yellow`` under their prefixes)."""
    out = {}
    for name in originals:
        new = prefix + name
        room = names.IFNAMSIZ - len(prefix) - 3
        if len(new) > names.IFNAMSIZ >= len(name) and room > 0:
            new = prefix + name[:room] + hashlib.sha256(name.encode()).hexdigest()[:3]
        out[name] = new
    taken = Counter(out.values())
    return {n: new if taken[new] == 1 else prefix + n for n, new in out.items()}


def with_prefix(scenario: Scenario, prefix: str) -> Scenario:
    """Rename every namespace and link the scenario creates to ``prefix + name`` (a link
    name too long for the kernel then, shortened: :func:`_link_names`)."""
    if not prefix:
        return scenario
    if not _PREFIX.fullmatch(prefix):
        raise UsageError(
            f"--prefix {prefix!r}: use letters, digits, '_', '.', '-' (not first: '-' or '.')"
        )
    # names the kernel chooses (``ip link add type veth``: veth0, veth1) are given, renamed
    # (hunt DH #3: left as the kernel's, they were another lab's or the host's veth0)
    scenario = names_given(scenario)
    netns_names, link_names = created_names((step.op for step in scenario.steps), auto=False)
    netns = {n: prefix + n for n in netns_names}
    links = _link_names(prefix, link_names)
    # each new name checked once; the first step that names a bad one is the error's place
    bad = {("link", n): p for n, new in links.items() if (p := names.link_name_problem(new))}
    bad |= {("netns", n): p for n, new in netns.items() if (p := names.netns_name_problem(new))}
    for step in scenario.steps if bad else ():
        for ref in step.op.refs():
            if ref in bad:
                hint = "use a shorter prefix or shorter names" if ref[0] == "link" else None
                raise ScenarioError(f"with --prefix {prefix!r}: {bad[ref]}", step.loc, hint)

    mentioned = _mentioned(scenario.steps)

    def step_renamed(step: Step) -> Step:
        op = _rename_fields(step.op, netns, links, mentioned)
        if op.text is not None and ipgrammar.read(op.text) != op:
            op = _read_renamed(step.op, op, netns, links) or op
        if op.text is not None and ipgrammar.read(op.text) != op:
            raise ScenarioError(
                f"with --prefix {prefix!r}: the line {op.text!r} does not read as the renamed "
                f"command: {_clashes(step.op, netns, links)}",
                step.loc.at("line"),
                "rename that object in the scenario, or run without --prefix",
            )
        return dataclasses.replace(
            step, op=op, expect=tuple(_rename_fields(c, netns, links) for c in step.expect)
        )

    return dataclasses.replace(
        scenario,
        setup=_blocks_renamed(
            tuple(step_renamed(s) for s in scenario.setup),
            netns,
            links,
            mentioned,
            scenario.setup,
        ),
        teardown=_blocks_renamed(
            tuple(step_renamed(s) for s in scenario.teardown),
            netns,
            links,
            mentioned,
            scenario.teardown,
        ),
    )


def names_given(scenario: Scenario) -> Scenario:
    """The scenario with each link the kernel would name (``ip link add type veth``: the
    kernel picks the first free veth0, veth1...) named as the model names it, the step's
    line then printed from its fields (``ip link add veth0 type veth peer name veth1``), and
    the shell block that holds it printed a command a line. Under ``--prefix`` the names
    are then the lab's own (hunt DH #3: a kernel-named pair kept the kernel's names, which
    another lab's or the host's links may hold, or take between the check and the run, and
    whose later lines, ``ip link set veth0 netns red``, then moved a link not the lab's)."""
    given = kernel_named(scenario.steps)
    if not given:
        return scenario

    def part(steps: tuple[Step, ...], offset: int) -> tuple[Step, ...]:
        out = list(steps)
        start: int | None = None
        for k, step in enumerate(steps):
            if step.verbatim is not None:
                start = k
            elif not step.joined:
                start = None
            if (names_ := given.get(offset + k)) is None or not isinstance(step.op, LinkAdd):
                continue
            name, peer = names_
            op = dataclasses.replace(
                step.op, name=name, peer=peer if step.op.type == "veth" else step.op.peer, text=None
            )
            out[k] = dataclasses.replace(out[k], op=op)
            if start is not None:  # (the block's text makes the pair unnamed: its steps print)
                out[start] = dataclasses.replace(out[start], verbatim=None)
                end = start + 1
                while end < len(steps) and steps[end].joined:
                    out[end] = dataclasses.replace(out[end], joined=False)
                    end += 1
                start = None
        return tuple(out)

    return dataclasses.replace(
        scenario,
        setup=part(scenario.setup, 0),
        teardown=part(scenario.teardown, len(scenario.setup)),
    )


def kernel_named_said(scenario: Scenario, prefix: str) -> list[tuple[Step, str]]:
    """Each step whose link names the kernel would choose, with what ``--prefix`` makes of
    them (:func:`names_given`), said so that the run's line, which names them, is no
    surprise."""
    given = kernel_named(scenario.steps)
    if not given or not prefix:
        return []
    _, link_names = created_names((s.op for s in names_given(scenario).steps), auto=False)
    links = _link_names(prefix, link_names)
    out: list[tuple[Step, str]] = []
    for k, (name, peer) in sorted(given.items()):
        step = scenario.steps[k]
        op = step.op
        if not isinstance(op, LinkAdd):
            continue
        chosen = sorted(
            n for n, written in ((name, op.name), (peer, op.peer)) if n and written is None
        )
        made = ", ".join(links.get(n, prefix + n) for n in chosen)
        them = "them" if len(chosen) > 1 else "it"
        out.append(
            (
                step,
                f"with --prefix {prefix}, the kernel would name {', '.join(chosen)} here"
                f" ({op.text or 'ip link add'}): the run names {them} {made}, the lab's own,"
                f" as it names the lab's other links (no {chosen[0]} of the host or of another"
                f" lab is taken or moved); without --prefix the kernel names {them}",
            )
        )
    return out


def _read_renamed(
    op: Any, renamed: Any, netns: dict[str, str], links: dict[str, str]
) -> Any | None:
    """``renamed`` (``op`` renamed field by field) with ``op``'s line renamed only where ip
    reads a name of the lab, as the grammar reads it back; None when no such renaming of its
    words reads as ``renamed``. Hunt EG: ``ip l a veth type veth peer name host``, a pair
    named after its kind (as answers and forum posts name it), had the kind renamed with the
    link and the run was refused."""
    text = op.text or ""
    words = {**netns, **links}
    pattern = _words_pattern(tuple(sorted(words, key=len, reverse=True)))
    spans = [(m.start(), m.end(), words[_named(m)]) for m in pattern.finditer(text)]
    if len(spans) > _MOST_SPANS:
        return None
    for size in range(len(spans) - 1, 0, -1):  # (all renamed: the line already refused)
        for chosen in itertools.combinations(spans, size):
            out, at = [], 0
            for start, end, new in chosen:
                out += [text[at:start], new]
                at = end
            attempt = dataclasses.replace(renamed, text="".join([*out, text[at:]]))
            if ipgrammar.read(attempt.text) == attempt:
                return attempt
    return None


#: the most names one line may hold for :func:`_read_renamed` to try its renamings (2**n)
_MOST_SPANS = 10


def _clashes(op: Any, netns: dict[str, str], links: dict[str, str]) -> str:
    """Which names of the lab ``op``'s line also holds as another word (``ip -n lo link set
    lo up`` in a namespace named lo: the link lo was renamed too), said for the refusal."""
    names = tuple(sorted({**netns, **links}, key=len, reverse=True))
    found = dict.fromkeys(_named(m) for m in _words_pattern(names).finditer(op.text or ""))
    said = []
    for name in found:
        alone_ns = {name: netns[name]} if name in netns else {}
        alone_links = {name: links[name]} if name in links else {}
        renamed = _rename_fields(op, alone_ns, alone_links)
        if ipgrammar.read(renamed.text) != renamed:
            what = "a namespace" if name in netns else "a link"
            said.append(f"{name!r} is {what} of the lab and also another word of the line")
    return "; ".join(said) or "a name of the lab is also another word of the line"


def _blocks_renamed(
    steps: tuple[Step, ...],
    netns: dict[str, str],
    links: dict[str, str],
    mentioned: Collection[str] = (),
    before: tuple[Step, ...] = (),
) -> tuple[Step, ...]:
    """The author's text of each shell block, renamed word for word. A block that builds a
    name inside its text (``ns$i``), or one whose commands (``before``: the steps as the
    scenario has them) its words would rename otherwise than the steps are renamed (``bash
    -c "ip route add default dev v0"`` in a namespace named ``default``: the route's word
    renamed too; hunt EG), cannot be renamed there: it prints its own commands, one a line,
    as they run."""
    out = list(steps)
    renamed = {**netns, **links}
    originals = {new: old for old, new in renamed.items()}
    for start, step in enumerate(steps):
        if step.verbatim is None:
            continue
        # (the names a raw step's words hold: sysctl -w net.ipv4.conf.veth{0,1}.rp_filter=0;
        # one regex of every name, made only for a lab with a block: 0.13 s for a star's
        # 1,001 names, #14)
        new = _words_pattern(tuple(sorted(originals, key=len, reverse=True)))
        end = start + 1
        while end < len(steps) and steps[end].joined:
            end += 1
        used = {originals[n] for s in steps[start:end] for _, n in s.op.refs() if n in originals}
        used |= {originals[_named(m)] for s in steps[start:end] for m in new.finditer(_said(s))}
        pattern = _words_pattern(tuple(sorted(used, key=len, reverse=True)))
        values = [v for _, value in step.variables for v in _values(value)]
        found = {_named(m) for m in pattern.finditer("\n".join([step.verbatim, *values]))}
        if len(found) == len(used) and _renamed_alike(
            before[start:end], steps[start:end], netns, links, mentioned
        ):
            text = _rename_words(step.verbatim, netns, links, mentioned)
            variables = tuple(
                (name, _rename_words(value, netns, links) if isinstance(value, str)
                 else tuple((k, _rename_words(v, netns, links)) for k, v in value))
                for name, value in step.variables
            )  # fmt: skip
            out[start] = dataclasses.replace(step, verbatim=text, variables=variables)
        else:
            out[start] = dataclasses.replace(step, verbatim=None)
            out[start + 1 : end] = [
                dataclasses.replace(s, joined=False) for s in out[start + 1 : end]
            ]
    return tuple(out)


def _renamed_alike(
    before: Iterable[Step],
    after: Iterable[Step],
    netns: dict[str, str],
    links: dict[str, str],
    mentioned: Collection[str],
) -> bool:
    """Each command of a block, renamed word for word, is its step as renamed (hunt EG)."""
    from iplab.render import renderer  # (late: render reads the scenario's steps too)

    text = renderer().text
    return all(
        _rename_words(text(b.op), netns, links, mentioned) == text(a.op)
        for b, a in zip(before, after, strict=False)
    )


def _said(step: Step) -> str:
    """A step's own words: a raw step's command, the line of a typed one."""
    return getattr(step.op, "command", None) or getattr(step.op, "text", None) or ""


def _values(value: ShellValue) -> list[str]:
    return [value] if isinstance(value, str) else [v for _, v in value]
