"""iplab/records.py: a frozen record behaves as a frozen dataclass does (the generated
methods it replaces are written once, #14), checked side by side with the stdlib's; so does
a ``hot`` one (its ``__init__`` the stdlib's frozen one)."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import pickle
import sys
from dataclasses import dataclass, field

import pytest

from iplab.records import Record, frozen, mutable


@frozen
class Pair(Record):
    name: str
    peer: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False, repr=False)


@frozen(hot=True)
class HotPair(Record):
    name: str
    peer: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class StdPair:
    name: str
    peer: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False, repr=False)


@frozen(kw_only=True)
class Base(Record):
    ns: str | None = None


@frozen(kw_only=True)
class Child(Base):
    dev: str
    made: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "made", [*self.made, self.dev])


def test_equality_hash_and_repr_are_those_of_a_frozen_dataclass() -> None:
    for a, b, c in (
        (Pair("v1", "v2", ("x",)), Pair("v1", "v2", ("y",)), Pair("v1")),
        (HotPair("v1", "v2", ("x",)), HotPair("v1", "v2", ("y",)), HotPair("v1")),
        (StdPair("v1", "v2", ("x",)), StdPair("v1", "v2", ("y",)), StdPair("v1")),
    ):
        assert a == b  # (notes are not compared)
        assert hash(a) == hash(b)
        assert a != c
        assert len({a, b, c}) == 2
    assert repr(Pair("v1", "v2", ("x",))) == "Pair(name='v1', peer='v2')"
    assert repr(StdPair("v1", "v2", ("x",))) == "StdPair(name='v1', peer='v2')"
    assert repr(HotPair("v1", "v2", ("x",))) == "HotPair(name='v1', peer='v2')"
    assert HotPair("v1") != Pair("v1")
    assert Pair("v1") != StdPair("v1")  # another class: never equal
    assert Pair("v1").__eq__(("v1", None)) is NotImplemented


def test_assigning_or_deleting_a_field_raises_as_a_frozen_dataclass_does() -> None:
    for value in (Pair("v1"), HotPair("v1"), StdPair("v1")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.name = "v9"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.other = 1  # type: ignore[union-attr]
        with pytest.raises(dataclasses.FrozenInstanceError):
            del value.name
        assert value.name == "v1"


def test_a_record_is_a_dataclass_for_fields_replace_pickle_and_copy() -> None:
    child = Child(dev="eth0", ns="red")
    assert child.made == ["eth0"]  # (its __post_init__ set a field through object.__setattr__)
    assert [f.name for f in dataclasses.fields(child)] == ["ns", "dev", "made"]
    moved = dataclasses.replace(child, ns="blue")
    assert (moved.ns, moved.dev) == ("blue", "eth0")
    assert pickle.loads(pickle.dumps(child)) == child
    assert copy.deepcopy(child) == child
    assert dataclasses.asdict(Pair("v1", "v2")) == {"name": "v1", "peer": "v2", "notes": ()}
    with pytest.raises(TypeError):
        Child("eth0")  # type: ignore[call-arg]  # (kw_only, as the stdlib's)


def test_a_class_that_does_not_derive_from_record_is_refused() -> None:
    class Plain:
        name: str

    with pytest.raises(TypeError, match="must derive from Record"):
        frozen(Plain)


@frozen(kw_only=True, hot=True)
class HotBase(Record):
    ns: str | None = None


@frozen(kw_only=True)
class HotChild(HotBase):
    dev: str


def test_a_hot_record_sets_its_fields_without_a_python_call_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hot record's __init__ is the stdlib's frozen one (``object.__setattr__``), not a
    call of Record.__setattr__ for each field (star-500's plan made some 190,000 of those);
    a class derived from a hot one is hot (the stdlib refuses to mix them)."""
    calls: list[str] = []

    def counting(self: Record, name: str, value: object) -> None:
        calls.append(name)
        object.__setattr__(self, name, value)

    monkeypatch.setattr(Record, "__setattr__", counting)
    blank = Pair.__new__(Pair)
    blank.name = "v1"  # type: ignore[misc]
    assert calls == ["name"]  # (the count is seen, then none for these)
    calls.clear()
    hot = HotPair("v1", "v2")
    child = HotChild(dev="eth0", ns="red")
    cold = Pair("v1", "v2")  # (nor for a record that is not hot: records._init)
    assert calls == []
    assert vars(cold) == {"name": "v1", "peer": "v2", "notes": ()}
    assert (hot.name, hot.peer, child.ns, child.dev) == ("v1", "v2", "red", "eth0")
    assert dataclasses.replace(child, ns="blue") == HotChild(dev="eth0", ns="blue")
    assert pickle.loads(pickle.dumps(child)) == child
    monkeypatch.undo()
    with pytest.raises(dataclasses.FrozenInstanceError):
        child.dev = "eth1"  # type: ignore[misc]


@frozen
class Many(Record):
    name: str
    peer: str | None = None
    made: list[str] = field(default_factory=list)
    seen: int = field(default=0, init=False)
    later: list[str] = field(default_factory=list, init=False)
    mode: str = field(default="a", kw_only=True)
    size: int = field(kw_only=True)


@dataclass(frozen=True)
class StdMany:
    name: str
    peer: str | None = None
    made: list[str] = field(default_factory=list)
    seen: int = field(default=0, init=False)
    later: list[str] = field(default_factory=list, init=False)
    mode: str = field(default="a", kw_only=True)
    size: int = field(kw_only=True)


def _outcome(cls: type, *args: object, **kwargs: object) -> object:
    try:
        value = cls(*args, **kwargs)
    except TypeError as error:  # (the argument named; the stdlib's count of them aside)
        return ("TypeError", str(error).replace(cls.__qualname__, "C").split(" but ")[0])
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("v1",), {"size": 1}),
        (("v1", "v2", ["x"]), {"size": 2, "mode": "b"}),
        ((), {"name": "v1", "size": 3, "made": ["y"]}),
        (("v1",), {}),  # a keyword-only field without a default missing
        ((), {"size": 1}),  # a positional one missing
        (("v1", "v2", [], "extra"), {}),  # too many positional
        (("v1",), {"size": 1, "name": "v2"}),  # twice
        (("v1",), {"size": 1, "other": 2}),  # unknown
        (("v1",), {"size": 1, "seen": 2}),  # a field left out of __init__
    ],
)
def test_a_records_init_is_the_one_the_stdlib_would_compile(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    """records._init, written once, against the stdlib's generated ``__init__``: the same
    fields set (defaults, fresh default factories, fields left out of ``__init__``), the
    same TypeErrors, the same signature and class docstring."""
    assert _outcome(Many, *args, **kwargs) == _outcome(StdMany, *args, **kwargs)
    first, second = Many("v1", size=1), Many("v1", size=1)
    assert first.made is not second.made and first.later is not second.later
    assert str(inspect.signature(Many)) == str(inspect.signature(StdMany))
    assert Many.__doc__ == (StdMany.__doc__ or "").replace("StdMany", "Many")


def test_every_record_of_iplab_has_the_signature_the_stdlib_would_give() -> None:
    """Each record class iplab defines (its fields, inherited ones first) against a twin
    made by the stdlib from the same fields."""
    for module in ("iplab.api", "iplab.cli.session", "iplab.lab", "iplab.importer"):
        importlib.import_module(module)  # (the modules that define records)

    def subclasses(cls: type) -> list[type]:
        found: list[type] = []
        subs: list[type] = cls.__subclasses__()
        for sub in subs:
            found += [sub, *subclasses(sub)]
        return found

    made_here = [  # (@mutable classes too: their __init__ is records._init's)
        value
        for module in list(sys.modules.values())
        if module is not None and module.__name__.startswith("iplab.")
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
        if getattr(vars(value).get("__init__"), "__module__", None) == "iplab.records"
    ]
    checked = 0
    for cls in {*subclasses(Record), *made_here}:
        if not cls.__module__.startswith("iplab."):
            continue
        fields = dataclasses.fields(cls)
        namespace: dict[str, object] = {"__annotations__": {f.name: f.type for f in fields}}
        for f in fields:
            namespace[f.name] = field(
                default=f.default,
                default_factory=f.default_factory,
                init=f.init,
                kw_only=f.kw_only,
            )
        twin: type = dataclass(type(cls.__name__, (), namespace))
        assert str(inspect.signature(cls)) == str(inspect.signature(twin)), cls
        checked += 1
    assert checked > 60
    assert len(made_here) > 80


@mutable
class Tally:
    name: str
    seen: list[str] = field(default_factory=list)
    notes: str = field(default="", compare=False, repr=False)


@dataclass
class StdTally:
    name: str
    seen: list[str] = field(default_factory=list)
    notes: str = field(default="", compare=False, repr=False)


@mutable
class Own:
    name: str

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "own"


@mutable(kw_only=True)
class Later(Tally):
    extra: int = 0


def test_a_mutable_class_is_the_stdlibs_dataclass() -> None:
    """@mutable against the stdlib's @dataclass: fields that can be set, equality of the
    compared fields, no hash, the repr, a class's own __eq__/__repr__ kept, replace, asdict,
    copies and pickles, and a derived class's fields."""
    for cls in (Tally, StdTally):
        a, b = cls("v1", ["x"], "n1"), cls("v1", ["x"], "n2")
        assert a == b and a != cls("v2") and a.__eq__(("v1",)) is NotImplemented
        a.seen.append("y")
        a.name = "v9"
        assert (a.name, a.seen) == ("v9", ["x", "y"]) and a != b
        assert cls.__hash__ is None
        with pytest.raises(TypeError):
            hash(a)
        assert cls("v1").seen is not cls("v1").seen
        assert dataclasses.replace(b, name="v3") == cls("v3", ["x"])
        assert dataclasses.asdict(b) == {"name": "v1", "seen": ["x"], "notes": "n2"}
        assert copy.deepcopy(b) == b and pickle.loads(pickle.dumps(b)) == b
    assert repr(Tally("v1", ["x"])) == "Tally(name='v1', seen=['x'])"
    assert repr(StdTally("v1", ["x"])) == "StdTally(name='v1', seen=['x'])"
    assert Tally("v1") != StdTally("v1")  # type: ignore[comparison-overlap]
    assert Own("a") == Own("b") and repr(Own("a")) == "own"
    later = Later("v1", extra=2)
    assert [f.name for f in dataclasses.fields(later)] == ["name", "seen", "notes", "extra"]
    assert later == Later("v1", extra=2) != Later("v1", extra=3)
    assert later != Tally("v1")
    assert repr(later) == "Later(name='v1', seen=[], extra=2)"
    assert str(inspect.signature(Later)) == (
        "(name: 'str', seen: 'list[str]' = <factory>, notes: 'str' = '', *,"
        " extra: 'int' = 0) -> None"
    )


@mutable(hot=True)
class HotTally:
    name: str
    seen: list[str] = field(default_factory=list)
    notes: str = field(default="", compare=False, repr=False)


def test_a_hot_mutable_class_is_the_stdlibs_dataclass_with_its_compiled_init() -> None:
    """@mutable(hot=True): the same class as @mutable's, but for its ``__init__``, the one
    the stdlib compiles (0.7 us a link of the state where records._init takes 2.8: #14).
    The classes a lab builds thousands of are hot."""
    from iplab.journal import Entry
    from iplab.netlink import _Link
    from iplab.peers import RawLink
    from iplab.state import Link, Namespace

    a, b = HotTally("v1", ["x"], "n1"), HotTally("v1", ["x"], "n2")
    assert a == b and a != HotTally("v2") and HotTally.__hash__ is None
    assert HotTally("v1").seen is not HotTally("v1").seen
    assert repr(a) == "HotTally(name='v1', seen=['x'])"
    assert dataclasses.replace(b, name="v3") == HotTally("v3", ["x"])
    assert copy.deepcopy(b) == b and pickle.loads(pickle.dumps(b)) == b
    assert str(inspect.signature(HotTally)) == str(inspect.signature(Tally))
    for args, kwargs in [
        ((), {}),
        (("v1", [], "n", "x"), {}),
        (("v1",), {"other": 1}),
        (("v1",), {}),
    ]:
        assert _outcome(HotTally, *args, **kwargs) == _outcome(StdTally, *args, **kwargs)
    for cls in (HotTally, Link, Namespace, RawLink, _Link, Entry):
        assert vars(cls)["__init__"].__module__ != "iplab.records", cls  # (the stdlib's)
    assert vars(Tally)["__init__"].__module__ == "iplab.records"
