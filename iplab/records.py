"""Frozen records: dataclasses whose immutability, equality, hash and repr are written once.

``@frozen`` makes a class a real dataclass (``dataclasses.fields``, ``replace``, ``asdict``,
pickling and mypy all see one, frozen), but no function is compiled for it. The stdlib's
``@dataclass(frozen=True)`` compiles six for every class (``__init__``, ``__setattr__``,
``__delattr__``, ``__eq__``, ``__hash__``, ``__repr__``), some 0.2 ms each: on Python 3.11
the 98 dataclasses of ``iplab run`` cost 53 ms at each start (#14: the blog's run is held to
0.4 s, bash's own start is not 0.1 s). Here they are written once, in :class:`Record` and
:func:`_init` (a ``hot`` record keeps the stdlib's compiled ``__init__``, faster for a
class built thousands of times), and read the class's fields as the generated ones do:

* assignment: each field is set once, by ``__init__``; setting it again, setting any other
  name, or deleting one raises :class:`dataclasses.FrozenInstanceError`, as a frozen
  dataclass does (``object.__setattr__`` in a ``__post_init__`` still works);
* equality: same class, and the fields with ``compare`` equal; the hash is that of the
  same values (a frozen dataclass's, with no field's ``hash`` set apart: none in iplab);
* repr: ``Name(field=value, ...)`` of the fields with ``repr``.

``@mutable`` is the stdlib's plain ``@dataclass`` with its ``__init__``, ``__eq__`` and
``__repr__`` written once here alike, for the working classes every start imports.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
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


def _key(value: Any) -> tuple[Any, ...]:
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


class _Factory:
    """The default shown for a field with a default factory (as the stdlib shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _Factory()


def _init(cls: type) -> Callable[..., None]:
    """The ``__init__`` of a record class that is not hot: the one the stdlib would compile
    for it (positional then keyword-only parameters, defaults, default factories, fields
    left out of ``__init__``, ``__post_init__``, the same ``TypeError``s), written once
    here. Compiling one for each class cost some 0.2 ms a class at every start of iplab
    (some 80 classes: #14). Each field is set in the instance's ``__dict__``, in the
    fields' order, as ``object.__setattr__`` would: no call of :meth:`Record.__setattr__`."""
    fields = dataclasses.fields(cls)
    positional = tuple(f.name for f in fields if f.init and not f.kw_only)
    accepted = frozenset(f.name for f in fields if f.init)
    spec = tuple((f.name, f.init, f.default, f.default_factory, f.kw_only) for f in fields)
    least = 1 + sum(
        1
        for f in fields
        if f.init and not f.kw_only
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    most = 1 + len(positional)
    takes = (
        f"{most} positional argument{'s' if most > 1 else ''}"
        if least == most
        else f"from {least} to {most} positional arguments"
    )
    post_init = hasattr(cls, "__post_init__")
    name = cls.__qualname__
    missing = dataclasses.MISSING

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(positional):
            raise TypeError(f"{name}.__init__() takes {takes} but {len(args) + 1} were given")
        given = dict(zip(positional, args, strict=False))
        for key, value in kwargs.items():
            if key in given:
                raise TypeError(f"{name}.__init__() got multiple values for argument {key!r}")
            if key not in accepted:
                raise TypeError(f"{name}.__init__() got an unexpected keyword argument {key!r}")
            given[key] = value
        values = self.__dict__
        for field_name, init, default, factory, kw_only in spec:
            if init and field_name in given:
                values[field_name] = given[field_name]
            elif default is not missing:
                values[field_name] = default
            elif factory is not missing:
                values[field_name] = factory()
            elif init:
                kind = "keyword-only" if kw_only else "positional"
                raise TypeError(
                    f"{name}.__init__() missing 1 required {kind} argument: {field_name!r}"
                )
        if post_init:
            self.__post_init__()

    __init__.__qualname__ = f"{name}.__init__"
    __init__.__signature__ = _signature(fields)  # type: ignore[attr-defined]
    return __init__


def _signature(fields: tuple[dataclasses.Field[Any], ...]) -> inspect.Signature:
    """The signature the stdlib's ``__init__`` would have (``help()``, ``inspect``)."""
    parameter = inspect.Parameter
    params = [parameter("self", parameter.POSITIONAL_OR_KEYWORD)]
    for kw_only in (False, True):
        for f in fields:
            if f.init and f.kw_only is kw_only:
                default = (
                    f.default
                    if f.default is not dataclasses.MISSING
                    else _HAS_FACTORY
                    if f.default_factory is not dataclasses.MISSING
                    else parameter.empty
                )
                kind = parameter.KEYWORD_ONLY if kw_only else parameter.POSITIONAL_OR_KEYWORD
                params.append(parameter(f.name, kind, default=default, annotation=f.type))
    return inspect.Signature(params, return_annotation=None)


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
        if heated:
            dataclasses.dataclass(klass, eq=False, repr=False, kw_only=kw_only, frozen=True)
            return klass
        # (frozen=False: Record's __setattr__ refuses any assignment after __init__)
        documented = bool(klass.__dict__.get("__doc__"))
        dataclasses.dataclass(klass, init=False, eq=False, repr=False, kw_only=kw_only)
        klass.__init__ = _init(klass)  # type: ignore[misc]
        if not documented:  # as the stdlib writes it: the class and its __init__'s signature
            klass.__doc__ = klass.__name__ + str(inspect.signature(klass)).replace(" -> None", "")
        return klass

    return wrap if cls is None else wrap(cls)


def _equal(self: Any, other: object) -> Any:
    """``__eq__`` of a :func:`mutable` class: the stdlib's (same class, fields compared)."""
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _key(self) == _key(other)


def _shown(self: Any) -> str:
    """``__repr__`` of a :func:`mutable` class: the stdlib's, ``Name(field=value, ...)``."""
    cls: type = type(self)
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _fields(cls)[2])
    return f"{cls.__qualname__}({shown})"


@overload
def mutable(cls: _T, /) -> _T: ...
@overload
def mutable(*, kw_only: bool = False, hot: bool = False) -> Callable[[_T], _T]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def mutable(
    cls: _T | None = None, /, *, kw_only: bool = False, hot: bool = False
) -> _T | Callable[[_T], _T]:
    """``@mutable``: the stdlib's ``@dataclass`` (fields that can be set, ``__eq__`` and
    ``__repr__`` of the fields, no hash), with the three functions the stdlib compiles for
    each class (``__init__``, ``__eq__``, ``__repr__``) written once here: for the state,
    the journal's and the run's working classes that every start of iplab imports (#14).
    A class's own ``__eq__`` or ``__repr__`` is kept, as the stdlib keeps it. (The stdlib's
    repr guards against a value that holds itself; none of these does.)

    ``hot=True``: a class built thousands of times for one lab (a link of the state read
    or replayed, a journal entry) has the ``__init__`` the stdlib compiles for it: 0.7 us
    an instance where the one written here takes 2.8 (a link of 21 fields; ``verify`` of
    star-500 builds some 8,000 such), at the price of its compilation at import (some
    0.2 ms a class)."""

    def wrap(klass: _T) -> _T:
        documented = bool(klass.__dict__.get("__doc__"))
        dataclasses.dataclass(klass, init=hot, eq=False, repr=False, kw_only=kw_only)
        if not hot:
            klass.__init__ = _init(klass)  # type: ignore[misc]
        if "__eq__" not in klass.__dict__:
            klass.__eq__ = _equal  # type: ignore[method-assign,assignment]
            if "__hash__" not in klass.__dict__:
                klass.__hash__ = None  # type: ignore[assignment]  # (as the stdlib's eq)
        if "__repr__" not in klass.__dict__:
            klass.__repr__ = _shown  # type: ignore[method-assign,assignment]
        if not documented:
            klass.__doc__ = klass.__name__ + str(inspect.signature(klass)).replace(" -> None", "")
        return klass

    return wrap if cls is None else wrap(cls)
