"""The actions of a scenario's steps: each action's fields read into a typed op
(:data:`BUILDERS`, one entry per ``action:``), and a step's claims (``expect:``).

A new command kind is an op in :mod:`iplab.steps`, its builder here, its effect and
inverse in :mod:`iplab.model`, its template in ``templates/`` and its parse rule in
:mod:`iplab.ipgrammar`.

Why this module is long: one builder per action, each reading its own fields, and the
table of them; read by action, as the scenario format's reference is.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from iplab import ipgrammar, livesteps, names, yamlio
from iplab.errors import Location, ScenarioError
from iplab.fields import Fields
from iplab.steps import (
    LINK_SET_ATTRS,
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
    NetnsDelAll,
    NetnsExec,
    NetnsExecAll,
    NetnsList,
    NetnsPresent,
    NothingLeft,
    Op,
    Probe,
    Raw,
    RouteAdd,
    RouteDel,
    RouteShow,
    ping_options,
)
from iplab.words import SHELL_SYNTAX, needs_shell, reads_only
from iplab.wrappers import program_name


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


def _command_text(
    f: Fields,
    key: str,
    shell: bool,
    required: bool,
    quoted_ok: bool = False,
    *,
    hint: str = "set 'shell: true' on the step to run it through bash -c",
) -> str | None:
    """A command field's text, one line; without ``shell``, refused when it needs a shell
    (``quoted_ok``, a raw step's: not for an operator inside quotes, ``sh -c 'a; b'``)."""
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
    if not shell and (needs_shell(value) if quoted_ok else SHELL_SYNTAX.search(value)):
        f.fail(key, f"{value!r} uses shell syntax ({_shell_said(value)})", hint)
    return value


_SHELL_SAID = "pipes, redirections, ';', '&', '$'"


def _shell_said(value: str) -> str:
    """The shell syntax a command holds, said: the usual list, or the parentheses it
    holds where those are all (hunt CI, fatlan's Turkish page: ``sudo ip netns exec ns01 ip
    a (sudo ip -n ns01 ip a)``, its author's aside, was said to use pipes or redirections
    it does not have; bash refuses it as typed)."""
    if SHELL_SYNTAX.search(value) or not ("(" in value or ")" in value):
        return _SHELL_SAID
    return "'(' ... ')': bash reads a subshell there and refuses this line as typed"


#: a netns exec step runs its command's words, never through a shell (hunt J: the hint said
#: 'shell: true', which netns exec does not read)
_EXEC_HINT = (
    "netns exec runs the words without a shell: write it as a raw step with 'shell: true'"
    " (ip netns exec NS bash -c '...')"
)


#: programs that give a word of theirs to a shell, or run another program (``sh -c 'echo 1
#: > /x'``: the redirection is the shell's, and a raw step's checks read it)
_GIVE_TO_A_SHELL = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish", "busybox", "su", "sudo"}
    | {"env", "nsenter", "unshare", "timeout", "watch", "xargs", "ssh", "script", "nohup"}
    | {"setsid", "stdbuf", "nice", "chroot", "runuser", "flock", "eval", "exec", "ip"}
)


def _exec_text(f: Fields, key: str, required: bool) -> str | None:
    """A netns exec step's command: an operator inside quotes is a word of it (``nft 'add
    table ip nat; ...'``: hunt J), unless a shell reads that word (``sh -c 'a; b'``); a
    ``$`` anywhere is not (``bash -c 'ip link set $IF up'`` needs the values a raw step's
    shell holds)."""
    value = _command_text(f, key, False, required, True, hint=_EXEC_HINT)
    ip = value is not None and program_name((value.split(maxsplit=1) or [""])[0]) == "ip"
    if ip and value and (said := ipgrammar.refusal(value)):  # (10.0.0.300/24: hunt BS #3)
        f.fail(
            key, f"ip refuses {value!r} on any host: {said}", ipgrammar.refusal_hint(value, said)
        )
    if value is None or SHELL_SYNTAX.search(value) is None:
        return value
    program = value.split(maxsplit=1)[0].rsplit("/", 1)[-1]
    if "$" in value or "`" in value or program in _GIVE_TO_A_SHELL:
        f.fail(key, f"{value!r} uses shell syntax (pipes, redirections, ';', '&', '$')", _EXEC_HINT)
    return value


def _link_add(f: Fields) -> Op:
    kind = f.choice("type", ("veth", "bridge", "dummy"), "")
    if not kind:  # (typ: veth: said at the step, not at the field meant: hunt BN)
        f.missing("type", " (veth, bridge or dummy)")
    peer = f.link("peer")
    if kind == "veth" and peer is None:
        if f.meant("peer") is not None:  # (peer_name: vethY said "a veth needs a 'peer'")
            f.missing("peer", " (a veth's other end)")
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
    ping = f.choice("ping", ("ping", "ping -6", "ping6"), "ping")
    options = f.text("options")
    if options is None:
        # no count and a stop_after: ping without -c, stopped as its author did (hunt BL)
        until_stopped = not f.has("count") and f.has("stop_after")
        return Probe(
            ns=f.req_netns("in"),
            target=target,
            count=None if until_stopped else f.integer("count", 1, 1, 100) or 1,
            wait=f.integer("wait", None, 1, 60),
            reachable=f.flag("reachable", True),
            ping=ping,  # type: ignore[arg-type]
        )
    # ping's options as written (ping -c 3 -6): count, wait and -6 are what they say
    for key in ("count", "wait"):
        if f.has(key):
            f.fail(key, f"'{key}' and 'options' both say it: write it in 'options' only")
    if ping == "ping -6":
        f.fail("ping", "write -6 in 'options' (ping: ping, or ping6)")
    try:
        count, wait, family = ping_options(options.split())
    except ValueError as exc:
        f.fail(
            "options",
            f"{exc} (a probe's options: -c COUNT, -W WAIT, -i INTERVAL, -4, -6, -I ADDRESS)",
        )
    if family == 4 and (ping == "ping6" or ":" in target):
        f.fail("options", f"-4: {target} is an IPv6 address (ping -4 fails on it)")
    six = family == 6
    return Probe(
        ns=f.req_netns("in"), target=target, count=count, wait=wait,
        reachable=f.flag("reachable", True), options=options,
        ping="ping -6" if six and ping == "ping" else ping,  # type: ignore[arg-type]
    )  # fmt: skip


def _raw(f: Fields) -> Op:
    sets = f.names_list("sets", names.shell_variable_problem)
    shell = f.flag("shell") or bool(sets)  # (a command that sets variables runs in bash)
    return Raw(
        command=_command_text(f, "command", shell, True, quoted_ok=True) or "",
        undo=_command_text(f, "undo", shell, False, quoted_ok=True),
        observes=f.flag("observe"),
        shell=shell,
        sets=sets,
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


def line_op(f: Fields) -> Op:
    """``line: TEXT``: a command as its author wrote it, read by the grammar."""
    text = f.req_text("line")
    if "\n" in text.strip():
        f.fail("line", "must be a single line", "write one step per command")
    op = ipgrammar.read(text)
    if isinstance(op, NetnsExec) and (said := ipgrammar.refusal(text)):
        # (hunt BS #3: ip netns exec red ip addr add 10.0.0.300/24 dev lo passed check, the
        # ip inside it not followed by the model, where the same line with -n red was refused)
        f.fail(
            "line", f"ip refuses {text!r} on any host: {said}", ipgrammar.refusal_hint(text, said)
        )
    if op is None:
        program = next((w for w in text.split() if w != "sudo"), "")
        if said := ipgrammar.refusal(text):  # (hunt BN: 10.0.0.300/24 was "a form of ip
            # iplab's grammar does not type (keep it as 'action: raw')", run to fail there)
            hint = ipgrammar.refusal_hint(text, said)
            f.fail("line", f"{program} refuses {text!r} on any host: {said}", hint)
        what = (  # (hunt B: an ip command it does not type read as no command at all)
            f"{text!r} is a form of {program} iplab's grammar does not type"
            if program in ("ip", "bridge", "brctl") and not needs_shell(text)
            else f"{text!r} is not a command iplab can read (ip, bridge, brctl; no shell "
            "syntax, no spaces around it)"
        )
        f.fail("line", what, "keep it as 'action: raw' with 'command:'")
    action = f.text("action")
    if action is not None and action != op.action:
        f.fail("action", f"the line is a {op.action!r} command, not {action!r}")
    return op


def _route_fields(f: Fields, delete: bool = False) -> dict[str, Any]:
    to = f.text("to") or "default"
    if problem := names.route_dest_problem(to):
        f.fail("to", problem)
    via = f.ip("via")
    dev = f.link("dev")
    if via is None and dev is None and not delete:  # (route del 10.6.0.0/16: hunt B)
        raise ScenarioError("a route needs 'via' (a gateway) or 'dev' (a link)", f.loc)
    return {**_ctx(f), "to": to, "via": via, "dev": dev, "word": _word(f, ("route", "r"))}


def _netns_exec_all(f: Fields) -> NetnsExecAll:
    """``ip -all netns exec CMD``, run in the lab's namespaces only: CMD must only read."""
    command = _command_text(f, "command", False, True) or ""
    if not reads_only(command):
        f.fail(
            "command",
            f"{command!r} changes something: ip -all netns exec runs it in every namespace"
            " of the host, other labs' too",
            "run the change in each of the lab's namespaces with ip netns exec NS",
        )
    return NetnsExecAll(command=command)


BUILDERS: dict[str, Callable[[Fields], Op]] = {
    "netns add": lambda f: NetnsAdd(name=f.req_netns("name")),
    "netns del": lambda f: NetnsDel(name=f.req_netns("name"), verb=_verb(f)),
    "netns del all": lambda f: NetnsDelAll(
        verb=f.choice("verb", ("del", "delete"), "delete")  # type: ignore[arg-type]
    ),
    "netns exec all": _netns_exec_all,
    "netns list": lambda f: NetnsList(
        options=f.options(),
        verb=f.choice("verb", ("list", "show", ""), "list"),  # type: ignore[arg-type]
    ),
    "netns exec": lambda f: NetnsExec(
        ns=f.req_netns("in"),
        # a quoted operator is a word of the command (nft 'add chain ... { ...; }': hunt J)
        command=_exec_text(f, "command", True) or "",
        undo=_exec_text(f, "undo", False),
        observes=f.flag("observe"),
        **_declares(f),
    ),
    "link add": _link_add,
    "impair": livesteps.impair_step,
    "link set": _link_set,
    "link del": lambda f: LinkDel(
        **_ctx(f),
        dev=f.req_link("dev"),
        verb=_verb(f),
        dev_kw=f.flag("dev_kw"),
        peer=f.link("peer"),
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
    "route del": lambda f: RouteDel(**_route_fields(f, delete=True), verb=_verb(f)),
    "route show": lambda f: RouteShow(
        **_ctx(f), word=_word(f, ("route", "r")), show_kw=f.flag("show_kw")
    ),
    "probe": _probe,
    "raw": _raw,
}


# -- claims -----------------------------------------------------------------------------------


def claim(f: Fields) -> Claim:
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
