"""A JSON Schema of the scenario format, generated from the loader itself.

``python3 -m iplab.schema > docs/scenario.schema.json`` (a test checks the committed
file is current). Editors use it to complete and check scenario files (VS Code's
YAML extension: ``# yaml-language-server: $schema=.../scenario.schema.json``).

Nothing here restates the format. The loader (:mod:`iplab.scenario`, and
:mod:`iplab.topology` for ``topology:``) reads every field through
:class:`~iplab.fields.Fields`; the generator runs the loader's own code with a
:class:`Probe` in place of ``Fields`` that records each field read, with its type
(``flag``: a boolean, ``choice``: one of its choices, ``link``: an interface name,
``integer``: its bounds...) and whether it is required, for every action of
``BUILDERS`` and every kind of claim. It tries each part with fields absent, then
present, so that every field is reached on some path. The name rules come from
:mod:`iplab.names`. Any string may be Jinja (``"ns{{ i }}"``), so every typed field
also accepts a string holding ``{{`` or ``{%``.

What the schema cannot say, the loader still checks (a veth's peer, the model's
rules): the schema is for editors, the loader is the judge.

Why this module is long: one job, the schema: the probe that runs the loader's own code and
the JSON Schema built from what it records, each the other's mirror.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from iplab import actions, expand, livesteps, names, scenario, topology, yamlio
from iplab.actions import BUILDERS
from iplab.errors import Location
from iplab.fields import IP_OPTIONS, Fields
from iplab.steps import LINK_SET_ATTRS, OPS_BY_ACTION

SCHEMA_ID = "https://github.com/iplab/iplab/docs/scenario.schema.json"
JINJA = {"type": "string", "pattern": r"\{\{|\{%"}
#: how a probe answers when a field is present (absent: None, or the default)
SAMPLES = {"link": "l0", "netns": "n0", "address": "10.0.0.1/24", "ip": "10.0.0.1", "text": "x"}
#: name checks of names.py -> the $defs entry holding the same rule
CHECKS: dict[Callable[[str], str | None], str] = {
    names.link_name_problem: "link_name",
    names.netns_name_problem: "netns_name",
    names.address_problem: "address",
}
#: items that may also be a bare name (topology.parse reads those without Fields)
SCALAR_ITEMS = {"topology.bridges": "link_name", "topology.namespaces": "netns_name"}
MODES = ("absent", "present", "mixed")  # mixed: free text absent, typed fields present

Record = dict[str, dict[str, Any]]  # key -> {"schema": ..., "required": bool}


def _ymap(keys: dict[str, Any] | None = None) -> yamlio.YMap:
    m = yamlio.YMap(keys or {})
    m.line, m.key_lines = 1, {}
    return m


def _path(loc: Location) -> str:
    return re.sub(r"\[\d+\]", "[]", loc.field or "")


class Recorder:
    def __init__(self) -> None:
        self.objects: dict[str, Record] = {}
        self.variant = ""
        self.mode = "present"
        self.answers: dict[str, Any] = {}
        self.extra_keys: tuple[str, ...] = ()
        self.has: Callable[[Probe, str], bool] | None = None

    def variant_keys(self, prefix: str) -> list[str]:
        """The variants recorded for objects whose path starts with ``prefix``."""
        return sorted(p.removeprefix(prefix) for p in self.objects if p.startswith(prefix))


class Probe(Fields):
    """A :class:`Fields` that records what is read and answers with samples."""

    recorder: Recorder

    def __init__(
        self,
        mapping: yamlio.YMap,
        loc: Location,
        render: Callable[[Any, Location], Any],
        allowed_extra: Any = (),
    ) -> None:
        # `link set` reads the attributes the step holds: the driver gives it each in turn
        keys = dict.fromkeys(self.recorder.extra_keys)
        super().__init__(_ymap({**keys, **mapping}), loc, render, allowed_extra)
        #: fields read only because they are there: required when there, not required
        self.gated = set(keys)
        self.path = _path(loc) + (f"#{self.recorder.variant}" if self.recorder.variant else "")
        for key in self.used:
            self._note(key, {}, False)

    def _note(self, key: str, schema: dict[str, Any], required: bool) -> None:
        self.used.add(key)
        required = required and key not in self.gated
        fields = self.recorder.objects.setdefault(self.path, {})
        seen = fields.setdefault(key, {"schema": schema, "required": required})
        if not seen["schema"] and schema:
            seen["schema"] = schema
        seen["required"] = seen["required"] or required

    def _present(self, key: str, required: bool, free_text: bool = False) -> bool:
        mode = self.recorder.mode
        return required or mode == "present" or (mode == "mixed" and not free_text)

    def _answer(self, key: str, kind: str, required: bool, free_text: bool = False) -> Any:
        if key in self.recorder.answers:
            return self.recorder.answers[key]
        return SAMPLES[kind] if self._present(key, required, free_text) else None

    # -- what Fields offers -------------------------------------------------------------------

    def has(self, key: str) -> bool:
        policy = self.recorder.has
        there = policy(self, key) if policy else key in self.m or self.recorder.mode != "absent"
        if there:
            self.gated.add(key)
        return there

    def raw(self, key: str) -> Any:
        self._note(key, {"type": "object"}, False)
        # an impairment (livesteps) needs one value to parse; the probe goes on past it
        return _ymap({"delay": "1ms"} if key.endswith("impair") else None)

    def text(self, key: str, required: bool = False) -> str | None:
        self._note(key, {"type": "string"}, required)
        value: str | None = self._answer(key, "text", required, free_text=True)
        return value

    def texts(self, key: str, most: int) -> tuple[str, ...]:
        listed = {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": most}
        self._note(key, {"anyOf": [{"type": "string"}, listed]}, False)
        value: str | None = self._answer(key, "text", False, free_text=True)
        return () if value is None else (value,)

    def flag(self, key: str, default: bool = False) -> bool:
        self._note(key, {"type": "boolean"}, False)
        return True if self._present(key, False) else default

    def opt_flag(self, key: str) -> bool | None:
        self._note(key, {"type": "boolean"}, False)
        return True if self._present(key, False) else None

    def integer(self, key: str, default: int | None, lo: int, hi: int) -> int | None:
        self._note(key, {"type": "integer", "minimum": lo, "maximum": hi}, False)
        return lo if self._present(key, False) else default

    def seconds(self, key: str) -> float | None:
        self._note(key, {"type": "number", "exclusiveMinimum": 0, "maximum": 86400}, False)
        return None

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        self._note(key, {"enum": list(choices)}, False)
        if key in self.recorder.answers:
            return str(self.recorder.answers[key])
        return choices[0] if self._present(key, False) else default

    def link(self, key: str, required: bool = False) -> str | None:
        self._note(key, {"$ref": "#/$defs/link_name"}, required)
        value: str | None = self._answer(key, "link", required)
        return value

    def netns(self, key: str, required: bool = False) -> str | None:
        self._note(key, {"$ref": "#/$defs/netns_name"}, required)
        value: str | None = self._answer(key, "netns", required)
        return value

    def address(self, key: str) -> str:
        self._note(key, {"$ref": "#/$defs/address"}, True)
        return SAMPLES["address"]

    def ip(self, key: str) -> str | None:
        self._note(key, {"$ref": "#/$defs/ip"}, False)
        value: str | None = self._answer(key, "ip", False)
        return value

    def items(self, key: str) -> list[tuple[Any, Location]]:
        self._note(key, {"type": "array", "items": {"$ref": f"@{self.path}.{key}[]"}}, False)
        if key == "expect" or not self._present(key, False):
            return []
        return [(_ymap(), self.loc.at(f"{key}[0]"))]

    def names_list(self, key: str, check: Callable[[str], str | None]) -> tuple[str, ...]:
        ref = CHECKS.get(check, "name")
        self._note(key, {"type": "array", "items": {"$ref": f"#/$defs/{ref}"}}, False)
        return ("l0",) if self._present(key, False) else ()

    def options(self) -> tuple[str, ...]:
        self._note("options", {"type": "array", "items": {"enum": sorted(IP_OPTIONS)}}, False)
        return ()

    def finish(self) -> None:
        pass


@contextlib.contextmanager
def _probing(recorder: Recorder) -> Iterator[None]:
    """The loader's ``Fields`` is the probe while the loader's code runs (in each module
    that makes one)."""
    Probe.recorder = recorder
    readers = (scenario, expand, actions, livesteps, topology)  # the modules that make a Fields
    for module in readers:
        vars(module)["Fields"] = Probe
    try:
        yield
    finally:
        for module in readers:
            vars(module)["Fields"] = Fields


def _try(run: Callable[..., object], *args: Any) -> None:
    # the probe's samples lead the loader into errors on some paths: what was read
    # before the error is recorded, and another mode reaches the rest
    with contextlib.suppress(Exception):
        run(*args)


def _claim_has(discriminators: set[str], chosen: str | None) -> Callable[[Probe, str], bool]:
    def has(probe: Probe, key: str) -> bool:
        if chosen is None:
            discriminators.add(key)
            return False
        return key == chosen or (key not in discriminators and probe.recorder.mode != "absent")

    return has


def _top(text: str) -> None:
    scenario.load_text(text, "probe")


def _step() -> None:
    expander = expand.Expander("probe", {})
    expander._step(_ymap(), "setup", Location("probe", 1, "step"), {})


def _block() -> None:
    block = _ymap({"steps": yamlio.YList()})
    block.key_lines = {"steps": 1}
    expand.Expander("probe", {})._block(block, "setup", Location("probe", 1, "block"), {})


def _script_block() -> None:
    block = _ymap({"script": "x", "steps": yamlio.YList()})
    block.key_lines = {"script": 1, "steps": 1}
    where = Location("probe", 1, "script")
    expand.Expander("probe", {})._shell_block(block, "setup", where, {})


def _flap() -> None:
    from iplab import livesteps

    item = _ymap({"flap": _ymap()})
    livesteps.flap_steps(item, Location("probe", 1, "flap_step"), lambda v, _loc: v, "setup")


def _claim() -> None:
    actions.claim(Probe(_ymap(), Location("probe", 1, "claim"), lambda value, _loc: value))


def record() -> Recorder:
    """Run the loader's parts with probes: the top level, each action, block, claim, topology."""
    rec = Recorder()
    with _probing(rec):
        for mode in MODES:
            rec.mode = mode
            for text in ("name: x\nsetup: []\n", "name: x\nsetup: []\ntopology: {}\n"):
                for real in (False, True):
                    rec.has = (lambda p, k: k in p.m) if real else None
                    _try(_top, text)
            rec.has = None
            for action in BUILDERS:
                rec.variant, rec.answers = action, {"action": action}
                for rec.extra_keys in [(), *((k,) for k in LINK_SET_ATTRS)]:
                    _try(_step)
            rec.variant, rec.answers, rec.extra_keys = "", {}, ()
            _try(_block)
            _try(_script_block)
            _try(_flap)
            found: set[str] = set()
            rec.has = _claim_has(found, None)
            _try(_claim)
            for key in sorted(found):
                rec.variant, rec.has = key, _claim_has(found, key)
                _try(_claim)
            rec.variant, rec.has = "", None
    return rec


# -- the schema -------------------------------------------------------------------------------


def _leaf(schema: dict[str, Any]) -> dict[str, Any]:
    """A typed field, or Jinja that renders to one."""
    if not schema or schema == {"type": "string"}:
        return schema
    return {"anyOf": [schema, JINJA]}


def _object(
    rec: Recorder,
    path: str,
    extra: dict[str, Any] | None = None,
    const: dict[str, Any] | None = None,
) -> dict[str, Any]:
    fields = rec.objects.get(path, {})
    props: dict[str, Any] = {}
    for key in sorted(fields):
        props[key] = _resolve(rec, _leaf(fields[key]["schema"]), path)
    props.update(extra or {})
    props.update(const or {})
    required = sorted(k for k, v in fields.items() if v["required"] and k not in (const or {}))
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if const:
        out["required"] = sorted(const) + required
    elif required:
        out["required"] = required
    return out


def _resolve(rec: Recorder, schema: Any, here: str) -> Any:
    """Replace ``@path`` references (a list's items) by what the probe recorded there."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("@"):
            target = ref[1:]
            if target.endswith(".expect[]"):
                return {"$ref": "#/$defs/claim"}
            obj = _object(rec, target) if target in rec.objects else {"type": "object"}
            scalar = SCALAR_ITEMS.get(target.removesuffix("[]"))
            return {"anyOf": [{"$ref": f"#/$defs/{scalar}"}, JINJA, obj]} if scalar else obj
        return {k: _resolve(rec, v, here) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(rec, v, here) for v in schema]
    return schema


def _name_defs() -> dict[str, Any]:
    safe = "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
    return {
        "jinja": JINJA,
        "link_name": {
            "type": "string", "pattern": safe, "maxLength": names.IFNAMSIZ,
            "not": {"enum": sorted(names.IP_LINK_KEYWORDS)},
            "description": f"an interface name: at most {names.IFNAMSIZ} characters, "
            "letters, digits, '_', '.', '-', not an ip link keyword",
        },
        "netns_name": {
            "type": "string", "pattern": safe, "maxLength": names.NETNS_MAX,
            "not": {"pattern": "^[0-9]+$"},
            "description": "a namespace name: letters, digits, '_', '.', '-', not all digits",
        },
        "address": {"type": "string", "pattern": "^[0-9A-Fa-f:.]+/[0-9]+$",
                    "description": "an address with its prefix length, as in 10.0.0.1/24"},
        "ip": {"type": "string", "pattern": "^[0-9A-Fa-f:.]+$",
               "description": "an IPv4 or IPv6 address"},
        "name": {"type": "string"},
    }  # fmt: skip


def generate() -> dict[str, Any]:
    rec = record()
    steps_ref = {"type": "array", "items": {"$ref": "#/$defs/step"}}
    loop = {"loop": {}, "loop_var": {"type": "string"}, "when": {}}
    actions = [
        _object(rec, f"step#{action}", loop, {"action": {"const": action}}) for action in BUILDERS
    ]
    shared = ("title", "prose", "output", "sudo", "expect")
    line_step = {
        "type": "object",
        "properties": {
            "line": {"type": "string", "description": "the command as its author wrote it"},
            "action": {"enum": sorted(OPS_BY_ACTION)},
            **{k: v for k, v in actions[0]["properties"].items() if k in shared},
            **loop,
        },
        "required": ["line"],
        "additionalProperties": False,
    }
    claims = [_object(rec, f"claim#{key}") for key in rec.variant_keys("claim#")]
    for claim, key in zip(claims, rec.variant_keys("claim#"), strict=True):
        claim["required"] = sorted({key, *claim.get("required", [])})
    top_level = {
        "setup": steps_ref,
        "teardown": steps_ref,
        "topology": {"$ref": "#/$defs/topology"},
        "vars": {"type": "object"},
    }
    top = _object(rec, "", top_level)
    top["anyOf"] = [{"required": ["name", "setup"]}, {"required": ["name", "topology"]}]
    top.pop("required", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "iplab scenario",
        "description": "Generated by `python3 -m iplab.schema` from iplab's loader: do not edit.",
        **top,
        "$defs": {
            **_name_defs(),
            # last, the steps that are not an action: a block of steps, a flap
            "step": {
                "anyOf": [
                    *actions,
                    line_step,
                    {
                        "anyOf": [
                            {"$ref": "#/$defs/block"},
                            {"$ref": "#/$defs/flap"},
                            {"$ref": "#/$defs/script"},
                        ]
                    },
                ]
            },
            "block": _object(rec, "block", {**loop, "steps": steps_ref}),
            "flap": _flap_step(rec, loop),
            "script": _object(rec, "script", {"steps": steps_ref}),
            "claim": {"anyOf": claims},
            "topology": _topology(rec),
        },
    }


def _flap_step(rec: Recorder, loop: dict[str, Any]) -> dict[str, Any]:
    out = _object(rec, "flap_step", {**loop, "flap": _object(rec, "flap_step.flap")})
    out["required"] = ["flap"]
    return out


def _topology(rec: Recorder) -> dict[str, Any]:
    out = _object(rec, "topology")
    for key in ("star", "chain"):
        out["properties"][key] = _object(rec, f"topology.{key}")
    return out


def render() -> str:
    return json.dumps(generate(), indent=1, sort_keys=False) + "\n"


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
