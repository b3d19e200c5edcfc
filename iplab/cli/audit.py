"""``iplab audit``: show the audit log (a table, JSON lines, a script) or verify its chain."""

from __future__ import annotations

import argparse
import json
import sys


def cmd_audit(args: argparse.Namespace) -> int:
    from iplab import audit, statedir

    log = audit.AuditLog(statedir.resolve(args.state_dir), args.audit_key)
    if args.action == "verify":
        ok, message = log.verify(args.head)
        print(
            f"audit log {log.path}: {message}" if ok else f"audit log {log.path}: BROKEN: {message}"
        )
        return 0 if ok else 1
    since = audit.parse_since(args.since) if args.since else None
    keep = audit.Filter(lab=args.lab, run=args.run, since=since, failed=args.failed)
    every = list(log.read())
    records = [r for r in every if keep.keep(r)]
    if args.lab and not any(r.get("lab") == args.lab for r in every):
        _no_such_lab(args.lab, every, log.path)
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif args.script:
        sys.stdout.write(audit.replay_script(records))
    else:
        sys.stdout.write(audit.table(records))
    return 0


def _no_such_lab(lab: str, records: list[dict[str, object]], path: object) -> None:
    """``--lab`` names no lab of the log (a slip, a lab of another state directory): said on
    stderr with the closest names, where the table alone was empty (hunt AX)."""
    import difflib

    labs = sorted({str(r["lab"]) for r in records if r.get("lab")})
    close = difflib.get_close_matches(lab, labs, n=3, cutoff=0.6)
    which = (
        f"did you mean {', '.join(close)}?"
        if close
        else f"{len(labs)} lab{'' if len(labs) == 1 else 's'} in it"
    )
    sys.stderr.write(f"iplab: note: the audit log {path} has no record of lab {lab} ({which})\n")
