"""A count said with its noun: ``1 step``, ``2 steps``, ``1 process``, ``3 processes``.

Hunt BD #5: messages printed ``1 namespaces``, ``1 steps``, ``1 links``, each f-string
with its own ``{n} steps`` (or ``step(s)``, or ``'s' * (n > 1)``).
"""

from __future__ import annotations

#: nouns whose plural is not the noun and an ``s``
_IRREGULAR = {"process": "processes", "address": "addresses", "is": "are", "was": "were"}


def plural(n: int, noun: str) -> str:
    """``noun`` as said of ``n`` things (``step``, ``steps``), without the count."""
    if n == 1:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"  # (an entry, two entries; a key, two keys)
    return noun + "s"


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun`` as said of ``n`` things: ``1 step``, ``0 steps``, ``2 steps``."""
    return f"{n} {plural(n, noun)}"
