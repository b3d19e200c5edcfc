"""Frozen records: dataclasses whose immutability, equality, hash and repr are written once.

``@frozen`` makes a class a real dataclass (``dataclasses.fields``, ``replace``, ``asdict``,
pickling and mypy all see one, frozen), but only its ``__init__`` is compiled for it. The
stdlib's ``@dataclass(frozen=True)`` compiles five more functions for every class
(``__setattr__``, ``__delattr__``, ``__eq__``, ``__hash__``, ``__repr__``): on Python 3.11
that was some 25 ms of the 53 ms the 98 dataclasses of ``iplab run`` cost at each start
(#14: the blog's run is held to 0.4 s, bash's own start is not 0.1 s). Here they are written
once, in :class:`Record`, and read the class's fields as the generated ones do:

* assignment: each field is set once, by ``__init__``; setting it again, setting any other
  name, or deleting one raises :class:`dataclasses.FrozenInstanceError`, as a frozen
  dataclass does (``object.__setattr__`` in a ``__post_init__`` still works);
* equality: same class, and the fields with ``compare`` equal; the hash is that of the
  same values (a frozen dataclass's, with no field's ``hash`` set apart: none in iplab);
* repr: ``Name(field=value, ...)`` of the fields with ``repr``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T", bound=type)


@functools.cache
def _fields(cls: type) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """A record class's field names, those compared, and those shown."""
    fields = dataclasses.fields(cls)
    return (
        frozenset(f.name for f in fields),
        tuple(f.name for f in fields if f.compare),
        tuple(f.name for f in fields if f.repr),
    )


def _key(value: Record) -> tuple[Any, ...]:
    cls: type = type(value)  # (as a plain type: functools.cache wants it hashable)
    return tuple(getattr(value, n) for n in _fields(cls)[1])


class Record:
    """The methods every record shares (see the module's docstring)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        cls: type = type(self)
        if name in self.__dict__ or name not in _fields(cls)[0]:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _key(self) == _key(other)

    def __hash__(self) -> int:
        return hash(_key(self))

    def __repr__(self) -> str:
        cls: type = type(self)
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _fields(cls)[2])
        return f"{cls.__qualname__}({shown})"


def _hot(cls: type) -> bool:
    """Whether a class is a record made ``hot`` (a frozen dataclass of the stdlib's kind)."""
    params = cls.__dict__.get("__dataclass_params__")
    return params is not None and bool(params.frozen)


@overload
def frozen(cls: _T, /) -> _T: ...
@overload
def frozen(*, kw_only: bool = False, hot: bool = False) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen(
    cls: _T | None = None, /, *, kw_only: bool = False, hot: bool = False
) -> _T | Callable[[_T], _T]:
    """``@frozen`` / ``@frozen(kw_only=True)``: a frozen dataclass (see the module's
    docstring); the class derives from :class:`Record`, directly or through a base.

    ``hot=True``: a class built thousands of times for one lab (a step, its command, its
    undo): its ``__init__`` sets each field with ``object.__setattr__``, as the stdlib's
    frozen dataclass does, not through :meth:`Record.__setattr__` (a Python call for each
    field: star-500's plan made 190,000 of them, 55 ms of CPU), at the price of the two
    functions the stdlib compiles for the class at import (``__setattr__``,
    ``__delattr__``: some 0.2 ms a class, so only the few hot ones pay it). A class derived
    from a hot one is hot (the stdlib refuses a frozen dataclass and a thawed one in one
    hierarchy)."""

    def wrap(klass: _T) -> _T:
        if Record not in klass.__mro__:
            raise TypeError(f"@frozen: {klass.__qualname__} must derive from Record")
        heated = hot or any(_hot(base) for base in klass.__mro__[1:])
        # (not hot, frozen=False: Record's __setattr__ lets __init__ set each field once)
        dataclasses.dataclass(klass, eq=False, repr=False, kw_only=kw_only, frozen=heated)
        return klass

    return wrap if cls is None else wrap(cls)
