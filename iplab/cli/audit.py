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
    records = [r for r in log.read() if keep.keep(r)]
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif args.script:
        sys.stdout.write(audit.replay_script(records))
    else:
        sys.stdout.write(audit.table(records))
    return 0
