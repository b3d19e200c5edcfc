"""``ping [OPTIONS] TARGET`` (``ping6 ...``): the one reading of a ping's words.

The grammar's probe (:func:`iplab.ipgrammar.probe`: a ping of an address, typed) and the
model's loopback check (:func:`iplab.lodown.loopback_ping`: ``ping localhost`` in a
namespace whose lo is down) read the same words; both ask :func:`read_ping`, which says
whether the target is an address or a host's name (the probe takes only an address). A
family ping itself refuses for an address (``ping -6 127.0.0.1``, ``ping6 10.0.0.2``, ``ping
-4 ::1``: "Address family for hostname not supported", iputils 20221126) is no ping of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iplab.names import ip_problem
from iplab.records import Record, frozen
from iplab.steps import ping_options
from iplab.wrappers import program_name

#: a host's name as ping resolves one (``localhost``, ``ip6-localhost``, ``db.lab``): a
#: letter in it (``10.0.0.300`` is a mistyped address, ``$HOST`` a variable: neither)
_HOST_NAME = re.compile(r"(?=[\w.-]*[A-Za-z])\w(?:[\w.-]*\w)?", re.ASCII)


@frozen(kw_only=True)
class Ping(Record):
    """What ``ping [OPTIONS] TARGET`` says: its program's name (``ping`` or ``ping6``),
    its options as written, their count, wait and family (:func:`iplab.steps.ping_options`),
    and its target, an address or (``named``) a host's name."""

    program: str
    options: tuple[str, ...]
    count: int | None
    wait: int | None
    family: int | None
    target: str
    #: the target is a host's name (``localhost``), not an address
    named: bool


def read_ping(argv: Sequence[str]) -> Ping | None:
    """The ping ``argv`` runs (its program ``ping`` or ``ping6``, a path's too:
    ``/bin/ping``), or None: another program, options a probe does not read
    (:func:`~iplab.steps.ping_options`), a target neither an address nor a host's name,
    or an address of a family its options or program exclude (ping refuses it)."""
    if len(argv) < 2 or (program := program_name(argv[0])) not in ("ping", "ping6"):
        return None
    options, target = tuple(argv[1:-1]), argv[-1]
    try:
        count, wait, family = ping_options(list(options))
    except ValueError:
        return None
    if program == "ping6" and family == 4:
        return None  # (ping6 is ping -6: "only one -4 or -6 option may be specified")
    named = ip_problem(target) is not None
    if named and not _HOST_NAME.fullmatch(target):
        return None
    if not named:
        six = ":" in target
        if (program == "ping6" or family == 6) and not six:
            return None  # (ping -6 10.0.0.2: "Address family for hostname not supported")
        if family == 4 and six:
            return None
    return Ping(
        program=program, options=options, count=count, wait=wait, family=family,
        target=target, named=named,
    )  # fmt: skip
