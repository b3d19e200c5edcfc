"""The corpus figures: ``python3 -m tests.corpus_report``.

For each tutorial of ``tests/fixtures/tutorials``: the lines ``iplab render`` prints,
whether they are the tutorial's own lines exactly, and the commands the model sees
(a loop counts once per iteration): typed, raw reads, raw with effects, raw unknown.
"""

from __future__ import annotations

import sys

from tests.corpus import figures, tutorials


def report() -> str:
    rows = [figures(path) for path in tutorials()]
    out = [
        f"{'tutorial':<32} {'lines':>5} {'exact':>5} {'cmds':>5} {'typed':>5}"
        f" {'reads':>5} {'effects':>7} {'unknown':>7} model"
    ]
    for f in rows:
        verdict = "OK" if f.model_ok else "refuses"
        out.append(
            f"{f.name:<32} {f.lines:>5} {'yes' if f.exact else 'NO':>5} {f.commands:>5}"
            f" {f.typed:>5} {f.raw_reads:>5} {f.raw_effects:>7} {f.raw_unknown:>7} {verdict}"
        )
    commands = sum(f.commands for f in rows)
    typed = sum(f.typed for f in rows)
    reads = sum(f.raw_reads for f in rows)
    effects = sum(f.raw_effects for f in rows)
    unknown = sum(f.raw_unknown for f in rows)

    def pct(n: int) -> str:
        return f"{100 * n / commands:.1f} %" if commands else "-"

    out += [
        "",
        f"tutorials: {len(rows)}; import and print back exactly: {sum(f.exact for f in rows)};"
        f" the model accepts: {sum(f.model_ok for f in rows)}",
        f"lines printed: {sum(f.lines for f in rows)}; commands the model sees: {commands}",
        f"typed: {typed} ({pct(typed)}); raw reads: {reads} ({pct(reads)});"
        f" raw with effects: {effects} ({pct(effects)});"
        f" raw unknown: {unknown} ({pct(unknown)})",
    ]
    return "\n".join(out) + "\n"


def main() -> int:
    sys.stdout.write(report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
