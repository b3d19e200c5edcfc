"""``iplab exec``, ``shell``, ``impair``, ``link``, ``capture``, ``test``: a live lab.

Each command imports what it runs.
"""

from __future__ import annotations

import argparse
import shlex
import sys

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
