"""The command line of a live lab: exec, shell, impair, link, capture, test.

Only argparse is imported here; each command imports what it runs.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from iplab.errors import UsageError


def _env(args: argparse.Namespace):  # type: ignore[no-untyped-def]  # lab.Env, imported late
    from iplab import statedir
    from iplab.context import make_env

    env = make_env(statedir.resolve(args.state_dir), sys.stdout, sys.stderr)
    if getattr(args, "audit_key", None):  # heads stay signed when live changes append
        env.audit.key_file = args.audit_key
    return env


def cmd_exec(args: argparse.Namespace) -> int:
    from iplab import live

    argv = list(args.argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    return live.exec_in(_env(args), args.lab, args.netns, argv)


def cmd_shell(args: argparse.Namespace) -> int:
    from iplab import live

    return live.shell(_env(args), args.lab, args.netns)


def cmd_impair(args: argparse.Namespace) -> int:
    from iplab import live, tc

    values = {f: getattr(args, f) for f in tc.FIELDS if getattr(args, f) is not None}
    if args.clear and values:
        raise UsageError("--clear takes no other impairment")
    wanted = None if args.clear else tc.impairment(values)
    return live.impair(_env(args), args.lab, args.link, wanted, dry_run=args.dry_run)


def cmd_link(args: argparse.Namespace) -> int:
    from iplab import live

    return live.set_link(_env(args), args.lab, args.link, args.state == "up")


def cmd_capture(args: argparse.Namespace) -> int:
    from iplab import live

    if args.count is not None and args.count < 1:
        raise UsageError("-c/--count: give a number of packets from 1")
    if args.duration is not None and args.duration <= 0:
        raise UsageError("--duration: give a number of seconds above 0")
    return live.capture(
        _env(args), args.lab, args.link, write=args.write, count=args.count,
        duration=args.duration, extra=shlex.split(args.filter or ""),
    )  # fmt: skip


def cmd_test(args: argparse.Namespace) -> int:
    from iplab import matrix

    return matrix.run(
        _env(args), args.lab, junit=args.junit, as_json=args.json, wait=args.wait,
        everything=args.all,
    )  # fmt: skip


def add_parsers(sub: argparse._SubParsersAction, state: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "exec", parents=[state], help="run one command inside a namespace of a lab (audited)"
    )
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("netns", metavar="NS", help="one of the lab's namespaces")
    p.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD ...", help="the command")
    p.set_defaults(handler=cmd_exec)

    p = sub.add_parser(
        "shell", parents=[state], help="an interactive shell in a namespace of a lab"
    )
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("netns", metavar="NS", help="one of the lab's namespaces")
    p.set_defaults(handler=cmd_shell)

    p = sub.add_parser(
        "impair", parents=[state],
        help="delay, jitter, lose, shape, duplicate or corrupt a link's packets (tc netem)",
    )  # fmt: skip
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("link", metavar="LINK", help="NS:IFNAME, or a link name unique in the lab")
    p.add_argument("--delay", help="added to every packet leaving the link: 50ms, 200us, 1s")
    p.add_argument("--jitter", help="the delay varies by up to this much: 5ms (needs --delay)")
    p.add_argument("--loss", help="packets dropped: 1%%, 0.5%%")
    p.add_argument("--rate", help="the link's rate: 10mbit, 512kbit (alone: tbf; else netem)")
    p.add_argument("--duplicate", help="packets sent twice: 1%%")
    p.add_argument("--corrupt", help="packets with one bit flipped: 0.1%%")
    p.add_argument("--clear", action="store_true", help="remove the link's impairment")
    p.add_argument("--dry-run", action="store_true", help="print the tc line, run nothing")
    p.set_defaults(handler=cmd_impair)

    p = sub.add_parser("link", parents=[state], help="set a link of a lab down or up (journaled)")
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("link", metavar="LINK", help="NS:IFNAME, or a link name unique in the lab")
    p.add_argument("state", choices=["down", "up"])
    p.set_defaults(handler=cmd_link)

    p = sub.add_parser(
        "capture", parents=[state], help="capture a link's packets with tcpdump, in its namespace"
    )
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("link", metavar="LINK", help="NS:IFNAME, or a link name unique in the lab")
    p.add_argument("-w", "--write", type=Path, metavar="FILE", help="write a pcap file")
    p.add_argument("-c", "--count", type=int, metavar="N", help="stop after N packets")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    p.add_argument("--filter", metavar="EXPR", help="a tcpdump filter: 'icmp', 'port 80'")
    p.set_defaults(handler=cmd_capture)

    p = sub.add_parser(
        "test", parents=[state],
        help="ping every pair of a lab's addresses (or the scenario's probes): a matrix",
    )  # fmt: skip
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("--junit", type=Path, metavar="FILE.xml", help="write a JUnit XML report")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--wait", type=int, default=1, metavar="S", help="ping's wait per probe (1)")
    p.add_argument(
        "--all", action="store_true",
        help="every pair even when the scenario lists its own (those keep their expectation)",
    )  # fmt: skip
    p.set_defaults(handler=cmd_test)
