"""Render the public API's docstrings as Markdown: ``python3 -m iplab.apidoc > docs/api.md``.

Pure: the same code gives the same page (a test checks that docs/api.md is up to date).
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections.abc import Callable
from typing import Any

import iplab
from iplab import api, pytest_plugin

HEADER = """\
# iplab's Python API

<!-- generated from the docstrings by `python3 -m iplab.apidoc > docs/api.md`: do not edit -->

Everything public is importable from `iplab`; every other module is private.
`import iplab` is quick: the rest loads when first used.
"""


def _doc(obj: object) -> str:
    return inspect.cleandoc(inspect.getdoc(obj) or "")


def _param(p: inspect.Parameter) -> str:
    stars = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
    text: str = stars + p.name
    if p.annotation is not p.empty:
        text += f": {p.annotation}"
    if p.default is not p.empty:
        text += f" = {p.default!r}"
    return text


def _signature(name: str, obj: Callable[..., Any]) -> str:
    sig = inspect.signature(obj)
    params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
    words: list[str] = []
    for p in params:
        if p.kind is p.KEYWORD_ONLY and not any(w.startswith("*") for w in words):
            words.append("*")
        words.append(_param(p))
    returns = "" if sig.return_annotation is sig.empty else f" -> {sig.return_annotation}"
    return f"```python\n{name}({', '.join(words)}){returns}\n```"


def _function(title: str, name: str, obj: Callable[..., Any]) -> list[str]:
    return [f"{title} `{name}`", "", _signature(name, obj), "", _doc(obj), ""]


def _members(cls: type, qualified: str) -> list[str]:
    out: list[str] = []
    for attr, value in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(value, property):
            doc = _doc(value)
            out += [f"- `{qualified}.{attr}` (property)" + (f": {doc}" if doc else "")]
    out.append("")
    for attr, value in vars(cls).items():
        if attr.startswith("_") or isinstance(value, property):
            continue
        func = value.__func__ if isinstance(value, classmethod) else value
        if callable(func):
            out += _function("####", f"{qualified}.{attr}", func)
    return out


def _dataclass(cls: type) -> list[str]:
    fields = ", ".join(f"`{f.name}: {f.type}`" for f in dataclasses.fields(cls))
    doc = _doc(cls)
    if doc.startswith(f"{cls.__name__}("):  # the one dataclasses writes: the fields say it
        doc = ""
    return [f"### `iplab.{cls.__name__}`", "", doc, "", f"Fields: {fields}.", ""]


def render() -> str:
    out = [HEADER, "## Use", "", "```python", _usage(), "```", ""]
    out += ["## `iplab.Scenario`", "", _doc(api.Scenario), ""]
    out += _members(api.Scenario, "Scenario")
    out += _function("##", "iplab.up", api.up)
    out += _function("##", "iplab.labs", api.labs)
    out += ["## `iplab.Lab`", "", _doc(api.Lab), ""]
    out += _members(api.Lab, "lab")
    out += ["## Results", ""]
    for cls in (iplab.State, iplab.Namespace, iplab.Link, iplab.Route, iplab.Difference):
        out += _dataclass(cls)
    out += _dataclass(iplab.Result)
    out += ["## Errors", ""]
    for error in (
        iplab.LabError, iplab.IplabError, iplab.ScenarioError, iplab.UsageError,
        iplab.PrivilegeError, iplab.LockedError,
    ):  # fmt: skip
        out += [f"- `iplab.{error.__name__}`: {_doc(error).splitlines()[0]}"]
    out += ["", "## The pytest plugin", "", _doc(pytest_plugin), ""]
    for fixture in (pytest_plugin.iplab_lab, pytest_plugin.lab):
        out += [f"### The fixture `{fixture.__name__}`", "", _doc(fixture), ""]
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def _usage() -> str:
    doc = _doc(api)
    block = doc.split("::\n", 1)[1].split("\n\nThis module")[0]
    return inspect.cleandoc(block)


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
