"""The programs a lab's commands start, looked for before anything runs.

A tutorial may use a tool this host does not have (``brctl`` without bridge-utils,
``ovs-vsctl``, ``iperf3``): run, its step would fail halfway and the run roll back. The
preflight names every missing program, the step that runs it, and its package.

Why this module is long: reading which program a shell line starts (past wrappers, ``ip
netns exec``, ``bash -c``), which it goes on without, and which an earlier step made
(fetched, built, copied, written) are one question, asked of the same words; and the names
said for a missing one (its package, the program it may be a slip of) go with it.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import shutil

from iplab import ipkind
from iplab.errors import IplabError
from iplab.ipgrammar import LINK_WORDS
from iplab.ipwords import BRIDGE_OBJECTS, IP_OBJECTS, TC_OBJECTS
from iplab.plan import Plan
from iplab.render import Command
from iplab.steps import NetnsExec, Probe, Raw
from iplab.words import (
    BUILTINS,
    INTERACTIVE_ALIASES,
    JOINS,
    inside_netns,
    shell_tokens,
    substitution_body,
    substitutions,
    unsudoed,
)
from iplab.wrappers import runs_sudo, unwrap_once

_OPENERS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "time", "{", "("})
_CLOSERS = frozenset({"fi", "done", "esac", "}", ")", ";;", "in"})


def programs(command: str) -> list[str]:
    """The programs a command line starts, as far as its words say: each simple command's
    first word past assignments and wrappers (``sudo``, ``ip netns exec NS``, ``timeout 5``,
    ``nsenter --net=... --``), into ``bash -c SCRIPT``; not bash's builtins, not a word
    the shell computes (``$TOOL``), not the words of ``for``/``case`` headers."""
    marked, _ = substitutions(command)  # $(OUT)/*: one word (hunt N: /* a program)
    tokens = shell_tokens(marked)
    if tokens is None:
        return []
    found: list[str] = []
    stage: list[str] = []
    for token in [*tokens, ";"]:
        if token in JOINS or token in ("&", "(", ")"):
            found += _program(stage)
            stage = []
        else:
            stage.append(token)
    return found + substituted(command)


def substituted(command: str) -> list[str]:
    """The programs a line's command substitutions start (``$(OUT)``: a program ``OUT``):
    missing, bash runs the line on with an empty word in its place."""
    _, inner = substitutions(command)
    # (a backquoted one's script is past its first character: hunt AU, `ip route | awk
    # '{print $5}'` was read as a program p this host does not have, and the run refused)
    bodies = [substitution_body(text) for text in inner.values()]
    return [p for body in bodies if not body.startswith("(") for p in programs(body)]


def _program(stage: list[str]) -> list[str]:
    words = [w for i, w in enumerate(stage) if not _redirection(stage, i)]
    while words and (words[0] in _OPENERS or re.fullmatch(r"[A-Za-z_]\w*=.*", words[0])):
        words = words[1:]
    if not words or words[0] in _CLOSERS or words[0] in ("for", "case", "select", "function"):
        return []
    first = words[0]
    if (inner := unwrap_once(words)) is not None:  # sudo, timeout 5, nsenter -t PID -n ...
        return _program(inner)
    ns, inner = inside_netns(words)
    if ns is not None:
        # sudo ip netns exec alice sudo ip link: the runner, as root, takes off the line's
        # own sudo, not this one, which must be there (hunt CD: on a host without sudo the
        # run failed at it, "exec of sudo failed", where the preflight had said nothing)
        return (["sudo"] if runs_sudo(inner) else []) + _program(inner)
    if first in ("bash", "sh") and len(words) >= 3 and words[1] == "-c":
        return ["bash" if first == "bash" else "sh", *programs(words[2])]
    if first in BUILTINS or "$" in first or "`" in first or re.fullmatch(r"\d+", first):
        return []
    return [first]


#: the commands that ask whether a program is there (``command -v X && X ...``)
_ASKERS = frozenset({"command", "which", "type", "hash"})


def fallen_back(command: str) -> set[str]:
    """The programs a line goes on without (hunt J): one whose command a ``||`` follows
    (``conntrack -L 2>/dev/null || cat /proc/net/nf_conntrack``: bash runs the fallback
    when it is missing), one the line asks for first (``command -v conntrack && conntrack
    -L``, ``which X && X``: it never starts when it is missing), one in a pipeline a ``||``
    follows (``ethtool -k x | grep csum || true``: a missing stage fails the pipeline,
    and bash goes on)."""
    tokens = shell_tokens(command)
    if tokens is None:
        return set()
    out: set[str] = set()
    asked: set[str] = set()  # (asked for in this list of && and ||)
    chain: set[str] = set()  # (started in it so far: a || after them runs when one fails)
    stage: list[str] = []
    for token in [*tokens, ";"]:
        if token not in JOINS and token not in ("&", "(", ")"):
            stage.append(token)
            continue
        chain |= set(_program(stage))
        out |= chain & asked
        if token == "||":
            out |= chain
        words = [w for i, w in enumerate(stage) if not _redirection(stage, i)]
        words = unsudoed(words)
        if token == "&&" and words[:1] and words[0] in _ASKERS:
            asked |= {w for w in words[1:] if not w.startswith("-")}
        elif token not in ("&&", "||", "|"):  # (a pipeline's stages stay in the chain: hunt
            asked, chain = set(), set()  # L, `ethtool -k x | grep y || true` goes on)
        stage = []
    return out


def _redirection(stage: list[str], i: int) -> bool:
    """The word at ``i`` is a redirection (``>``, ``2>``, ``>&``) or the file it names."""
    word = stage[i]
    if word[:1] in "<>" or (word.isdigit() and stage[i + 1 : i + 2] and stage[i + 1][:1] in "<>"):
        return True
    before = stage[i - 1] if i else ""
    return bool(before) and before[-1:] in "<>&" and before[:1] in "<>&" and before != "&&"


#: where a program a tutorial uses comes from (Debian and Ubuntu package names)
PACKAGES = {
    "brctl": "bridge-utils", "tcpdump": "tcpdump", "ping": "iputils-ping", "ping6": "iputils-ping",
    "arping": "iputils-arping", "tracepath": "iputils-tracepath", "iperf3": "iperf3",
    "iperf": "iperf", "nc": "netcat-openbsd", "ncat": "ncat", "socat": "socat", "curl": "curl",
    "wget": "wget", "ethtool": "ethtool", "tc": "iproute2", "ss": "iproute2",
    "bridge": "iproute2", "iptables": "iptables", "ip6tables": "iptables", "nft": "nftables",
    "conntrack": "conntrack", "ovs-vsctl": "openvswitch-switch", "ovs-ofctl": "openvswitch-switch",
    "dig": "dnsutils", "traceroute": "traceroute", "mtr": "mtr-tiny", "tshark": "tshark",
    "dnsmasq": "dnsmasq", "dhclient": "isc-dhcp-client", "ipvsadm": "ipvsadm",
    "python3": "python3", "wg": "wireguard-tools", "bird": "bird2", "birdc": "bird2",
    "vtysh": "frr",
    "lsof": "lsof", "nmap": "nmap", "hping3": "hping3", "netstat": "net-tools",
    "ifconfig": "net-tools", "route": "net-tools", "arp": "net-tools", "ip": "iproute2",
    "iptunnel": "net-tools", "ipmaddr": "net-tools",
    "sysctl": "procps",
}  # fmt: skip
#: where Fedora (and RHEL, CentOS Stream) names a program's package otherwise: a reader on
#: Fedora told to install iputils-ping or iproute2 finds no such package (hunt EK)
FEDORA = {
    "iproute2": "iproute", "iputils-ping": "iputils", "iputils-arping": "iputils",
    "iputils-tracepath": "iputils", "netcat-openbsd": "nmap-ncat", "ncat": "nmap-ncat",
    "iptables": "iptables-nft", "dnsutils": "bind-utils", "mtr-tiny": "mtr",
    "tshark": "wireshark-cli", "isc-dhcp-client": "dhcp-client", "conntrack": "conntrack-tools",
    "openvswitch-switch": "openvswitch", "procps": "procps-ng", "bird2": "bird",
}  # fmt: skip
#: a tutorial that installs what it needs: what it runs after that is not looked for
_INSTALLERS = frozenset({"apt-get", "apt", "yum", "dnf", "apk", "pacman", "zypper", "pip", "pip3"})
#: programs that fetch, unpack, build or copy files: a program started by its path after
#: one of them may be one it made (``curl ... | tar -C /opt/cni/bin -xz`` then
#: ``/opt/cni/bin/bridge``, ``git clone ... && cd iperf && ./configure``: hunts AG, AH),
#: and is not looked for
_MAKERS = frozenset({
    "git", "curl", "wget", "tar", "unzip", "make", "cmake", "ninja", "go", "cargo", "gcc",
    "cc", "clang", "install", "cp", "mv", "ln", "chmod", "tee", "rsync", "scp", "docker",
    "podman", "gunzip", "bunzip2", "xz", "7z",
})  # fmt: skip
#: of them, those whose words name what they make (``cp build/zebra /usr/local/bin/``,
#: ``chmod +x run.sh``, ``ln -s ... /usr/local/bin/x``): a program by path after one of them
#: is one it made only when their words name it or a folder it is in (hunt AW: ``sudo chmod
#: 755 /var/run/frr-ns1`` or ``cat > ns1/gobgp.yaml <<EOF`` before
#: ``/usr/lib/frr/zebra``, on a host without FRR, left zebra unlooked for: the run began)
_NAMING = frozenset({"install", "cp", "mv", "ln", "chmod", "tee"})
#: the ways a tutorial installs a program it builds: what it runs after that is not
#: looked for (``make install``, ``go install``)
_INSTALLS = re.compile(r"\b(?:make|go|cargo|npm)\s+(?:-\S+\s+)*install\b")


def missing(plan: Plan) -> dict[str, Command]:
    """The programs the lab's commands start that this host does not have, each with the
    first command that starts it (the first whose step must work, if one does)."""
    found: dict[str, Command] = {}
    there: dict[str, bool] = {}
    made = False  # (an earlier step may have made any file: programs by path not looked for)
    named: set[str] = set()  # (the files and folders earlier steps made by their names)
    for pc in plan.commands:
        command = pc.command
        if pc.skip is not None:
            continue
        # a command iplab renders starts the tool its op is for (ip, bridge, brctl, tc);
        # one kept as written (or a probe's ping) says it in its words
        verbatim = isinstance(command.op, Raw | NetnsExec | Probe) or not command.argv
        started = programs(command.text) if verbatim else [command.argv[0]]
        if _INSTALLERS & set(started) or (verbatim and _INSTALLS.search(command.text)):
            break  # the tutorial installs its tools itself
        line = _named_made(command.text) if verbatim else set()
        for program in started:
            if "/" in program and (made or _among(program, named)):
                continue
            if program in _NAMING:  # (cp zebra /usr/local/bin/ && /usr/local/bin/zebra)
                named |= line
            else:
                made = made or program in _MAKERS  # (git clone ... && ./configure: one line)
            if program not in there:
                there[program] = shutil.which(program) is not None
            held = found.get(program)
            if not there[program] and (
                held is None or _lets_fail(program, held) > _lets_fail(program, command)
            ):
                found[program] = command  # (a step that must work, rather than one let fail)
        named |= _written(command.text) if verbatim else set()
    return found


def _written(text: str) -> set[str]:
    """The files a line writes with a redirection (``cat > run.sh <<EOF``, ``echo ... >
    x.sh``): a program started by its path after it may be one of them."""
    tokens = shell_tokens(text) or []
    return {
        after
        for t, after in zip(tokens, [*tokens[1:], ""], strict=True)
        if t in (">", ">>", ">|") and after[:1] not in ("&", "") and after != "/dev/null"
    }


def _named_made(text: str) -> set[str]:
    """The words of a line's commands that name what they make (:data:`_NAMING`: ``cp SRC
    DEST``, ``chmod +x FILE``), past their options: the files (or folders) a program
    started by its path after them may be."""
    tokens = shell_tokens(text) or []
    out: set[str] = set()
    stage: list[str] = []
    for token in [*tokens, ";"]:
        if token not in JOINS and token not in ("&", "(", ")"):
            stage.append(token)
            continue
        started = _program(stage)
        if started and started[0] in _NAMING and started[0] in stage:
            after = stage[stage.index(started[0]) + 1 :]
            out |= {
                w
                for i, w in enumerate(after)
                if not w.startswith("-") and not _redirection(after, i)
            }
        stage = []
    return out


def _among(program: str, named: set[str]) -> bool:
    """``program`` (a path) is one of the files ``named``, or in one of its folders."""
    path = os.path.normpath(program)
    return any(
        path == (made := os.path.normpath(word)) or path.startswith(made.rstrip("/") + "/")
        for word in named
    )


def _tolerated(command: Command) -> bool:
    """The author lets the command's step fail (``CMD || true``)."""
    return command.step is not None and command.step.may_fail


def _lets_fail(program: str, command: Command) -> bool:
    """The command's step may fail, or its line goes on without ``program`` (``A || B``,
    ``command -v A && A``)."""
    return _tolerated(command) or program in fallen_back(command.text)


#: the directories of a package's programs started by path (``/usr/lib/frr/zebra``)
_PACKAGE_DIRS = {"/usr/lib/frr/": "frr", "/usr/lib/bird/": "bird2"}


def package_of(program: str) -> str | None:
    """The package ``program`` comes from (hunt B: ``/usr/lib/frr/zebra`` and ``birdc``
    were named without theirs); None: not known."""
    return PACKAGES.get(program) or next(
        (pkg for where, pkg in _PACKAGE_DIRS.items() if program.startswith(where)), None
    )


def said(lacking: dict[str, Command], among: int = 0, packages: bool = True) -> str:
    """``tcpdump (package tcpdump), which `...` runs``, for each (with its line when
    ``among`` them, or in ``lacking``, there are more than one); a name that looks
    mistyped, with what it may have meant (``pythohn3 (python3 mistyped?)``)."""
    return ", ".join(
        f"{p}{_aside(p, packages)}, which `{c.text}`"
        f" runs{_where(c) if max(among, len(lacking)) > 1 else ''}"
        for p, c in lacking.items()
    )


#: words ip reads after its keywords, which start no program: a line that starts with one
#: is the rest of the line above, broken without its ``\`` (hunt CB #3: ``peer name ...``)
_IP_WORDS = LINK_WORDS | {"via", "src", "proto", "metric", "table", "scope", "onlink"}


def _aside(program: str, packages: bool) -> str:
    if program in INTERACTIVE_ALIASES:  # (hunt AZ: ll /var/run/netns/)
        return f" (an alias of an interactive bash: {INTERACTIVE_ALIASES[program]})"
    if program in _IP_WORDS:
        return " (a word of ip's: the rest of the line above, broken without a '\\' at its end?)"
    if (meant := typo_of(program)) is not None:
        return f" ({meant} mistyped?)"
    return f" ({packaged(pkg)})" if packages and (pkg := package_of(program)) else ""


def packaged(package: str) -> str:
    """``package tcpdump``, or ``package iproute2; Fedora: iproute`` where Fedora's name
    differs (hunt EK: ``ping (package iputils-ping)`` sent a Fedora reader to a package
    dnf does not have)."""
    fedora = FEDORA.get(package)
    return f"package {package}" + (f"; Fedora: {fedora}" if fedora else "")


#: the tools whose first word is an object (``ip netns``, ``bridge fdb``, ``tc qdisc``)
_OBJECTS = {"ip": IP_OBJECTS, "bridge": BRIDGE_OBJECTS, "tc": TC_OBJECTS}


def glued(program: str) -> str | None:
    """``ip link`` for ``iplink``: a tool glued to its object, a space lost (hunt AS, DH
    #2: ``iplink add veth0 type veth peer name veth1`` copied from a page), the object
    whole or its first three letters and more, as ip takes it (``ipaddr``); None: another
    name, or a program of that name (net-tools' ``iptunnel``, ``ipmaddr``)."""
    if "/" in program or program in PACKAGES:
        return None
    for tool, objects in _OBJECTS.items():
        rest = program[len(tool) :]
        # (as ip takes an object: whole, or its first letters, ``ip addr``)
        if program.startswith(tool) and len(rest) >= 3 and any(o.startswith(rest) for o in objects):
            return f"{tool} {rest}"
    return None


def typo_of(program: str) -> str | None:
    """What a missing program's name may be a slip of (hunt AS: ``sudo ipnetns add http2``,
    ``ip netns exec http1 pythohn3 -m http.server``): a tool glued to its object (``ip
    netns``), or one name this host has or iplab knows that is one letter or two away
    (``python3``); None when nothing is that close."""
    if "/" in program or program in PACKAGES:
        return None
    if (split := glued(program)) is not None:
        return split
    near = difflib.get_close_matches(program, _known_names(), n=1, cutoff=0.85)
    # (not another version's name: iperf3 is no slip of iperf, nor ping6 of ping)
    if not near or _lettered(near[0]) == _lettered(program):
        return None
    return near[0]


def _lettered(name: str) -> str:
    return "".join(c for c in name if not c.isdigit())


@functools.cache
def _known_names() -> tuple[str, ...]:
    """The programs on PATH (and in the standard directories), and those iplab knows the
    package of: what a mistyped name is compared with."""
    names = set(PACKAGES)
    for folder in {*os.environ.get("PATH", os.defpath).split(os.pathsep), *STANDARD}:
        try:
            names.update(e.name for e in os.scandir(folder or ".") if e.is_file())
        except OSError:
            continue
    return tuple(sorted(names))


#: where an administrator's tools are that a PATH may lack (a cron job's, a user's
#: shell's): sudo's secure_path has them, ``PATH=/usr/bin:/bin`` does not
SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")

#: every standard directory of programs: a PATH may lack the bin ones too (hunt AJ:
#: under ``PATH=/nonexistent``, ping of /usr/bin was said to be missing from the host)
STANDARD = (*SBIN, "/usr/local/bin", "/usr/bin", "/bin")


def off_path(program: str) -> str | None:
    """The directory of :data:`STANDARD`, not on PATH, that holds ``program``, or None."""
    if "/" in program:
        return None
    on_path = {os.path.normpath(d) for d in os.environ.get("PATH", os.defpath).split(os.pathsep)}
    for folder in (d for d in STANDARD if d not in on_path):
        candidate = os.path.join(folder, program)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return folder
    return None


def _in_order(folders: set[str]) -> list[str]:
    """The directories in the order of :data:`STANDARD` (a PATH's usual order)."""
    return sorted(folders, key=STANDARD.index)


def described(lacking: dict[str, Command]) -> str:
    """What is missing: ``this host does not have X, which ... runs``, and, for a program
    only PATH lacks, ``Y, which ... runs, is not on PATH (it is in /usr/sbin)`` (hunt M:
    sysctl and tc of /usr/sbin were said to be missing under ``PATH=/usr/bin:/bin``)."""
    astray = {p: c for p, c in lacking.items() if off_path(p)}
    absent = {p: c for p, c in lacking.items() if p not in astray}
    parts = [f"this host does not have {said(absent, len(lacking))}"] if absent else []
    if astray:
        where = " and ".join(_in_order({str(off_path(p)) for p in astray}))
        verb = "is" if len(astray) == 1 else "are"
        parts.append(
            f"{said(astray, len(lacking), packages=False)}, {verb} not on PATH"
            f" ({'it is' if len(astray) == 1 else 'they are'} in {where}, which PATH lacks)"
        )
    return "; ".join(parts)


def _hint(lacking: dict[str, Command]) -> str:
    dirs = _in_order({d for p in lacking if (d := off_path(p))})
    steps = [f"add {':'.join(dirs)} to PATH"] if dirs else []
    if any(typo_of(p) for p in lacking):
        steps.append("correct what is mistyped")
    if any(not off_path(p) and not typo_of(p) for p in lacking):
        steps.append("install what is missing")
    return ", and ".join(steps)


def stopping(lacking: dict[str, Command]) -> dict[str, Command]:
    """Of the missing programs, those up and run refuse the lab for (not one only a step
    let fail starts, or a line that goes on without it)."""
    return {p: c for p, c in lacking.items() if not _lets_fail(p, c)}


def refuse_missing(plan: Plan) -> list[str]:
    """Refuse, before anything runs, a lab whose commands start a program this host does
    not have (``ovs-vsctl``, ``brctl`` without bridge-utils): run, the step would fail
    halfway and the run roll back. Every missing program is named, with its package, or
    the directory PATH lacks. One only a step the author lets fail starts (``traceroute
    -n X || true``), or a line that goes on without it (``conntrack -L || cat
    /proc/net/nf_conntrack``, ``command -v conntrack && conntrack -L``), does not stop the
    run: it is returned, for a note."""
    if (applet := ipkind.multicall_ip()) is not None:  # (hunt EK: busybox's ip on PATH)
        raise IplabError(f"not starting: {applet}, {ipkind.lacks()}", hint=ipkind.INSTALL)
    everything = missing(plan)
    lacking = stopping(everything)
    if not lacking:
        return [
            f"{described({p: c})}; "
            + ("the author lets that step fail" if _tolerated(c) else "the line goes on without it")
            for p, c in everything.items()
        ]
    first = next(iter(lacking.values()))
    raise IplabError(
        f"not starting: {described(lacking)}",
        first.step.loc if first.step is not None else None,
        _way_out(lacking),
    )


def _way_out(lacking: dict[str, Command]) -> str:
    """The hint: what to do (install, or add a directory to PATH), and that --no-preflight
    would fail the step and roll back; not for a program a command substitution starts
    (``rm -rf $(OUT)/*``: bash runs ``rm -rf /*``, hunt N)."""
    inside = [p for p, c in lacking.items() if p in substituted(c.text)]
    if not inside:
        return (
            f"{_hint(lacking)}; --no-preflight starts anyway: that step fails, and the run"
            " rolls back"
        )
    return (
        f"{_hint(lacking)}; {', '.join(inside)} runs in a command substitution"
        " ($(...)): missing, its output is empty and bash runs the step on without it"
        " (if it is a Makefile's variable, import the commands make prints: make -n)"
    )


def _where(command: Command) -> str:
    loc = command.step.loc if command.step is not None else None
    return f" (line {loc.line})" if loc is not None and loc.line else ""
