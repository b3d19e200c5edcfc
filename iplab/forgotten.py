"""The host's rules a rehearsal's teardown forgot: the firewall and policy rules
(``iptables -A``, ``ip rule add``, ``nft add table``) a raw step of the setup added, whose
journaled undo the tutorial's own cleanup did not run.

``iplab run`` reads what is left of the lab's namespaces and links after the tutorial's
cleanup; a rule lives in neither (hunt E: the cleanup forgot its ``OUTPUT`` DNAT rule, and
the run said "nothing of the lab remains" while ``iptables -t nat -S`` still showed it).
:func:`put_back` runs the undo of each such rule the host still holds, and says it.
"""

from __future__ import annotations

from collections.abc import Sequence

from iplab.context import Env
from iplab.journal import Entry, Journal, UndoRecord
from iplab.steps import Raw
from iplab.words import plain_words, strip_sudo
from iplab.wrappers import program_name

__all__ = ["put_back"]

_IPTABLES = frozenset({"iptables", "ip6tables"})


def _words(text: str) -> tuple[str, ...] | None:
    """A command's words without ``sudo`` (None: shell syntax)."""
    argv = plain_words(text)
    if not argv:
        return None
    return strip_sudo(tuple(argv)) if program_name(argv[0]) == "sudo" else tuple(argv)


def _deletes_a_host_rule(argv: Sequence[str]) -> bool:
    """The undos iplab knows from the words of a rule's command (:func:`iplab.words.
    known_undo`): ``iptables``/``ip6tables`` ``-D``/``-X``, ``ip [-4|-6] rule del``, ``nft
    delete table`` (none with ``-n NS``: those go with their namespace)."""
    if not argv:
        return False
    if program_name(argv[0]) in _IPTABLES:
        return "-D" in argv or "-X" in argv
    if program_name(argv[0]) == "nft":
        return list(argv[1:3]) == ["delete", "table"]
    rest = [w for w in argv[1:] if w not in ("-4", "-6")]
    return (
        program_name(argv[0]) == "ip"
        and rest[:1] in (["rule"], ["ru"], ["rul"])
        and rest[1:2] == ["del"]
    )


def _check(argv: Sequence[str]) -> tuple[str, ...] | None:
    """What reads whether the rule an ``iptables -D`` deletes is there (``-C``, exit 0
    when it is); None for the other undos (they run, and a failure is said)."""
    if program_name(argv[0]) not in _IPTABLES or "-D" not in argv:
        return None
    at = list(argv).index("-D")
    return (*argv[:at], "-C", *argv[at + 1 :])


def forgotten(entries: Sequence[Entry]) -> list[tuple[Entry, UndoRecord]]:
    """The setup's raw steps that added a host rule and are done, with their undo, last
    first, less those whose undo the teardown ran and that worked."""
    ran = {
        words
        for e in entries
        if e.phase == "teardown" and e.status == "done" and (words := _words(e.text))
    }
    out: list[tuple[Entry, UndoRecord]] = []
    for entry in reversed(entries):
        if entry.phase != "setup" or entry.status != "done" or not isinstance(entry.op, Raw):
            continue
        for record in entry.undo:
            if not isinstance(record.op, Raw):
                continue
            words = _words(record.op.command)
            if words and _deletes_a_host_rule(words) and words not in ran:
                out.append((entry, record))
    return out


def put_back(env: Env, journal: Journal) -> list[tuple[str, bool]]:
    """Undo the host rules the teardown forgot (:func:`forgotten`) that the host still
    holds: each said, with whether its undo worked."""
    from iplab.undo import lab_renderer

    due = forgotten(journal.entries())
    if not due:
        return []
    render = lab_renderer(env, journal.info())
    said: list[tuple[str, bool]] = []
    undone: list[Entry] = []
    for entry, record in due:
        command = render.command(record.op, record.sudo)
        check = _check(command.argv)
        if check is not None:
            rc, _, _ = env.runner.query(check, command.privileged, " ".join(check))
            if rc != 0:  # gone already (the cleanup deleted it another way)
                undone.append(entry)
                continue
        meta = {"step": entry.number, "phase": "undo", "kind": "undo", "text": command.text}
        result = env.runner.execute(command.argv, command.privileged, meta=meta)
        if result.ok:
            undone.append(entry)
            said.append((f"`{entry.text}` (step {entry.number}): undone from the journal", True))
        else:
            why = (result.stderr.strip() or f"exit {result.rc}").splitlines()[-1]
            said.append((f"`{entry.text}` (step {entry.number}): `{command.text}`: {why}", False))
    journal.mark_undone(undone)
    return said
