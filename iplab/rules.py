"""The policy rules a scenario adds, read back from the kernel and compared (hunt CV).

The model holds each namespace's rules (:mod:`iplab.rulewords`); verify compares those the
lab added (its priority, selector and table or action) with ``ip -j rule``: there, at that
priority. A rule of words it does not compare, or one a line it cannot read may have
deleted, is not compared: the verdict says "ip rules of X not compared". Rules the lab did
not add (the host's, the kernel's own) are not compared.

Read with one bash process: ``ip -j -4 rule`` and ``ip -j -6 rule`` in each namespace where
the lab added one, nothing at all for a lab that adds none (a star of 500 reads nothing more).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from iplab.iproute import Shell, json_sections, read_in_each
from iplab.names import ns_short
from iplab.rulewords import Selector, from_json, text, written_rules
from iplab.state import State
from iplab.verify import Difference, DifferenceKind

SCRIPT = r"""
for ns in "$@"; do
  if [ "$ns" = "-" ]; then n=; else n="-n $ns"; fi
  run rule4 "$ns" ip $n -j -4 rule show
  run rule6 "$ns" ip $n -j -6 rule show
done
"""

#: what was read: namespace -> family -> [(priority, attributes)]
Found = Mapping[str, Mapping[int, Sequence[tuple[int, Selector]]]]


def read_rules(
    shell: Shell, namespaces: Sequence[str]
) -> dict[str, dict[int, list[tuple[int, Selector]]]]:
    """The rules of each of ``namespaces``; a namespace gone is absent. Nothing runs for none."""
    if not namespaces:
        return {}
    return parse_rules(read_in_each(shell, SCRIPT, namespaces, "rules"))


def parse_rules(text_: str) -> dict[str, dict[int, list[tuple[int, Selector]]]]:
    """The script's output: each namespace's rules by family (``-``: the root's)."""
    out: dict[str, dict[int, list[tuple[int, Selector]]]] = {}
    for kind, ns, entries in json_sections(text_, ("rule4", "rule6"), "ip -j rule show"):
        rules = [from_json(e) for e in entries if isinstance(e, dict)]
        family = 4 if kind == "rule4" else 6
        out.setdefault(ns, {})[family] = [r for r in rules if r]
    return out


#: where ip reads the names of its tables (``echo "200 isp2" >> /etc/iproute2/rt_tables``)
TABLE_FILES = ("/usr/share/iproute2/rt_tables", "/etc/iproute2/rt_tables")


def table_numbers(files: Sequence[str] = TABLE_FILES) -> dict[str, str]:
    """The names ip gives tables -> their numbers (``isp2`` -> ``200``): a page writes
    ``table isp2`` and ip shows ``200`` (or the other way round)."""
    out = {"main": "254", "local": "255", "default": "253", "unspec": "0"}
    for path in files:
        try:
            lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            words = line.split("#", 1)[0].split()
            if len(words) >= 2 and words[0].isdigit():
                out[words[1]] = words[0]
    return out


def same_rule(a: Selector, b: Selector, numbers: Mapping[str, str]) -> bool:
    """The same attributes, a table named or numbered (``isp2``, ``200``: ``numbers``)."""

    def table(s: Selector) -> Selector:
        return tuple((k, numbers.get(v, v) if k == "table" else v) for k, v in s)

    return a == b or table(a) == table(b)


def differences(
    expected: State, observed: State, found: Found, numbers: Mapping[str, str] | None = None
) -> list[Difference]:
    """Each rule the lab added that the kernel does not hold as added."""
    out: list[Difference] = []
    known = table_numbers() if numbers is None else numbers
    for ns, wanted in written_rules(expected).items():
        if ns not in found or ns not in observed.namespaces:
            continue  # (the namespace is gone: verify says so)
        for family, pref, selector in wanted:
            held = found[ns].get(family, ())
            if any(same_rule(s, selector, known) and pref in (None, p) for p, s in held):
                continue
            there = [p for p, s in held if same_rule(s, selector, known)]
            at = [text(p, s) for p, s in held if p == pref]
            shown = f"at pref {there[0]}" if there else (at[0] if at else "none")
            out.append(
                Difference(f"rule {text(pref, selector)}@{ns_short(ns)}", "exists",
                           "yes", shown, kind=DifferenceKind.RULE, namespace=ns)
            )  # fmt: skip
    return out


def promised(expected: State) -> list[str]:
    """The namespaces whose rules verify compares (reads)."""
    return sorted(written_rules(expected))


__all__ = ["differences", "parse_rules", "promised", "read_rules", "same_rule"]
