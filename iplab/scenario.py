"""Scenario files: load, validate, expand variables and loops into typed steps.

A scenario is YAML (see docs/scenario-format.md)::

    name: container-networking-part2
    sudo: auto
    vars: {n: 2}
    setup:
      - title: Create a network namespace
        action: netns add
        name: ns1
    teardown:
      - action: netns del
        name: ns1

String values may use Jinja (``"ns{{ i }}"``) with the ``vars`` and the loop
variable in scope; a step (or a block of ``steps``) may carry ``loop`` and
``when``. Everything is validated here, before anything is rendered or run,
and every error names the file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import itertools
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

import jinja2
from jinja2 import nodes

from iplab import ipgrammar, livesteps, names, sandbox, yamlio
from iplab.errors import Location, ScenarioError
from iplab.steps import (
    LINK_SET_ATTRS,
    OPS_BY_ACTION,
    AddrAdd,
    AddrDel,
    AddrShow,
    BridgePorts,
    Claim,
    Effect,
    LinkAdd,
    LinkAttr,
    LinkDel,
    LinkFields,
    LinksAbsent,
    LinkSet,
    LinksExactly,
    LinkShow,
    LinksPresent,
    NetnsAdd,
    NetnsDel,
    NetnsExec,
    NetnsList,
    NetnsPresent,
    NothingLeft,
    Op,
    Phase,
    Probe,
    Raw,
    RouteAdd,
    RouteDel,
    RouteShow,
    Step,
)

SudoPolicy = Literal["auto", "always", "never"]
T = TypeVar("T")

#: global options of ``ip`` a step may carry, as written (``ip -d -j link``)
IP_OPTIONS = frozenset(
    {
        *("-d", "-details", "-j", "-json", "-p", "-pretty", "-br", "-brief"),
        *("-c", "-color", "-s", "-stats", "-4", "-6", "-o", "-oneline"),
        *("-h", "-human", "-a", "-all"),
    }
)
SHELL_SYNTAX = re.compile(r"[;&|<>`$]|\$\(")
_JINJA = re.compile(r"\{\{|\{%")
_ONE_EXPR = re.compile(r"\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*", re.S)


@dataclass(frozen=True)
class Scenario:
    path: str
    sha256: str
    name: str
    title: str | None = None
    description: str | None = None
    source: str | None = None
    sudo: SudoPolicy = "never"
    vars: dict[str, Any] = field(default_factory=dict)
    setup: tuple[Step, ...] = ()
    teardown: tuple[Step, ...] = ()

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.setup + self.teardown


# -- the field reader -----------------------------------------------------------------------

_MISSING: Any = object()


class Fields:
    """Typed, located access to one YAML mapping; unknown keys are an error at ``finish``."""

    def __init__(
        self,
        mapping: yamlio.YMap,
        loc: Location,
        render: Callable[[Any, Location], Any],
        allowed_extra: Iterable[str] = (),
    ) -> None:
        self.m = mapping
        self.loc = loc
        self._render = render
        self.used: set[str] = set(allowed_extra)

    def where(self, key: str) -> Location:
        return self.loc.at(key, self.m.line_of(key))

    def fail(self, key: str, message: str, hint: str | None = None) -> NoReturn:
        raise ScenarioError(message, self.where(key), hint)

    def has(self, key: str) -> bool:
        return key in self.m

    def raw(self, key: str) -> Any:
        """The value after Jinja expansion, or _MISSING."""
        self.used.add(key)
        if key not in self.m:
            return _MISSING
        return self._render(self.m[key], self.where(key))

    def _typed(self, key: str, kind: type[T], what: str, required: bool) -> T | None:
        value = self.raw(key)
        if value is _MISSING or value is None:
            if required:
                if key in self.m:
                    self.fail(key, f"'{key}' must not be empty")
                raise ScenarioError(f"missing required field '{key}'", self.loc)
            return None
        if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(key, f"must be {what}, found {type(value).__name__} {value!r}")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        return self._typed(key, str, "a string", required)

    def req_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._typed(key, bool, "true or false", False)
        return default if value is None else value

    def opt_flag(self, key: str) -> bool | None:
        return self._typed(key, bool, "true or false", False)

    def integer(self, key: str, default: int | None, lo: int, hi: int) -> int | None:
        value = self._typed(key, int, "a whole number", False)
        if value is None:
            return default
        if not lo <= value <= hi:
            self.fail(key, f"must be between {lo} and {hi}, found {value}")
        return value

    def seconds(self, key: str) -> float | None:
        """A duration in seconds (a positive number, at most a day), or None."""
        value = self.raw(key)
        if value is _MISSING or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number of seconds, found {type(value).__name__} {value!r}")
        if not 0 < value <= 86400:
            self.fail(key, f"must be more than 0 and at most 86400 seconds, found {value!r}")
        return float(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            self.fail(key, f"must be one of {', '.join(repr(c) for c in choices)}, found {value!r}")
        return value

    def _checked(self, key: str, value: str | None, check: Callable[[str], str | None]) -> None:
        if value is not None and (problem := check(value)):
            self.fail(key, problem)

    def link(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        self._checked(key, value, names.link_name_problem)
        return value

    def req_link(self, key: str) -> str:
        value = self.link(key, required=True)
        assert value is not None
        return value

    def netns(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        self._checked(key, value, names.netns_name_problem)
        return value

    def req_netns(self, key: str) -> str:
        value = self.netns(key, required=True)
        assert value is not None
        return value

    def address(self, key: str) -> str:
        value = self.req_text(key)
        self._checked(key, value, names.address_problem)
        return value

    def ip(self, key: str) -> str | None:
        value = self.text(key)
        self._checked(key, value, names.ip_problem)
        return value

    def items(self, key: str) -> list[tuple[Any, Location]]:
        """A list field: each item's value (expanded) and location."""
        self.used.add(key)
        if key not in self.m or self.m[key] is None:
            return []
        value = self.m[key]
        if isinstance(value, str) and _JINJA.search(value):
            value = self._render(value, self.where(key))
        if not isinstance(value, list):
            self.fail(key, f"must be a list, found {type(value).__name__}")
        lines = value.item_lines if isinstance(value, yamlio.YList) else []
        out = []
        for i, item in enumerate(value):
            line = lines[i] if i < len(lines) else self.m.line_of(key)
            loc = self.loc.at(f"{key}[{i}]", line)
            out.append((self._render(item, loc), loc))
        return out

    def names_list(self, key: str, check: Callable[[str], str | None]) -> tuple[str, ...]:
        out = []
        for value, loc in self.items(key):
            item = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if not isinstance(item, str):
                raise ScenarioError(f"must be a name, found {item!r}", loc)
            if problem := check(item):
                raise ScenarioError(problem, loc)
            out.append(item)
        return tuple(out)

    def options(self) -> tuple[str, ...]:
        out = []
        for item, loc in self.items("options"):
            if item not in IP_OPTIONS:
                raise ScenarioError(
                    f"unknown ip option {item!r}",
                    loc,
                    f"allowed: {' '.join(sorted(IP_OPTIONS))}",
                )
            out.append(item)
        return tuple(out)

    def finish(self) -> None:
        unknown = [k for k in self.m if k not in self.used]
        if unknown:
            key = unknown[0]
            known = sorted(self.used)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
            self.fail(key, f"unknown field '{key}'", hint)


# -- ops from fields ---------------------------------------------------------------------------


def _ctx(f: Fields) -> dict[str, Any]:
    """The fields every ip command shares: where it runs, and its global options."""
    return {
        "ns": f.netns("in"),
        "ns_form": f.choice("in_form", ("exec", "-n"), "exec"),
        "options": f.options(),
    }


def _verb(f: Fields) -> Any:
    return f.choice("verb", ("del", "delete"), "del")


def _word(f: Fields, choices: tuple[str, ...]) -> Any:
    return f.choice("word", choices, choices[0])


def _command_text(f: Fields, key: str, shell: bool, required: bool) -> str | None:
    value = f.text(key, required)
    if value is None:
        return None
    if "\n" in value.strip():
        f.fail(key, "must be a single line", "write one step per command")
    value = value.strip()
    try:
        argv = shlex.split(value)
    except ValueError as exc:
        f.fail(key, f"cannot be split into words: {exc}")
    if not argv:
        f.fail(key, "is empty")
    if not shell and SHELL_SYNTAX.search(value):
        f.fail(
            key,
            f"{value!r} uses shell syntax (pipes, redirections, ';', '&', '$')",
            "set 'shell: true' on the step to run it through bash -c",
        )
    return value


def _link_add(f: Fields) -> Op:
    kind = f.choice("type", ("veth", "bridge", "dummy"), "")
    if not kind:
        f.fail("type", "missing required field 'type' (veth, bridge or dummy)")
    peer = f.link("peer")
    if kind == "veth" and peer is None:
        raise ScenarioError(
            "a veth needs a 'peer' name", f.loc, "as in: name: vethX, type: veth, peer: vethY"
        )
    if kind != "veth" and peer is not None:
        f.fail("peer", f"only a veth has a peer, this link is a {kind}")
    peer_netns = f.netns("peer_netns")
    if peer_netns is not None and kind != "veth":
        f.fail("peer_netns", "only a veth has a peer")
    return LinkAdd(
        **_ctx(f),
        name=f.req_link("name"),
        type=kind,  # type: ignore[arg-type]
        peer=peer,
        netns=f.netns("netns"),
        peer_netns=peer_netns,
        up=f.flag("up"),
        master=f.link("master"),
        name_kw=f.flag("name_kw"),
        peer_name_kw=f.flag("peer_name_kw", True),
    )


def _link_set(f: Fields) -> Op:
    ctx = _ctx(f)
    dev = f.req_link("dev")
    dev_kw = f.flag("dev_kw")
    attrs: list[LinkAttr] = []
    for key in list(f.m):
        if key not in LINK_SET_ATTRS:
            continue
        if key == "state":
            attrs.append(("state", f.choice("state", ("up", "down"), "up")))
        elif key == "netns":
            attrs.append(("netns", f.netns("netns", required=True)))
        elif key == "master":
            attrs.append(("master", f.link("master", required=True)))
        elif key == "nomaster":
            if not f.flag("nomaster"):
                f.fail("nomaster", "write 'nomaster: true' or leave it out")
            attrs.append(("nomaster", None))
        elif key == "mtu":
            attrs.append(("mtu", str(f.integer("mtu", None, 68, 65535))))
    if not attrs:
        raise ScenarioError(
            "'link set' needs something to set",
            f.loc,
            f"one or more of: {', '.join(LINK_SET_ATTRS)}",
        )
    keys = [k for k, _ in attrs]
    if "netns" in keys and len(attrs) > 1:
        f.fail("netns", "move a link with 'netns' in a step of its own")
    if "master" in keys and "nomaster" in keys:
        f.fail("nomaster", "'master' and 'nomaster' contradict each other")
    return LinkSet(**ctx, dev=dev, attrs=tuple(attrs), dev_kw=dev_kw)


def _probe(f: Fields) -> Op:
    target = f.ip("target")
    if target is None:
        raise ScenarioError("missing required field 'target' (an address of the lab)", f.loc)
    return Probe(
        ns=f.req_netns("in"),
        target=target,
        count=f.integer("count", 1, 1, 100) or 1,
        wait=f.integer("wait", None, 1, 60),
        reachable=f.flag("reachable", True),
    )


def _raw(f: Fields) -> Op:
    shell = f.flag("shell")
    return Raw(
        command=_command_text(f, "command", shell, True) or "",
        undo=_command_text(f, "undo", shell, False),
        observes=f.flag("observe"),
        shell=shell,
        **_declares(f),
    )


#: ``creates:``/``deletes:``/``renames:`` items: what each may say
_EFFECT_KEYS = {
    "creates": ("netns", "link", "kind", "in", "peer", "peer_in"),
    "deletes": ("netns", "link", "in"),
    "renames": ("link", "to", "in"),
}


def _declares(f: Fields) -> dict[str, Any]:
    """What a raw command says it does to names (``creates``, ``deletes``, ``renames``)."""
    out: dict[str, Any] = {"declared": any(f.has(k) for k in _EFFECT_KEYS)}
    for key, allowed in _EFFECT_KEYS.items():
        effects = []
        for value, loc in f.items(key):
            if not isinstance(value, yamlio.YMap):
                raise ScenarioError(
                    f"must be a mapping like {{link: b0, kind: bridge}} or {{netns: ns1}}, "
                    f"found {value!r}",
                    loc,
                )
            ef = Fields(value, Location(loc.file, value.line or loc.line, loc.field), f._render)
            effects.append(_effect(ef, key, allowed))
            ef.finish()
        out[key] = tuple(effects)
    return out


def _effect(f: Fields, key: str, allowed: tuple[str, ...]) -> Effect:
    whats = [w for w in ("netns", "link") if w in allowed and f.has(w)]
    if len(whats) != 1:
        raise ScenarioError(f"say either 'link: NAME' or 'netns: NAME' in '{key}'", f.loc)
    what = whats[0]
    name = f.req_netns(what) if what == "netns" else f.req_link(what)
    fields: dict[str, Any] = {}
    for extra in allowed:
        if extra in ("netns", "link") or not f.has(extra):
            continue
        if what == "netns":
            f.fail(extra, f"a namespace has no '{extra}'")
        if extra in ("in", "peer_in"):
            fields["ns" if extra == "in" else "peer_ns"] = f.req_netns(extra)
        elif extra in ("peer", "to"):
            fields[extra] = f.req_link(extra)
        else:
            fields[extra] = f.req_text(extra)
    if key == "renames" and "to" not in fields:
        raise ScenarioError("a rename needs 'to: NEW_NAME'", f.loc)
    return Effect(what=what, name=name, **fields)


def _line(f: Fields) -> Op:
    """``line: TEXT``: a command as its author wrote it, read by the grammar."""
    text = f.req_text("line")
    if "\n" in text.strip():
        f.fail("line", "must be a single line", "write one step per command")
    op = ipgrammar.read(text)
    if op is None:
        f.fail(
            "line",
            f"{text!r} is not a command iplab can read (ip, bridge, brctl; no shell syntax, "
            "no spaces around it)",
            "keep it as 'action: raw' with 'command:'",
        )
    action = f.text("action")
    if action is not None and action != op.action:
        f.fail("action", f"the line is a {op.action!r} command, not {action!r}")
    return op


def _route_fields(f: Fields) -> dict[str, Any]:
    to = f.text("to") or "default"
    if problem := names.route_dest_problem(to):
        f.fail("to", problem)
    via = f.ip("via")
    dev = f.link("dev")
    if via is None and dev is None:
        raise ScenarioError("a route needs 'via' (a gateway) or 'dev' (a link)", f.loc)
    return {**_ctx(f), "to": to, "via": via, "dev": dev, "word": _word(f, ("route", "r"))}


BUILDERS: dict[str, Callable[[Fields], Op]] = {
    "netns add": lambda f: NetnsAdd(name=f.req_netns("name")),
    "netns del": lambda f: NetnsDel(name=f.req_netns("name"), verb=_verb(f)),
    "netns list": lambda f: NetnsList(
        options=f.options(),
        verb=f.choice("verb", ("list", "show", ""), "list"),  # type: ignore[arg-type]
    ),
    "netns exec": lambda f: NetnsExec(
        ns=f.req_netns("in"),
        command=_command_text(f, "command", False, True) or "",
        undo=_command_text(f, "undo", False, False),
        observes=f.flag("observe"),
        **_declares(f),
    ),
    "link add": _link_add,
    "impair": livesteps.impair_step,
    "link set": _link_set,
    "link del": lambda f: LinkDel(
        **_ctx(f), dev=f.req_link("dev"), verb=_verb(f), dev_kw=f.flag("dev_kw")
    ),
    "link show": lambda f: LinkShow(
        **_ctx(f),
        dev=f.link("dev"),
        master=f.link("master"),
        show_kw=f.flag("show_kw"),
        word=_word(f, ("link", "l")),
        dev_kw=f.flag("dev_kw"),
    ),
    "addr add": lambda f: AddrAdd(
        **_ctx(f),
        address=f.address("address"),
        dev=f.req_link("dev"),
        word=_word(f, ("addr", "address", "a")),
    ),
    "addr del": lambda f: AddrDel(
        **_ctx(f),
        address=f.address("address"),
        dev=f.req_link("dev"),
        word=_word(f, ("addr", "address", "a")),
        verb=_verb(f),
    ),
    "addr show": lambda f: AddrShow(
        **_ctx(f),
        dev=f.link("dev"),
        word=_word(f, ("addr", "address", "a")),
        show_kw=f.flag("show_kw"),
        dev_kw=f.flag("dev_kw"),
    ),
    "route add": lambda f: RouteAdd(**_route_fields(f)),
    "route del": lambda f: RouteDel(**_route_fields(f), verb=_verb(f)),
    "route show": lambda f: RouteShow(
        **_ctx(f), word=_word(f, ("route", "r")), show_kw=f.flag("show_kw")
    ),
    "probe": _probe,
    "raw": _raw,
}


# -- claims -----------------------------------------------------------------------------------


def _claim(f: Fields) -> Claim:
    loc = f.loc
    ns = f.netns("in")
    if f.has("nothing_left"):
        if not f.flag("nothing_left"):
            f.fail("nothing_left", "write 'nothing_left: true'")
        return NothingLeft(loc=loc)
    if f.has("namespaces"):
        return NetnsPresent(
            loc=loc, namespaces=f.names_list("namespaces", names.netns_name_problem)
        )
    if f.has("only"):
        if ns is None:
            f.fail(
                "only",
                "'only' needs 'in: NAMESPACE' (the root namespace holds the host's links too)",
            )
        return LinksExactly(loc=loc, ns=ns, links=f.names_list("only", names.link_name_problem))
    if f.has("has"):
        return LinksPresent(loc=loc, ns=ns, links=f.names_list("has", names.link_name_problem))
    if f.has("lacks"):
        return LinksAbsent(loc=loc, ns=ns, links=f.names_list("lacks", names.link_name_problem))
    if f.has("bridge"):
        return BridgePorts(
            loc=loc,
            ns=ns,
            bridge=f.req_link("bridge"),
            ports=f.names_list("ports", names.link_name_problem),
        )
    if f.has("link"):
        addresses: tuple[str, ...] | None = None
        if f.has("addresses"):
            addresses = f.names_list("addresses", names.address_problem)
        claim = LinkFields(
            loc=loc,
            ns=ns,
            link=f.req_link("link"),
            up=f.opt_flag("up"),
            master=f.link("master"),
            nomaster=f.flag("nomaster"),
            peer=f.link("peer"),
            addresses=addresses,
        )
        if claim.describe().endswith(": "):
            raise ScenarioError(
                "a 'link' claim needs one of: up, master, nomaster, peer, addresses", loc
            )
        return claim
    raise ScenarioError(
        "unknown claim",
        loc,
        "a claim is one of: namespaces, only, has, lacks, bridge+ports, link+fields, nothing_left",
    )


# -- expansion ---------------------------------------------------------------------------------


def _short(value: Any) -> str:
    """A value for an error message: its repr, cut when long (a bomb's text is huge)."""
    text = repr(value)
    return text if len(text) <= 100 else f"{text[:80]}... ({len(text)} characters)"


#: the most steps a scenario may make, and loop iterations it may run, in all
MAX_STEPS = 10000
MAX_ITERATIONS = 20000
#: the largest scenario file read
MAX_FILE_BYTES = 1 << 20
#: Jinja statements that would loop (or hide a loop) inside one value
_STATEMENTS = (nodes.For, nodes.Macro, nodes.CallBlock)


class _Expander:
    def __init__(self, file: str, variables: dict[str, Any]) -> None:
        self.file = file
        # bounded: range(1, n + 1) | map("fmt", "br{}") -> ["br1", "br2", ...], no bombs
        self.env = sandbox.Sandbox()
        #: loop iterations and steps made so far, each bounded (a nested-loop bomb)
        self.iterations = 0
        self.made = 0
        self.vars = variables
        # a loop renders the same strings again and again: compile each once
        self._templates: dict[str, jinja2.Template] = {}
        self._expressions: dict[str, Any] = {}

    def _template(self, source: str) -> jinja2.Template:
        if source not in self._templates:
            if any(True for _ in self.env.parse(source).find_all(_STATEMENTS)):
                raise sandbox.LimitError(
                    "loops and macros inside a value are not allowed (use a step's loop:)"
                )
            self._templates[source] = self.env.from_string(source)
        return self._templates[source]

    def _expression(self, source: str) -> Any:
        if source not in self._expressions:
            self._expressions[source] = self.env.compile_expression(source, undefined_to_none=False)
        return self._expressions[source]

    def _evaluate(self, source: str, scope: dict[str, Any]) -> Any:
        """A whole expression's value; an undefined name is an error, never None."""
        value = self._expression(source)(**scope)
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return value

    def value(self, value: Any, scope: dict[str, Any], loc: Location) -> Any:
        """Expand Jinja in strings (recursively); ``"{{ expr }}"`` alone keeps its type."""
        if isinstance(value, str):
            if not _JINJA.search(value):
                return value
            try:
                one = _ONE_EXPR.fullmatch(value)
                if one and "{{" not in one.group("expr"):
                    return self._evaluate(one.group("expr"), scope)
                return sandbox.render_bounded(self._template(value), scope)
            except jinja2.UndefinedError as exc:
                raise ScenarioError(
                    f"undefined variable in {_short(value)}: {exc.message}", loc
                ) from None
            except jinja2.TemplateError as exc:
                raise ScenarioError(f"template error in {_short(value)}: {exc}", loc) from None
            except Exception as exc:  # a user's expression may raise anything (1/0, int('x'))
                raise ScenarioError(
                    f"cannot evaluate {_short(value)}: {type(exc).__name__}: {exc}", loc
                ) from None
        if isinstance(value, yamlio.YMap):
            out = yamlio.YMap((k, self.value(v, scope, loc.at(k))) for k, v in value.items())
            out.line, out.key_lines = value.line, value.key_lines
            return out
        if isinstance(value, yamlio.YList):
            items = yamlio.YList(self.value(v, scope, loc) for v in value)
            items.line, items.item_lines = value.line, value.item_lines
            return items
        return value

    def expression(self, value: Any, scope: dict[str, Any], loc: Location) -> Any:
        """A ``loop`` or ``when`` value: a plain YAML value, or an expression."""
        if not isinstance(value, str):
            return value
        text = value
        one = _ONE_EXPR.fullmatch(value)
        if one:
            text = one.group("expr")
        try:
            return self._evaluate(text, scope)
        except jinja2.UndefinedError as exc:
            raise ScenarioError(
                f"undefined variable in {_short(value)}: {exc.message}", loc
            ) from None
        except jinja2.TemplateError as exc:
            raise ScenarioError(f"cannot read expression {_short(value)}: {exc}", loc) from None
        except Exception as exc:  # a user's expression may raise anything
            raise ScenarioError(
                f"cannot evaluate {_short(value)}: {type(exc).__name__}: {exc}", loc
            ) from None

    def steps(
        self, items: Any, phase: Phase, path: str, scope: dict[str, Any], line: int
    ) -> list[Step]:
        if items is None:
            return []
        if not isinstance(items, yamlio.YList):
            raise ScenarioError(
                f"must be a list of steps, found {type(items).__name__}",
                Location(self.file, line, path),
            )
        out: list[Step] = []
        for i, item in enumerate(items):
            loc = Location(self.file, items.line_of(i), f"{path}[{i}]")
            if not isinstance(item, yamlio.YMap):
                raise ScenarioError(
                    f"a step must be a mapping with an 'action', found {item!r}", loc
                )
            made = self._item(item, phase, loc, scope)
            self.made += len(made)
            if self.made > MAX_STEPS:
                raise ScenarioError(
                    f"makes more than {MAX_STEPS} steps", loc,
                    "a lab that large is a mistake, or a bomb",
                )  # fmt: skip
            out.extend(made)
        return out

    def _item(
        self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]
    ) -> list[Step]:
        if "script" in item:
            return self._shell_block(item, phase, loc, scope)
        if "when" in item:
            when_loc = loc.at("when", item.line_of("when"))
            if not self.expression(item["when"], scope, when_loc):
                return []
        scopes = [(scope, loc)]
        if "loop" in item:
            loop_loc = loc.at("loop", item.line_of("loop"))
            values = self.expression(item["loop"], scope, loop_loc)
            if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
                raise ScenarioError(
                    f"loop must give a list (as in range(1, n + 1)), found {_short(values)}",
                    loop_loc,
                )
            values = list(itertools.islice(values, MAX_ITERATIONS + 1))
            self.iterations += len(values)
            if "steps" not in item and self.made + len(values) > MAX_STEPS:
                raise ScenarioError(
                    f"makes more than {MAX_STEPS} steps", loop_loc,
                    "a lab that large is a mistake, or a bomb",
                )  # fmt: skip
            if self.iterations > MAX_ITERATIONS:
                raise ScenarioError(
                    f"loops run more than {MAX_ITERATIONS} times in all", loop_loc,
                    "a lab that large is a mistake, or a bomb",
                )  # fmt: skip
            var = item.get("loop_var", "item")
            if not isinstance(var, str) or not var.isidentifier():
                raise ScenarioError(f"loop_var must be a name, found {var!r}", loc.at("loop_var"))
            scopes = [
                ({**scope, var: v}, Location(loc.file, loc.line, f"{loc.field}({var}={v})"))
                for v in values
            ]
            if "steps" in item:  # nested loops: refuse a bomb before building any of it
                at_least = 0
                for sub_scope, _ in scopes:
                    budget = MAX_STEPS - self.made - at_least
                    at_least += self._at_least(item["steps"], sub_scope, budget)
                    if self.made + at_least > MAX_STEPS:
                        raise ScenarioError(
                            f"makes more than {MAX_STEPS} steps", loop_loc,
                            "a lab that large is a mistake, or a bomb",
                        )  # fmt: skip
        elif "loop_var" in item:
            raise ScenarioError(
                "loop_var without loop", loc.at("loop_var", item.line_of("loop_var"))
            )
        out: list[Step] = []
        for sub_scope, sub_loc in scopes:
            if "steps" in item:
                out.extend(self._block(item, phase, sub_loc, sub_scope))
            elif "flap" in item:
                render = lambda v, where, sc=sub_scope: self.value(v, sc, where)  # noqa: E731
                out.extend(livesteps.flap_steps(item, sub_loc, render, phase))
            else:
                out.append(self._step(item, phase, sub_loc, sub_scope))
        return out

    def _at_least(self, items: Any, scope: dict[str, Any], budget: int) -> int:
        """How many steps ``items`` make at least, with their loops evaluated and nothing
        built, counted until the count passes ``budget``. A step with a ``when`` or a
        ``script`` block counts 0, anything malformed 0 (building it says what is wrong)."""
        total = 0
        if not isinstance(items, yamlio.YList):
            return 0
        for item in items:
            if total > budget:
                break
            if not isinstance(item, yamlio.YMap) or "when" in item or "script" in item:
                continue
            scopes: Iterable[dict[str, Any]] = [scope]
            if "loop" in item:
                try:
                    values = self.expression(item["loop"], scope, Location(self.file, 0, "loop"))
                except ScenarioError:
                    continue
                if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
                    continue
                values = list(itertools.islice(values, MAX_ITERATIONS + 1))
                var = item.get("loop_var", "item")
                if "steps" not in item:
                    total += len(values)
                    continue
                if not isinstance(var, str):
                    continue
                scopes = ({**scope, var: v} for v in values)
            if "steps" not in item:
                total += 1
                continue
            for sub_scope in scopes:
                total += self._at_least(item["steps"], sub_scope, budget - total)
                if total > budget:
                    break
        return total

    def _block(
        self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]
    ) -> list[Step]:
        render = lambda v, where: self.value(v, scope, where)  # noqa: E731
        f = Fields(item, loc, render, allowed_extra=("loop", "loop_var", "when", "steps"))
        title, prose = f.text("title"), f.text("prose")
        if "action" in item:
            f.fail("action", "a step has either 'action' or a block of 'steps', not both")
        f.finish()
        steps = self.steps(item["steps"], phase, f"{loc.field}.steps", scope, item.line_of("steps"))
        if steps and (title or prose) and steps[0].title is None:
            first = steps[0]
            steps[0] = Step(
                op=first.op, loc=first.loc, phase=first.phase, title=title,
                prose=first.prose or prose, output=first.output, sudo=first.sudo,
                expect=first.expect, timeout=first.timeout, stop_after=first.stop_after,
            )  # fmt: skip
        return steps

    def _shell_block(
        self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]
    ) -> list[Step]:
        """The author's shell text (a loop, a ``bash -c`` line, commands after ``nsenter``):
        ``script`` is printed as written, its ``steps`` (one command per iteration) run."""
        render = lambda v, where: self.value(v, scope, where)  # noqa: E731
        f = Fields(item, loc, render, allowed_extra=("steps",))
        text = f.req_text("script").rstrip("\n")
        title, prose, output = _one_line(f, "title"), f.text("prose"), f.text("output")
        for key in ("action", "loop", "loop_var", "when"):
            if key in item:
                f.fail(key, f"a 'script' block takes no '{key}'", "its 'steps' are what runs")
        if "steps" not in item:
            raise ScenarioError("a 'script' block needs 'steps' (the commands its text runs)", loc)
        f.finish()
        where = f"{loc.field}.steps"
        steps = self.steps(item["steps"], phase, where, scope, item.line_of("steps"))
        if not steps:
            f.fail("steps", "a 'script' block needs at least one step")
        for step in steps:
            if step.verbatim is not None:
                raise ScenarioError("a 'script' block cannot hold another", step.loc)
        first = steps[0]
        steps[0] = dataclasses.replace(
            first, verbatim=text, title=title or first.title, prose=prose or first.prose
        )
        steps[1:] = [dataclasses.replace(s, joined=True) for s in steps[1:]]
        if output is not None:
            steps[-1] = dataclasses.replace(steps[-1], output=output)
        return steps

    def _step(self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]) -> Step:
        render = lambda v, where: self.value(v, scope, where)  # noqa: E731
        f = Fields(item, loc, render, allowed_extra=("loop", "loop_var", "when"))
        action = f.text("action")
        if "line" in item:
            op = _line(f)
        elif action is None:
            raise ScenarioError(
                "a step needs an 'action' (or a 'line')", loc, f"one of: {', '.join(BUILDERS)}"
            )
        elif action not in BUILDERS:
            close = difflib.get_close_matches(action, list(BUILDERS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(BUILDERS)}"
            if action in OPS_BY_ACTION:
                hint = f"a {action!r} step is written as 'line: THE COMMAND'"
            f.fail("action", f"unknown action {action!r}", hint)
        else:
            op = BUILDERS[action](f)
        claims = []
        for value, claim_loc in f.items("expect"):
            if not isinstance(value, yamlio.YMap):
                raise ScenarioError(f"a claim must be a mapping, found {value!r}", claim_loc)
            cf = Fields(value, Location(claim_loc.file, value.line, claim_loc.field), render)
            claims.append(_claim(cf))
            cf.finish()
        step = Step(
            op=op,
            loc=loc,
            phase=phase,
            title=_one_line(f, "title"),
            prose=f.text("prose"),
            output=f.text("output"),
            sudo=f.opt_flag("sudo"),
            expect=tuple(claims),
            timeout=f.seconds("timeout"),
            stop_after=f.seconds("stop_after"),
        )
        if step.timeout is not None and (step.stop_after or 0) >= step.timeout:
            f.fail("stop_after", "must be shorter than 'timeout' (the hard limit)")
        f.finish()
        return step


def _one_line(f: Fields, key: str) -> str | None:
    value = f.text(key)
    if value is not None and "\n" in value.strip():
        f.fail(key, "a title is one line", "put longer text in 'prose'")
    return value.strip() if value is not None else None


# -- loading ----------------------------------------------------------------------------------


def parse_var_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``--var n=3`` pairs; each value is read as a YAML scalar (3 is a number)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ScenarioError(f"--var wants NAME=VALUE, found {pair!r}", Location("--var"))
        out[key.strip()] = yamlio.load_text(value, "--var") if value else ""
    return out


def load_text(text: str, file: str, overrides: dict[str, Any] | None = None) -> Scenario:
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{len(text)} characters: a scenario is at most {MAX_FILE_BYTES} bytes",
            Location(file),
        )
    doc = yamlio.load_text(text, file)
    if not isinstance(doc, yamlio.YMap):
        raise ScenarioError(
            "a scenario must be a YAML mapping with 'name' and 'setup'", Location(file, 1)
        )
    top = Location(file, doc.line)
    identity = lambda v, _loc: v  # noqa: E731 - top-level fields hold no Jinja
    f = Fields(doc, top, identity)
    name = f.text("name", required=True)
    assert name is not None
    if problem := names.netns_name_problem(name):
        f.fail("name", problem.replace("namespace name", "scenario name"))
    variables: dict[str, Any] = {}
    raw_vars = f.raw("vars")
    if raw_vars is not _MISSING and raw_vars is not None:
        if not isinstance(raw_vars, yamlio.YMap):
            f.fail("vars", "must be a mapping of names to values")
        expander = _Expander(file, variables)
        for key, value in raw_vars.items():
            loc = Location(file, raw_vars.line_of(key), f"vars.{key}")
            if not key.isidentifier():
                raise ScenarioError(f"variable name {key!r} is not an identifier", loc)
            variables[key] = expander.value(value, dict(variables), loc)
    for key, value in (overrides or {}).items():
        variables[key] = value
    expander = _Expander(file, variables)
    policy = f.choice("sudo", ("auto", "always", "never"), "never")
    if not f.has("setup") and not f.has("topology"):
        raise ScenarioError("a scenario needs a 'setup' list of steps (or a 'topology')", top)
    f.used.update({"setup", "teardown", "topology"})
    setup = expander.steps(
        doc.get("setup"), "setup", "setup", dict(variables), doc.line_of("setup")
    )
    teardown = expander.steps(
        doc.get("teardown"), "teardown", "teardown", dict(variables), doc.line_of("teardown")
    )
    if f.has("topology"):
        from iplab import topology

        where = Location(file, doc.line_of("topology"))
        scope = dict(variables)
        topo = topology.parse(
            doc["topology"], where.at("topology"), lambda v, loc: expander.value(v, scope, loc)
        )
        topo_setup, topo_teardown = topology.plan(topo, where)
        setup = topo_setup + setup
        teardown = teardown + topo_teardown
    scenario = Scenario(
        path=file,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        name=name,
        title=f.text("title"),
        description=f.text("description"),
        source=f.text("source"),
        sudo=policy,  # type: ignore[arg-type]
        vars=variables,
        setup=tuple(setup),
        teardown=tuple(teardown),
    )
    f.finish()
    return scenario


def bundled_dir() -> Path:
    """The scenarios shipped with iplab (inside the wheel, or the checkout's scenarios/)."""
    from iplab.resources import data_dir

    return data_dir("scenarios")


def resolve(path_or_name: str) -> Path:
    """A scenario path, or the name of a bundled scenario (with or without .yaml)."""
    path = Path(path_or_name)
    if path.exists() or "/" in path_or_name:
        return path
    for candidate in (path_or_name, f"{path_or_name}.yaml"):
        bundled = bundled_dir() / candidate
        if bundled.is_file():
            return bundled
    return path


def load(path_or_name: str, overrides: dict[str, Any] | None = None) -> Scenario:
    path = resolve(path_or_name)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ScenarioError(
                f"larger than {MAX_FILE_BYTES} bytes: not a scenario iplab will read",
                Location(str(path)),
            )
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(
            "no such scenario file",
            Location(str(path)),
            f"bundled scenarios: {', '.join(sorted(p.stem for p in bundled_dir().glob('*.yaml')))}",
        ) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, not a scenario file", Location(str(path))) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason})", Location(str(path))) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", Location(str(path))) from None
    return load_text(text, str(path), overrides)
