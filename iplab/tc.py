"""Impairments of a link (Linux ``tc``): typed values, exact lines, and ``tc -j`` read back.

Pure functions only. An :class:`Impairment` holds typed values (seconds,
fractions, bits per second); it is parsed from what a user writes (``50ms``,
``1%``, ``10mbit``), rendered into one exact ``tc qdisc`` line through the
templates ``tc-netem.j2`` / ``tc-tbf.j2`` / ``tc-clear.j2``, parsed back from
such a line (the journal keeps lines), and read from ``tc -j qdisc show``.

A rate alone shapes with ``tbf`` (built into most kernels); anything else, a
rate included, goes to ``netem`` (delay, jitter, loss, duplicate, corrupt, rate).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from iplab import tcwords
from iplab.errors import IplabError, Location, ParseError
from iplab.records import Record, frozen
from iplab.verify import Difference

FIELDS = ("delay", "jitter", "loss", "rate", "duplicate", "corrupt")
#: the root qdiscs iplab sets (an impairment): netem, and tbf for a rate alone
IMPAIRING = ("netem", "tbf")
#: what tc prints when the kernel has no such qdisc (netem is a module, often not loaded)
UNKNOWN_KIND = "Specified qdisc kind is unknown"

_NUMBER = r"(\d+(?:\.\d+)?)"
_TIME = re.compile(_NUMBER + r"(us|usec|ms|msec|s|sec|secs)?")
_PERCENT = re.compile(_NUMBER + r"%")
_RATE = re.compile(_NUMBER + r"(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)", re.IGNORECASE)
_TIME_UNIT = {"us": 1e-6, "usec": 1e-6, "ms": 1e-3, "msec": 1e-3, "s": 1.0, "sec": 1.0,
              "secs": 1.0}  # fmt: skip
_RATE_UNIT = {"bit": 1, "kbit": 10**3, "mbit": 10**6, "gbit": 10**9,
              "bps": 8, "kbps": 8 * 10**3, "mbps": 8 * 10**6, "gbps": 8 * 10**9}  # fmt: skip
#: tbf needs a bucket (bytes) and a queue bound (time): at least one full frame, else
#: 10 ms of traffic; a queue of 50 ms
TBF_MIN_BURST = 1600
TBF_LATENCY = "50ms"


class ImpairmentError(IplabError):
    """A value of an impairment cannot be read."""

    exit_code = 2


def parse_time(text: str, loc: Location | None = None) -> float:
    """``50ms`` -> 0.05 (seconds). A unit is required: tc reads a bare number as microseconds,
    which surprises more than it helps."""
    match = _TIME.fullmatch(text.strip())
    if not match or match.group(2) is None:
        raise ImpairmentError(f"{text!r} is not a time: write it with a unit (50ms, 200us, 1s)",
                              loc)  # fmt: skip
    return float(match.group(1)) * _TIME_UNIT[match.group(2)]


def parse_percent(text: str, loc: Location | None = None) -> float:
    """``1%`` -> 0.01."""
    match = _PERCENT.fullmatch(text.strip())
    if not match or float(match.group(1)) > 100:
        raise ImpairmentError(f"{text!r} is not a percentage from 0% to 100% (write 1%, 0.5%)",
                              loc)  # fmt: skip
    return float(match.group(1)) / 100


def parse_rate(text: str, loc: Location | None = None) -> int:
    """``10mbit`` -> 10000000 (bits per second); ``bps`` units are bytes per second, as in tc."""
    match = _RATE.fullmatch(text.strip())
    value = float(match.group(1)) * _RATE_UNIT[match.group(2).lower()] if match else 0
    if value < 8:
        raise ImpairmentError(f"{text!r} is not a rate (write 10mbit, 512kbit, 1gbit)", loc)
    return round(value)


def format_time(seconds: float) -> str:
    us = round(seconds * 1e6, 3)
    if us < 1000 or us % 1000:
        return f"{us:g}us"
    return f"{us / 1000:g}ms"


def format_percent(fraction: float) -> str:
    return f"{fraction * 100:.6g}%"


def format_rate(bits: int) -> str:
    for unit, scale in (("gbit", 10**9), ("mbit", 10**6), ("kbit", 10**3)):
        if bits % scale == 0:
            return f"{bits // scale}{unit}"
    return f"{bits}bit"


@frozen
class Impairment(Record):
    """What is done to the packets leaving one link. None: not impaired that way."""

    delay: float | None = None  # seconds
    jitter: float | None = None  # seconds
    loss: float | None = None  # fraction
    rate: int | None = None  # bits per second
    duplicate: float | None = None  # fraction
    corrupt: float | None = None  # fraction

    @property
    def kind(self) -> str:
        """The qdisc that does it: tbf for a rate alone, netem for anything else."""
        alone = all(getattr(self, f) is None for f in FIELDS if f != "rate")
        return "tbf" if alone and self.rate is not None else "netem"

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in FIELDS)

    def words(self) -> dict[str, str]:
        """Each set field as tc writes it (50ms, 1%, 10mbit)."""
        out: dict[str, str] = {}
        for f in FIELDS:
            value = getattr(self, f)
            if value is None:
                continue
            if f in ("delay", "jitter"):
                out[f] = format_time(value)
            elif f == "rate":
                out[f] = format_rate(value)
            else:
                out[f] = format_percent(value)
        return out

    def describe(self) -> str:
        return " ".join(f"{k} {v}" for k, v in self.words().items()) or "none"

    def to_json(self) -> dict[str, Any]:
        return {"qdisc": self.kind, **self.words()}

    def template(self) -> tuple[str, dict[str, Any]]:
        """The template that renders this impairment's ``tc qdisc replace`` line, and its
        variables (besides ``dev``)."""
        words = self.words()
        if self.kind == "tbf":
            assert self.rate is not None
            burst = max(TBF_MIN_BURST, self.rate // 8 // 100)
            return "tc-tbf.j2", {"rate": words["rate"], "burst": burst, "latency": TBF_LATENCY}
        return "tc-netem.j2", {f: words.get(f) for f in FIELDS}


def impairment(
    values: Mapping[str, Any], loc: Location | None = None,
    field_locs: Mapping[str, Location] | None = None,
) -> Impairment:  # fmt: skip
    """An impairment from what a user wrote (CLI options or a scenario mapping); an error
    names ``field_locs[key]`` (else ``loc`` and the key)."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        where = loc.at(unknown[0]) if loc else None
        raise ImpairmentError(
            f"unknown impairment {unknown[0]!r} (known: {', '.join(FIELDS)})", where
        )
    typed: dict[str, Any] = {}
    for key, raw in values.items():
        if raw is None:
            continue
        where = (field_locs or {}).get(key) or (loc.at(key) if loc else None)
        text = str(raw)
        if key in ("delay", "jitter"):
            typed[key] = parse_time(text, where)
        elif key == "rate":
            typed[key] = parse_rate(text, where)
        else:
            typed[key] = parse_percent(text, where)
    result = Impairment(**typed)
    if result.jitter is not None and result.delay is None:
        raise ImpairmentError("a jitter needs a delay (netem varies the delay)",
                              loc.at("jitter") if loc else None)  # fmt: skip
    if result.is_empty():
        raise ImpairmentError(
            "no impairment given", loc, hint="give any of delay, jitter, loss, rate, duplicate, "
            "corrupt (or clear it)"
        )  # fmt: skip
    return result


#: words of a ``tc qdisc`` line before the kind that take a value (``handle 1:``)
_QDISC_VALUED = frozenset({"dev", "handle", "parent", "estimator", "stab"})


def parse_line(words: Sequence[str]) -> tuple[str, Impairment | None] | None:
    """A ``tc qdisc`` line setting or deleting a link's root qdisc -> (dev, the impairment
    it sets, or None when it leaves none: deleted, or replaced by a qdisc iplab does not
    set such as ``htb``); None when the line is not one of those (or sets a netem iplab
    cannot read). Its words are read as tc reads them (:func:`iplab.tcwords.read`: ``tc q
    r ...`` is ``tc qdisc replace``); ``dev``, ``root`` and ``handle H`` come in any order
    before the kind (hunt L: ``tc qdisc replace dev c0 root handle 1: htb default 20`` was
    passed over, so the tbf it replaced was still expected)."""
    line = tcwords.read(words)
    if line is None or line.obj != "qdisc" or line.verb is None:
        return None
    w = ["tc", "qdisc", line.verb, *line.args]
    if len(w) < 3:
        return None
    verb, dev, root, i = w[2], None, False, 3
    while i < len(w) and (w[i] == "root" or w[i] in _QDISC_VALUED):
        if w[i] == "root":
            root, i = True, i + 1
            continue
        if w[i] in ("parent", "estimator", "stab") or i + 1 >= len(w):
            return None  # not the root qdisc, or a form iplab does not read
        if w[i] == "dev":
            dev = w[i + 1]
        i += 2
    if dev is None or not root:
        return None
    rest = w[i:]
    if verb in ("del", "delete"):
        return dev, None
    if verb not in ("replace", "add", "change") or not rest:
        return None
    return _qdisc(dev, rest[0], rest[1:])


def _qdisc(dev: str, kind: str, args: list[str]) -> tuple[str, Impairment | None] | None:
    try:
        if kind == "tbf":
            at = args.index("rate") if "rate" in args else -1
            return (
                (dev, Impairment(rate=parse_rate(args[at + 1])))
                if 0 <= at < len(args) - 1
                else None
            )
        if kind == "netem":
            return dev, _netem_args(args)
    except ImpairmentError:
        return None
    return dev, None  # a root qdisc iplab does not set: no impairment left


def _netem_args(args: list[str]) -> Impairment:
    values: dict[str, Any] = {}
    i = 0
    while i < len(args):
        key = args[i]
        if key == "delay" and i + 1 < len(args):
            values["delay"] = parse_time(args[i + 1])
            i += 2
            if i < len(args) and _TIME.fullmatch(args[i]):
                values["jitter"] = parse_time(args[i])
                i += 1
        elif key in ("loss", "duplicate", "corrupt") and i + 1 < len(args):
            values[key] = parse_percent(args[i + 1])
            i += 2
        elif key == "rate" and i + 1 < len(args):
            values["rate"] = parse_rate(args[i + 1])
            i += 2
        else:
            raise ImpairmentError(f"netem option {key!r} is not one iplab writes")
    return Impairment(**values)


# -- tc -j qdisc show ---------------------------------------------------------------------------


@frozen
class Qdisc(Record):
    """One entry of ``tc -j qdisc show``."""

    kind: str
    handle: str
    dev: str | None
    root: bool
    parent: str | None
    options: dict[str, Any]

    @property
    def default(self) -> bool:
        """The qdisc the kernel gives a link by itself (handle 0: noqueue, pfifo_fast, mq)."""
        return self.handle == "0:"

    def impairment(self) -> Impairment | None:
        """What this qdisc does, when it is one iplab sets (netem, tbf); else None."""
        o = self.options
        if self.kind == "tbf":
            return Impairment(rate=_int(o, "rate", self) * 8)
        if self.kind != "netem":
            return None
        values: dict[str, Any] = {}
        delay = _object(o, "delay", self)
        if delay is not None:
            if _num(delay, "delay", self) > 0:
                values["delay"] = _num(delay, "delay", self)
            if float(delay.get("jitter") or 0) > 0:
                values["jitter"] = _num(delay, "jitter", self)
        for key, json_key in (("loss", "loss-random"), ("duplicate", "duplicate"),
                              ("corrupt", "corrupt")):  # fmt: skip
            block = _object(o, json_key, self)
            if block is not None and _num(block, key, self) > 0:
                values[key] = _num(block, key, self)
        rate = _object(o, "rate", self)
        if rate is not None and _int(rate, "rate", self) > 0:
            values["rate"] = _int(rate, "rate", self) * 8
        return Impairment(**values)


def _num(data: Mapping[str, Any], key: str, q: Qdisc) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParseError(f"tc -j qdisc show: {q.kind} on {q.dev}: {key} is not a number: {value!r}")
    return float(value)


def _int(data: Mapping[str, Any], key: str, q: Qdisc) -> int:
    return round(_num(data, key, q))


def _object(data: Mapping[str, Any], key: str, q: Qdisc) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ParseError(f"tc -j qdisc show: {q.kind} on {q.dev}: {key} is not an object")
    return value


def parse_qdiscs(data: Any, dev: str | None = None, where: str = "tc -j qdisc show") -> list[Qdisc]:
    """``tc -j qdisc show [dev X]`` parsed (``dev`` names the link when tc leaves it out)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ParseError(f"{where}: expected a JSON list, got {type(data).__name__}")
    out = []
    for n, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise ParseError(f"{where}: entry {n} has no kind")
        options = entry.get("options", {})
        options = {} if options is None else options
        if not isinstance(options, dict):
            raise ParseError(f"{where}: entry {n} ({entry['kind']}): options is not an object")
        out.append(
            Qdisc(
                kind=entry["kind"],
                handle=str(entry.get("handle", "")),
                dev=str(entry["dev"]) if "dev" in entry else dev,
                root=bool(entry.get("root", False)),
                parent=str(entry["parent"]) if "parent" in entry else None,
                options=options,
            )
        )
    return out


def root_qdiscs(qdiscs: Sequence[Qdisc]) -> dict[str, Qdisc]:
    """The root qdisc of each link, by link name."""
    return {q.dev: q for q in qdiscs if q.root and q.dev is not None}


def differences(want: Impairment | None, got: Qdisc | None, dev: str) -> list[Difference]:
    """How the root qdisc of ``dev`` differs from what was asked (None: nothing asked)."""
    if want is None:
        if got is not None and not got.default and got.kind in IMPAIRING:
            return [Difference(dev, "qdisc", "none", f"{got.kind} {_describe(got)}")]
        return []
    if got is None or got.kind != want.kind:
        found = "none" if got is None or got.default else f"{got.kind} {_describe(got)}"
        return [Difference(dev, "qdisc", f"{want.kind} {want.describe()}", found)]
    seen = got.impairment()
    assert seen is not None
    out = []
    for f in fields(Impairment):
        a, b = getattr(want, f.name), getattr(seen, f.name)
        if (a is None) != (b is None) or (a is not None and not _close(f.name, a, b)):
            shown = Impairment(**{f.name: b}).words().get(f.name, "none") if b else "none"
            expected = want.words()[f.name] if a is not None else "none"
            out.append(Difference(dev, f.name, expected, shown))
    return out


def _describe(q: Qdisc) -> str:
    seen = q.impairment()
    return seen.describe() if seen is not None else "not set by iplab"


def _close(name: str, a: float, b: float) -> bool:
    """tc stores times in ticks and probabilities in 1/2**32: equal within that rounding."""
    if name in ("delay", "jitter"):
        return math.isclose(a, b, rel_tol=1e-3, abs_tol=2e-6)
    if name == "rate":
        return math.isclose(a, b, rel_tol=1e-3, abs_tol=8)
    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-8)
