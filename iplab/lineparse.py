"""One command line of a tutorial -> the typed op that renders back to exactly that line.

:func:`parse_line` reads a line into a candidate op, keeping every spelling the
tutorial used (``del`` or ``delete``, ``peer name Y`` or ``peer Y``, ``ip -n NS``
or ``ip netns exec NS ip``...), then proves the reading twice: the op must render
(through the templates) to the very same text, and its scenario fields
(:func:`op_fields`) must load back (through :mod:`iplab.scenario`) to the very
same op. A line that fails either proof is not typed; :func:`classify` then keeps
it verbatim as a ``raw`` step.

Why this module is long: a line's proofs read together: candidate ops, render-back and load-
back, an op's scenario fields, and the check of a user's templates; each proof uses the
others.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, TypeVar

import yaml

from iplab import ipgrammar, names
from iplab.errors import ScenarioError
from iplab.fields import IP_OPTIONS
from iplab.model import effects_of
from iplab.records import Record, frozen
from iplab.render import renderer
from iplab.scenario import load_text
from iplab.steps import (
    AddrAdd,
    AddrDel,
    AddrShow,
    Declares,
    IpOp,
    LinkAdd,
    LinkAttr,
    LinkDel,
    LinkSet,
    LinkShow,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    NetnsList,
    Op,
    Probe,
    Raw,
    RouteAdd,
    RouteDel,
    RouteShow,
)
from iplab.words import BUILTINS, SHELL_SYNTAX, known_undo, reads_only

_JINJA = re.compile(r"\{\{|\{%")
_EXEC_PREFIX = re.compile(r"ip netns exec (?P<ns>\S+) (?P<command>.+)")


#: a word kept as written (``del``/``delete``, ``addr``/``a``...): the parser only passes the
#: words the ops allow, and the render proof checks the rest
Spelling = Any


#: shell builtins that run without a shell: programs too (/usr/bin/echo...), and the job
#: control iplab does itself (``kill %1``, ``wait``: see iplab.jobs)
_NO_SHELL = frozenset({"echo", "printf", "true", "false", "test", "[", "kill", "pwd", "wait"})


class LineError(ValueError):
    """The line cannot be kept in a scenario at all, not even as a raw command."""


#: the words do not read as the op being tried (the grammar's own signal)
_NoMatch = ipgrammar.NoMatch


Kind = Literal["typed", "raw-effects", "raw-unknown"]
KINDS: tuple[Kind, ...] = ("typed", "raw-effects", "raw-unknown")


@frozen
class Parsed(Record):
    """What one line of a tutorial becomes: an op, and whether the line says ``sudo``."""

    op: Op
    #: the line starts with ``sudo `` and the op does not carry it itself
    sudo: bool
    #: a typed op (False: a raw command kept verbatim)
    typed: bool

    @property
    def kind(self) -> Kind:
        """typed; raw with known effects on names (declared, or none: ``sysctl``); raw with
        unknown effects (the model then marks what it cannot place as unknown)."""
        if not isinstance(self.op, Raw | NetnsExec):
            return "typed"
        return "raw-effects" if effects_of(self.op) is not None else "raw-unknown"


def count_kinds(parsed: Iterable[Parsed]) -> dict[Kind, int]:
    """How many lines are typed / raw with known effects / raw with unknown effects."""
    counts: dict[Kind, int] = dict.fromkeys(KINDS, 0)
    for p in parsed:
        counts[p.kind] += 1
    return counts


# -- the words of a line ----------------------------------------------------------------------


class _Words(ipgrammar.Words):
    """The grammar's cursor over the words of a line, and a choice among spellings."""

    def accept(self, *choices: str) -> str | None:
        """Take the next word when it is one of ``choices``."""
        word = self.peek()
        if word is not None and word in choices:
            self.i += 1
            return word
        return None


_checked = ipgrammar.checked


def _link(words: _Words) -> str:
    return _checked(words.take(), names.link_name_problem)


def _netns(words: _Words) -> str:
    return _checked(words.take(), names.netns_name_problem)


def _number(word: str, lo: int, hi: int) -> int:
    if not word.isdigit() or not lo <= int(word) <= hi:
        raise _NoMatch
    return int(word)


# -- ip OBJECT ... ----------------------------------------------------------------------------


def _ip(words: _Words, ns: str | None, ns_form: str) -> Op:
    """``ip [-n NS] [OPTIONS] OBJECT ...`` (after ``ip``)."""
    options: list[str] = []
    while (word := words.peek()) is not None and word.startswith("-"):
        words.take()
        if word == "-n" and ns is None and not options:
            ns, ns_form = _netns(words), "-n"
        elif word in IP_OPTIONS:
            options.append(word)
        else:
            raise _NoMatch
    ctx: dict[str, Any] = {"ns": ns, "ns_form": ns_form, "options": tuple(options)}
    obj = words.take()
    if obj == "netns" and ns is None:
        return _netns_cmd(words, tuple(options))
    if obj in ("link", "l"):
        return _link_cmd(words, ctx, obj)
    if obj in ("addr", "address", "a"):
        return _addr_cmd(words, ctx, obj)
    if obj in ("route", "r"):
        return _route_cmd(words, ctx, obj)
    raise _NoMatch


def _netns_cmd(words: _Words, options: tuple[str, ...]) -> Op:
    spelling: dict[str, Any] = {"verb": words.peek() or ""}
    if spelling["verb"] in ("", "list", "show"):
        words.accept("list", "show")
        words.end()
        return NetnsList(options=options, **spelling)
    verb = words.take()
    if verb == "add":
        op: Op = NetnsAdd(name=_netns(words))
    elif verb in ("del", "delete"):
        op = NetnsDel(name=_netns(words), **spelling)
    else:
        raise _NoMatch
    words.end()
    return op


def _link_cmd(words: _Words, ctx: dict[str, Any], word: Spelling) -> Op:
    verb: Spelling = words.peek()
    if verb is None:
        return LinkShow(**ctx, word=word)
    words.take()
    if verb == "show":
        return _link_show(words, {**ctx, "word": word})
    if verb == "add":
        return _link_add(words, ctx)
    if verb == "set":
        return _link_set(words, ctx)
    if verb in ("del", "delete"):
        dev_kw = words.accept("dev") is not None
        dev = _link(words)
        words.end()
        return LinkDel(**ctx, verb=verb, dev=dev, dev_kw=dev_kw)
    raise _NoMatch


def _link_show(words: _Words, ctx: dict[str, Any]) -> Op:
    dev_kw = words.accept("dev") is not None
    dev = None if words.peek() in (None, "master") else _link(words)
    master = _link(words) if words.accept("master") else None
    words.end()
    return LinkShow(**ctx, show_kw=True, dev=dev, dev_kw=dev_kw, master=master)


def _link_add(words: _Words, ctx: dict[str, Any]) -> Op:
    fields: dict[str, Any] = {"name_kw": words.accept("name") is not None}
    fields["name"] = _link(words)
    while (key := words.accept("netns", "up", "master", "type")) is not None:
        if key == "up":
            fields["up"] = True
        elif key == "netns":
            fields["netns"] = _netns(words)
        elif key == "master":
            fields["master"] = _link(words)
        else:
            fields["type"] = words.take()
            break
    if fields.get("type") not in ("veth", "bridge", "dummy"):
        raise _NoMatch
    if words.accept("peer"):
        fields["peer_name_kw"] = words.accept("name") is not None
        fields["peer"] = _link(words)
        if words.accept("netns"):
            fields["peer_netns"] = _netns(words)
    words.end()
    return LinkAdd(**ctx, **fields)


def _link_set(words: _Words, ctx: dict[str, Any]) -> Op:
    dev_kw = words.accept("dev") is not None
    dev = _link(words)
    attrs: list[LinkAttr] = []
    while (key := words.peek()) is not None:
        words.take()
        if key in ("up", "down"):
            attrs.append(("state", key))
        elif key == "netns":
            attrs.append(("netns", _netns(words)))
        elif key == "master":
            attrs.append(("master", _link(words)))
        elif key == "nomaster":
            attrs.append(("nomaster", None))
        elif key == "mtu":
            attrs.append(("mtu", str(_number(words.take(), 68, 65535))))
        else:
            raise _NoMatch
    if not attrs:
        raise _NoMatch
    return LinkSet(**ctx, dev=dev, attrs=tuple(attrs), dev_kw=dev_kw)


def _addr_cmd(words: _Words, ctx: dict[str, Any], word: Spelling) -> Op:
    ctx = {**ctx, "word": word}
    verb: Spelling = words.peek()
    if verb is None:
        return AddrShow(**ctx)
    words.take()
    if verb == "show":
        dev_kw = words.accept("dev") is not None
        dev = None if words.peek() is None else _link(words)
        words.end()
        return AddrShow(**ctx, show_kw=True, dev=dev, dev_kw=dev_kw)
    if verb not in ("add", "del", "delete"):
        raise _NoMatch
    address = _checked(words.take(), names.address_problem)
    if words.take() != "dev":
        raise _NoMatch
    dev = _link(words)
    words.end()
    if verb == "add":
        return AddrAdd(**ctx, address=address, dev=dev)
    return AddrDel(**ctx, verb=verb, address=address, dev=dev)


def _route_cmd(words: _Words, ctx: dict[str, Any], word: Spelling) -> Op:
    ctx = {**ctx, "word": word}
    verb: Spelling = words.peek()
    if verb in (None, "show"):
        show_kw = words.accept("show") is not None
        words.end()
        return RouteShow(**ctx, show_kw=show_kw)
    words.take()
    if verb not in ("add", "del", "delete"):
        raise _NoMatch
    fields: dict[str, Any] = {"to": _checked(words.take(), names.route_dest_problem)}
    while (key := words.accept("via", "dev")) is not None:
        if key in fields:
            raise _NoMatch
        value = words.take()
        fields[key] = _checked(value, names.ip_problem if key == "via" else names.link_name_problem)
    words.end()
    if verb == "add":
        return RouteAdd(**ctx, **fields)
    return RouteDel(**ctx, **fields, verb=verb)


def _attempt(read: Callable[[], Op]) -> Op | None:
    try:
        return read()
    except _NoMatch:
        return None


def _candidates(body: str) -> Iterator[Op]:
    """The ops the words of ``body`` (a line without sudo) may read as, best first, unproven."""
    try:
        words = shlex.split(body)
    except ValueError:
        return
    if words[:1] != ["ip"]:
        return
    if words[1:3] != ["netns", "exec"]:
        if (op := _attempt(lambda: _ip(_Words(words[1:]), None, "exec"))) is not None:
            yield op
        return
    match = _EXEC_PREFIX.fullmatch(body)
    if match is None or match["ns"] != words[3] or names.netns_name_problem(match["ns"]):
        return
    ns, command = match["ns"], match["command"]
    typed = None
    if words[4:5] == ["ip"]:
        typed = _attempt(lambda: _ip(_Words(words[5:]), ns, "exec"))
    elif words[4:5] in (["ping"], ["ping6"]):
        typed = _attempt(lambda: ipgrammar.probe(_Words(words[4:]), ns))
    if typed is not None:
        yield typed
    yield NetnsExec(ns=ns, command=command, observes=reads_only(command))


# -- the proofs -------------------------------------------------------------------------------


def split_sudo(line: str) -> tuple[bool, str]:
    """(True, the rest) for ``sudo CMD``; a sudo with options (``sudo -E``) or spaces
    (``sudo  ip``) stays part of the command."""
    if line.startswith("sudo ") and line[5:6] not in ("", " ", "\t", "-"):
        return True, line[5:]
    return False, line


def renders_as(op: Op, sudo: bool, line: str) -> bool:
    """The op, rendered through the templates, gives back exactly ``line``."""
    return renderer().command(op, sudo).text == line


#: libyaml's dumper when PyYAML has it (an import reads back each of its lines)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def reads_back(op: Op) -> str | None:
    """Why the op's scenario fields do not load back to the same op (None: they do)."""
    step = {"action": op.action, **op_fields(op)}
    if isinstance(op, Probe) and op.count is None:  # (ping without -c: its step stops it)
        step["stop_after"] = 1
    doc = yaml.dump({"name": "line", "setup": [step]}, Dumper=_DUMPER, sort_keys=False)
    try:
        loaded = load_text(doc, "<line>").setup[0].op
    except ScenarioError as exc:
        return exc.message
    return None if loaded == op else f"reads back as {loaded!r}"


def parse_line(line: str) -> Op | None:
    """The typed op whose rendering is exactly ``line`` (a leading ``sudo `` allowed), or None.

    Typed means any op but :class:`~iplab.steps.Raw`: ``ip`` commands,
    ``ip netns exec NS ping -c N ADDR`` (a :class:`~iplab.steps.Probe`) and
    ``ip netns exec NS CMD`` (a :class:`~iplab.steps.NetnsExec`).
    """
    sudo, body = split_sudo(line)
    read = functools.cache(lambda: ipgrammar.read(body))
    for op in _candidates(body):
        if isinstance(op, NetnsExec) and not isinstance(read(), NetnsExec | None):
            # the grammar types the command inside the namespace (``ip l s v1 up``, a rename
            # to eth0, ``brctl addif``): typed, so that the model follows what it does
            break
        if renders_as(op, sudo, line) and reads_back(op) is None:
            return op
    # the grammar: the line kept as written (``line:``), its meaning read as ip reads it
    grammar = read()
    if grammar is not None and renders_as(grammar, sudo, line) and reads_back(grammar) is None:
        return grammar
    for op in _candidates(body):
        if renders_as(op, sudo, line) and reads_back(op) is None:
            return op
    return None


_D = TypeVar("_D", Raw, NetnsExec)


def _with_effects(op: _D, known: Declares | None) -> _D:
    """The op with the effects the grammar knows written out (when there are any)."""
    if known is None or not (known.creates or known.deletes or known.renames):
        return op
    return dataclasses.replace(
        op, creates=known.creates, deletes=known.deletes, renames=known.renames, declared=True
    )


def classify(line: str) -> Parsed:
    """The typed op of ``line``, else a raw step that keeps it verbatim.

    Raises :class:`LineError` when even a raw step cannot hold the line.
    """
    sudo, body = split_sudo(line)
    if not body.strip() or body.split() == ["sudo"]:
        raise LineError("an empty command")
    op = parse_line(line)
    if isinstance(op, NetnsExec) and not op.observes:
        op = _with_effects(op, ipgrammar.effects(op.command, op.ns))
        op = dataclasses.replace(op, undo=known_undo(op.command))
    if op is not None:
        return Parsed(op, sudo, typed=True)
    return as_written(line)


def as_written(line: str) -> Parsed:
    """A raw step that keeps ``line`` verbatim, even where iplab could type it (a line the
    tutorial runs beside the next ones, ``ip monitor``: only a raw step runs so).

    Raises :class:`LineError` when a raw step cannot hold the line.
    """
    sudo, body = split_sudo(line)
    try:
        shlex.split(body)
    except ValueError as exc:
        raise LineError(f"cannot be split into words as a shell would: {exc}") from None
    # a shell's own command (cd, export, jobs) runs in a shell: it is no program to start
    builtin = body.split(maxsplit=1)[0] in BUILTINS - _NO_SHELL
    raw = Raw(
        command=body,
        shell=builtin or bool(SHELL_SYNTAX.search(body)) or _globs(body),
        observes=reads_only(body) or body.split(maxsplit=1)[0] in ("cd", "pwd", "jobs"),
    )
    if not raw.observes:
        raw = _with_effects(raw, ipgrammar.effects(body))
        raw = dataclasses.replace(raw, undo=known_undo(body))
    if not renders_as(raw, sudo, line):  # pragma: no cover - a raw step renders verbatim
        raise LineError(f"{line!r} does not render back as itself")
    problem = reads_back(raw)
    if problem is not None:
        raise LineError(problem)
    return Parsed(raw, sudo, typed=False)


# -- ops as scenario fields -------------------------------------------------------------------


def jinja_literal(text: str) -> str:
    """``text`` as a scenario string value that Jinja expansion gives back unchanged.

    Step fields are Jinja templates: text holding ``{{`` or ``{%`` is wrapped in
    ``{% raw %}``, or, when it holds ``endraw`` itself, has each ``{`` written ``{{ '{' }}``.
    """
    if not _JINJA.search(text):
        return text
    if "endraw" not in text:
        return f"{{% raw %}}{text}{{% endraw %}}"
    return text.replace("{", "{{ '{' }}")


def _ctx_fields(op: IpOp) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if op.ns is not None:
        out["in"] = op.ns
        if op.ns_form == "-n":
            out["in_form"] = "-n"
    if op.options:
        out["options"] = list(op.options)
    return out


def _keep(**fields: Any) -> dict[str, Any]:
    """The fields that are set (None and False are the defaults, left out)."""
    return {k: v for k, v in fields.items() if v is not None and v is not False}


def _link_set_fields(op: LinkSet) -> dict[str, Any]:
    out = {**_ctx_fields(op), **_keep(dev_kw=op.dev_kw, dev=op.dev)}
    for key, value in op.attrs:
        out[key] = True if key == "nomaster" else int(value or 0) if key == "mtu" else value
    return out


def op_fields(op: Op) -> dict[str, Any]:
    """The scenario fields (after ``action``) that load back to ``op``, in reading order.

    Spelling fields are written only where they differ from the default.
    ``link set`` attributes keep the order of the command (the loader reads them
    in key order).
    """
    if op.text is not None:
        return {"line": jinja_literal(op.text)}
    if isinstance(op, NetnsAdd):
        return {"name": op.name}
    if isinstance(op, NetnsDel):
        return _keep(name=op.name, verb=op.verb if op.verb != "del" else None)
    if isinstance(op, NetnsList):
        return _keep(options=list(op.options) or None, verb=op.verb if op.verb != "list" else None)
    if isinstance(op, NetnsExec | Raw):
        fields = _keep(
            command=jinja_literal(op.command),
            undo=jinja_literal(op.undo) if op.undo else None,
            observe=op.observes,
            shell=isinstance(op, Raw) and op.shell,
            sets=list(op.sets) if isinstance(op, Raw) and op.sets else None,
        )
        fields.update(effect_fields(op))
        return {"in": op.ns, **fields} if isinstance(op, NetnsExec) else fields
    if isinstance(op, Probe):
        count = op.count if op.count != 1 else None
        ping = op.ping if op.ping != "ping" else None
        if op.options is not None:  # (count, wait and -6 are in them)
            count, ping = None, "ping6" if op.ping == "ping6" else None
        wait = op.wait if op.options is None else None
        said = {"in": op.ns, **_keep(target=op.target, count=count, wait=wait, ping=ping)}
        said.update(_keep(options=op.options))
        return said if op.reachable else {**said, "reachable": False}
    if isinstance(op, LinkSet):
        return _link_set_fields(op)
    assert isinstance(op, IpOp), op
    return {**_ctx_fields(op), **_ip_fields(op)}


def effect_fields(op: Declares) -> dict[str, Any]:
    """``creates``/``deletes``/``renames`` as scenario fields (only those declared)."""
    if not op.declared:
        return {}
    out: dict[str, Any] = {}
    keys = {"ns": "in", "peer_ns": "peer_in"}
    for key in ("creates", "deletes", "renames"):
        items = []
        for effect in getattr(op, key):
            item: dict[str, Any] = {effect.what: effect.name}
            for name in ("kind", "ns", "peer", "peer_ns", "to"):
                value = getattr(effect, name)
                if value is not None:
                    item[keys.get(name, name)] = value
            items.append(item)
        if items or (not out and key == "renames" and not any(out.values())):
            out[key] = items
    return {k: v for k, v in out.items() if v} or {"creates": []}


def _spelling(value: str, default: str) -> str | None:
    return value if value != default else None


def _ip_fields(op: IpOp) -> dict[str, Any]:
    if isinstance(op, LinkAdd):
        out = _keep(
            name_kw=op.name_kw, name=op.name, netns=op.netns, up=op.up, master=op.master,
            type=op.type, peer=op.peer,
        )  # fmt: skip
        if op.peer is not None and not op.peer_name_kw:
            out["peer_name_kw"] = False
        return out | _keep(peer_netns=op.peer_netns)
    if isinstance(op, LinkDel):
        return _keep(verb=_spelling(op.verb, "del"), dev_kw=op.dev_kw, dev=op.dev)
    if isinstance(op, LinkShow):
        return _keep(
            word=_spelling(op.word, "link"), show_kw=op.show_kw, dev_kw=op.dev_kw,
            dev=op.dev, master=op.master,
        )  # fmt: skip
    if isinstance(op, AddrAdd | AddrDel):
        verb = _spelling(op.verb, "del") if isinstance(op, AddrDel) else None
        return _keep(word=_spelling(op.word, "addr"), verb=verb, address=op.address, dev=op.dev)
    if isinstance(op, AddrShow):
        return _keep(
            word=_spelling(op.word, "addr"), show_kw=op.show_kw, dev_kw=op.dev_kw, dev=op.dev
        )
    if isinstance(op, RouteAdd | RouteDel):
        verb = _spelling(op.verb, "del") if isinstance(op, RouteDel) else None
        return _keep(
            word=_spelling(op.word, "route"), verb=verb, to=_spelling(op.to, "default"),
            via=op.via, dev=op.dev,
        )  # fmt: skip
    assert isinstance(op, RouteShow), op
    return _keep(word=_spelling(op.word, "route"), show_kw=op.show_kw)


# -- a user's templates ---------------------------------------------------------------------

#: fields that say how a command is spelled (or what iplab does with it), not what it does
_SPELLING = frozenset(
    {"text", "ns_form", "name_kw", "peer_name_kw", "dev_kw", "show_kw", "verb", "word"}
    | {"reachable", "undo", "observes", "shell"}
)


def reads_back_as(op: Op, body: str) -> str | None:
    """Why ``body`` (a user template's output for ``op``) does not do what ``op`` says,
    or None when it reads back as the same op (spelled its own way)."""
    if isinstance(op, Raw):
        return None if body == op.command else f"must render the raw command verbatim: {body!r}"
    try:
        parsed = parse_line(body)
    except Exception:  # any failure to read it back is a refusal
        parsed = None
    if parsed is None:
        return f"renders {body!r}, which iplab cannot read back as a {op.action} command"
    same = {
        f.name: getattr(op, f.name)
        for f in dataclasses.fields(op)
        if f.name in _SPELLING and hasattr(parsed, f.name)
    }
    if type(parsed) is not type(op) or dataclasses.replace(parsed, **same) != op:
        return f"renders {body!r}, which is not the {op.action} the scenario asks for"
    return None


def _globs(body: str) -> bool:
    """Whether a word of ``body`` is a glob bash matches against files (``cp rtr1*
    /tmp/conf``; hunt CX: run without a shell, cp was handed 'rtr1*' itself: "cannot stat").
    A word in quotes is not (``grep 'veth*'``), nor a ``[`` (a Python list, an array's index)."""
    lexer = shlex.shlex(body, posix=False)
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:
        return False
    return any(w[:1] not in ("'", '"') and set(w) & set("*?") for w in words)
