"""iplab/records.py: a frozen record behaves as a frozen dataclass does (the generated
methods it replaces are written once, #14), checked side by side with the stdlib's; so does
a ``hot`` one (its ``__init__`` the stdlib's frozen one)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from iplab.records import Record, frozen


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
    Pair("v1", "v2")
    assert calls == ["name", "peer", "notes"]  # (the count is seen, then none for these)
    calls.clear()
    hot = HotPair("v1", "v2")
    child = HotChild(dev="eth0", ns="red")
    assert calls == []
    assert (hot.name, hot.peer, child.ns, child.dev) == ("v1", "v2", "red", "eth0")
    assert dataclasses.replace(child, ns="blue") == HotChild(dev="eth0", ns="blue")
    assert pickle.loads(pickle.dumps(child)) == child
    monkeypatch.undo()
    with pytest.raises(dataclasses.FrozenInstanceError):
        child.dev = "eth1"  # type: ignore[misc]
