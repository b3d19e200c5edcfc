"""A setup script's partner: the cleanup script beside it (hunt EW).

Many repositories ship a lab as two scripts, ``setup.sh`` and ``teardown.sh`` (envoy's
``netns_setup.sh`` and ``netns_cleanup.sh``, ``setup-namespaces.sh`` and
``teardown-namespaces.sh``). ``iplab import SETUP --cleanup FILE`` reads both; imported
alone, the setup's summary names the file beside it that looks like its cleanup, as a hint
(never taken unasked: the user says which file undoes which).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: a word of a setup script's name, and the words its cleanup's name has in its place
_PARTNERS: dict[str, tuple[str, ...]] = {
    "setup": ("teardown", "cleanup", "clean", "destroy", "down", "delete", "remove", "reset"),
    "create": ("destroy", "delete", "remove", "teardown", "cleanup", "clean"),
    "up": ("down",),
    "start": ("stop",),
    "add": ("del", "delete", "remove"),
    "init": ("cleanup", "clean", "teardown", "destroy"),
}


def partner(name: str, beside: Iterable[str]) -> str | None:
    """The name among ``beside`` (the files of ``name``'s folder) of the cleanup script of
    the setup script ``name``: a word of its name (``setup``, ``create``, ``up``, ``start``,
    ``add``, ``init``, between separators or at an end) replaced by one of its cleanup words
    (``teardown``, ``cleanup``, ``destroy``, ``down``...), as written in either case
    (``netns_setup.sh`` -> ``netns_cleanup.sh``, ``Setup.sh`` -> ``Teardown.sh``); None when
    no such file is there."""
    there = set(beside)
    for word, others in _PARTNERS.items():
        for found in re.finditer(rf"(?<![A-Za-z0-9]){word}(?![a-z0-9])", name, re.I):
            written = found[0]
            for other in others:
                cased = other.upper() if written.isupper() else other
                if written[0].isupper() and not written.isupper():
                    cased = other.capitalize()
                candidate = name[: found.start()] + cased + name[found.end() :]
                if candidate != name and candidate in there:
                    return candidate
    return None
