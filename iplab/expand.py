"""Expansion of a scenario's steps: variables (Jinja, sandboxed and bounded), loops,
conditions, blocks, shell blocks, ``flap`` and the ``topology:`` form -> typed steps.

Bounded: a scenario makes at most :data:`MAX_STEPS` steps and runs at most
:data:`MAX_ITERATIONS` loop iterations, whatever its Jinja says.

Why this module is long: one job, the author's step list made plain (every form a step
may take, each expanded with the same scope and bounds); split, each part would need the
others' scope and their errors' places.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections.abc import Iterable
from typing import Any

import jinja2
from jinja2 import nodes

from iplab import livesteps, sandbox, yamlio
from iplab.actions import BUILDERS, claim, line_op
from iplab.errors import Location, ScenarioError
from iplab.fields import JINJA, MISSING, Fields, kind_name
from iplab.steps import (
    OPS_BY_ACTION,
    NetnsExec,
    Phase,
    Probe,
    Raw,
    ShellValue,
    Step,
)

_ONE_EXPR = re.compile(r"\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*", re.S)
#: a shell variable's name (a script block's ``variables``)
SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _failure(text: str, exc: Exception, scope: dict[str, Any]) -> str:
    """Why an expression could not be evaluated, with the values of the variables it uses
    (``n = 'two'``: a ``--var n=two`` where a number was meant)."""
    used = [
        f"{name} = {value!r}"
        for name, value in scope.items()
        if not name.startswith("_") and re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text)
    ]
    said = f" (with {', '.join(used)})" if used else ""
    return f"cannot evaluate {_short(text)}: {exc}{said}"


#: what a loop that cannot be read should have been (hunt AX: ``loop: ns1 ns2 ns3``)
_LOOP_FORMS = "a loop is a YAML list ([ns1, ns2, ns3]) or one expression ({{ range(1, 4) | list }})"


def _short(value: Any) -> str:
    """A value for an error message: its repr, cut when long (a bomb's text is huge)."""
    text = repr(value)
    return text if len(text) <= 100 else f"{text[:80]}... ({len(text)} characters)"


#: the most steps a scenario may make, and loop iterations it may run, in all
MAX_STEPS = 50_000
MAX_ITERATIONS = 100_000
#: Jinja statements that would loop (or hide a loop) inside one value
_STATEMENTS = (nodes.For, nodes.Macro, nodes.CallBlock)


class Expander:
    """A scenario's steps expanded: Jinja in each value, ``loop``/``when`` on steps and blocks,
    shell blocks, ``flap`` and the ``topology:`` form, each step read by its action's builder."""

    def __init__(self, file: str, variables: dict[str, Any]) -> None:
        self.file = file
        # bounded: range(1, n + 1) | map("fmt", "br{}") -> ["br1", "br2", ...], no bombs
        self.env = sandbox.Sandbox()
        #: loop iterations and steps made so far, each bounded (a nested-loop bomb)
        self.iterations = 0
        self.made = 0
        self.vars = variables
        # a loop renders the same strings again and again: compile each once
        self._templates: dict[str, jinja2.Template] = {}
        self._expressions: dict[str, Any] = {}

    def _template(self, source: str) -> jinja2.Template:
        if source not in self._templates:
            if any(True for _ in self.env.parse(source).find_all(_STATEMENTS)):
                raise sandbox.LimitError(
                    "loops and macros inside a value are not allowed (use a step's loop:)"
                )
            self._templates[source] = self.env.from_string(source)
        return self._templates[source]

    def _expression(self, source: str) -> Any:
        if source not in self._expressions:
            self._expressions[source] = self.env.compile_expression(source, undefined_to_none=False)
        return self._expressions[source]

    def _evaluate(self, source: str, scope: dict[str, Any]) -> Any:
        """A whole expression's value; an undefined name is an error, never None."""
        value = self._expression(source)(**scope)
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return value

    def value(self, value: Any, scope: dict[str, Any], loc: Location) -> Any:
        """Expand Jinja in strings (recursively); ``"{{ expr }}"`` alone keeps its type."""
        if isinstance(value, str):
            if not JINJA.search(value):
                return value
            try:
                one = _ONE_EXPR.fullmatch(value)
                if one and "{{" not in one.group("expr"):
                    return self._evaluate(one.group("expr"), scope)
                return sandbox.render_bounded(self._template(value), scope)
            except jinja2.UndefinedError as exc:
                raise ScenarioError(
                    f"undefined variable in {_short(value)}: {exc.message}", loc
                ) from None
            except jinja2.TemplateError as exc:
                raise ScenarioError(f"template error in {_short(value)}: {exc}", loc) from None
            except Exception as exc:  # a user's expression may raise anything (1/0, int('x'))
                raise ScenarioError(_failure(value, exc, scope), loc) from None
        if isinstance(value, yamlio.YMap):
            out = yamlio.YMap((k, self.value(v, scope, loc.at(k))) for k, v in value.items())
            out.line, out.key_lines, out.written = value.line, value.key_lines, value.written
            return out
        if isinstance(value, yamlio.YList):
            items = yamlio.YList(self.value(v, scope, loc) for v in value)
            items.line, items.item_lines = value.line, value.item_lines
            return items
        return value

    def expression(
        self, value: Any, scope: dict[str, Any], loc: Location, hint: str | None = None
    ) -> Any:
        """A ``loop`` or ``when`` value: a plain YAML value, or an expression (``hint``:
        what to write when it cannot be read)."""
        if not isinstance(value, str):
            return value
        text = value
        one = _ONE_EXPR.fullmatch(value)
        if one:
            text = one.group("expr")
        try:
            return self._evaluate(text, scope)
        except jinja2.UndefinedError as exc:
            raise ScenarioError(
                f"undefined variable in {_short(value)}: {exc.message}", loc
            ) from None
        except jinja2.TemplateError as exc:
            raise ScenarioError(
                f"cannot read expression {_short(value)}: {exc}", loc, hint
            ) from None
        except Exception as exc:  # a user's expression may raise anything
            raise ScenarioError(_failure(value, exc, scope), loc) from None

    def steps(
        self, items: Any, phase: Phase, path: str, scope: dict[str, Any], line: int
    ) -> list[Step]:
        if items is None:
            return []
        if not isinstance(items, yamlio.YList):
            raise ScenarioError(
                f"must be a list of steps, found {kind_name(items)}",
                Location(self.file, line, path),
            )
        out: list[Step] = []
        for i, item in enumerate(items):
            loc = Location(self.file, items.line_of(i), f"{path}[{i}]")
            if not isinstance(item, yamlio.YMap):
                found = repr(item) if isinstance(item, str) else kind_name(item)
                raise ScenarioError(
                    f"a step must be a mapping with an 'action', found {found}",
                    loc,  # (hunt AX: a list of command lines, as a tutorial prints them)
                    f"write each command as a step: '- line: {item}' (ip, bridge, brctl),"
                    " or 'action: raw' with 'command:' for another program"
                    if isinstance(item, str) and item.strip()
                    else None,
                )
            out.extend(self._item(item, phase, loc, scope))
        return out

    def _count(self, made: list[Step], loc: Location) -> list[Step]:
        """Count steps where they are made (a block's steps are counted inside it, once)."""
        self.made += len(made)
        if self.made > MAX_STEPS:
            raise ScenarioError(
                f"makes more than {MAX_STEPS} steps", loc,
                "a lab that large is a mistake, or a bomb",
            )  # fmt: skip
        return made

    def _item(
        self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]
    ) -> list[Step]:
        if "script" in item:  # (its steps are counted where self.steps makes them)
            return self._shell_block(item, phase, loc, scope)
        if "when" in item:
            when_loc = loc.at("when", item.line_of("when"))
            if not self.expression(item["when"], scope, when_loc):
                return []
        scopes = [(scope, loc)]
        if "loop" in item:
            loop_loc = loc.at("loop", item.line_of("loop"))
            values = self.expression(item["loop"], scope, loop_loc, _LOOP_FORMS)
            if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
                raise ScenarioError(
                    f"loop must give a list (as in range(1, n + 1)), found {_short(values)}",
                    loop_loc,
                )
            values = list(itertools.islice(values, MAX_ITERATIONS + 1))
            self.iterations += len(values)
            if "steps" not in item and self.made + len(values) > MAX_STEPS:
                raise ScenarioError(
                    f"makes more than {MAX_STEPS} steps", loop_loc,
                    "a lab that large is a mistake, or a bomb",
                )  # fmt: skip
            if self.iterations > MAX_ITERATIONS:
                raise ScenarioError(
                    f"loops run more than {MAX_ITERATIONS} times in all", loop_loc,
                    "a lab that large is a mistake, or a bomb",
                )  # fmt: skip
            var = item.get("loop_var", "item")
            if not isinstance(var, str) or not var.isidentifier():
                raise ScenarioError(f"loop_var must be a name, found {var!r}", loc.at("loop_var"))
            scopes = [
                ({**scope, var: v}, Location(loc.file, loc.line, f"{loc.field}({var}={v})"))
                for v in values
            ]
            if "steps" in item:  # nested loops: refuse a bomb before building any of it
                at_least = 0
                for sub_scope, _ in scopes:
                    budget = MAX_STEPS - self.made - at_least
                    at_least += self._at_least(item["steps"], sub_scope, budget)
                    if self.made + at_least > MAX_STEPS:
                        raise ScenarioError(
                            f"makes more than {MAX_STEPS} steps", loop_loc,
                            "a lab that large is a mistake, or a bomb",
                        )  # fmt: skip
        elif "loop_var" in item:
            raise ScenarioError(
                "loop_var without loop", loc.at("loop_var", item.line_of("loop_var"))
            )
        out: list[Step] = []
        for sub_scope, sub_loc in scopes:
            if "steps" in item:
                out.extend(self._block(item, phase, sub_loc, sub_scope))
            elif "flap" in item:
                render = lambda v, where, sc=sub_scope: self.value(v, sc, where)  # noqa: E731
                out.extend(self._count(livesteps.flap_steps(item, sub_loc, render, phase), sub_loc))
            else:
                out.extend(self._count([self._step(item, phase, sub_loc, sub_scope)], sub_loc))
        return out

    def _at_least(self, items: Any, scope: dict[str, Any], budget: int) -> int:
        """How many steps ``items`` make at least, with their loops evaluated and nothing
        built, counted until the count passes ``budget``. A step with a ``when`` or a
        ``script`` block counts 0, anything malformed 0 (building it says what is wrong)."""
        total = 0
        if not isinstance(items, yamlio.YList):
            return 0
        for item in items:
            if total > budget:
                break
            if not isinstance(item, yamlio.YMap) or "when" in item or "script" in item:
                continue
            scopes: Iterable[dict[str, Any]] = [scope]
            if "loop" in item:
                try:
                    values = self.expression(item["loop"], scope, Location(self.file, 0, "loop"))
                except ScenarioError:
                    continue
                if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
                    continue
                values = list(itertools.islice(values, MAX_ITERATIONS + 1))
                var = item.get("loop_var", "item")
                if "steps" not in item:
                    total += len(values)
                    continue
                if not isinstance(var, str):
                    continue
                scopes = ({**scope, var: v} for v in values)
            if "steps" not in item:
                total += 1
                continue
            for sub_scope in scopes:
                total += self._at_least(item["steps"], sub_scope, budget - total)
                if total > budget:
                    break
        return total

    def _block(
        self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]
    ) -> list[Step]:
        render = lambda v, where: self.value(v, scope, where)  # noqa: E731
        f = Fields(item, loc, render, allowed_extra=("loop", "loop_var", "when", "steps"))
        title, prose = f.text("title"), f.text("prose")
        if "action" in item:
            f.fail("action", "a step has either 'action' or a block of 'steps', not both")
        f.finish()
        steps = self.steps(item["steps"], phase, f"{loc.field}.steps", scope, item.line_of("steps"))
        if steps and (title or prose) and steps[0].title is None:
            first = steps[0]
            steps[0] = Step(
                op=first.op, loc=first.loc, phase=first.phase, title=title,
                prose=first.prose or prose, output=first.output, sudo=first.sudo,
                expect=first.expect, timeout=first.timeout, stop_after=first.stop_after,
                may_fail=first.may_fail, background=first.background,
            )  # fmt: skip
        return steps

    def _shell_block(
        self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]
    ) -> list[Step]:
        """The author's shell text (a loop, a ``bash -c`` line, commands after ``nsenter``):
        ``script`` is printed as written, its ``steps`` (one command per iteration) run."""
        render = lambda v, where: self.value(v, scope, where)  # noqa: E731
        f = Fields(item, loc, render, allowed_extra=("steps",))
        text = f.req_text("script").rstrip("\n")
        title, prose, output = _one_line(f, "title"), f.text("prose"), f.text("output")
        variables, standalone = _variables(f), f.flag("standalone", True)
        for key in ("action", "loop", "loop_var", "when"):
            if key in item:
                f.fail(key, f"a 'script' block takes no '{key}'", "its 'steps' are what runs")
        if "steps" not in item:
            raise ScenarioError("a 'script' block needs 'steps' (the commands its text runs)", loc)
        f.finish()
        where = f"{loc.field}.steps"
        steps = self.steps(item["steps"], phase, where, scope, item.line_of("steps"))
        if not steps:
            f.fail("steps", "a 'script' block needs at least one step")
        for step in steps:
            if step.verbatim is not None:
                raise ScenarioError("a 'script' block cannot hold another", step.loc)
        first = steps[0]
        steps[0] = dataclasses.replace(
            first, verbatim=text, title=title or first.title, prose=prose or first.prose,
            variables=variables, standalone=standalone,
        )  # fmt: skip
        steps[1:] = [dataclasses.replace(s, joined=True) for s in steps[1:]]
        if output is not None:
            steps[-1] = dataclasses.replace(steps[-1], output=output)
        return steps

    def _step(self, item: yamlio.YMap, phase: Phase, loc: Location, scope: dict[str, Any]) -> Step:
        render = lambda v, where: self.value(v, scope, where)  # noqa: E731
        f = Fields(item, loc, render, allowed_extra=("loop", "loop_var", "when"))
        action = f.text("action")
        if "line" in item:
            op = line_op(f)
        elif action is None:
            raise ScenarioError(
                "a step needs an 'action' (or a 'line')", loc, f"one of: {', '.join(BUILDERS)}"
            )
        elif action not in BUILDERS:
            close = difflib.get_close_matches(action, list(BUILDERS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(BUILDERS)}"
            if action in OPS_BY_ACTION:
                hint = f"a {action!r} step is written as 'line: THE COMMAND'"
            f.fail("action", f"unknown action {action!r}", hint)
        else:
            op = BUILDERS[action](f)
        claims = []
        for value, claim_loc in f.items("expect"):
            if not isinstance(value, yamlio.YMap):
                raise ScenarioError(f"a claim must be a mapping, found {value!r}", claim_loc)
            cf = Fields(value, Location(claim_loc.file, value.line, claim_loc.field), render)
            claims.append(claim(cf))
            cf.finish()
        step = Step(
            op=op,
            loc=loc,
            phase=phase,
            title=_one_line(f, "title"),
            prose=f.text("prose"),
            output=f.text("output"),
            sudo=f.opt_flag("sudo"),
            expect=tuple(claims),
            timeout=f.seconds("timeout"),
            stop_after=f.seconds("stop_after"),
            may_fail=f.flag("may_fail"),
            background=f.flag("background"),
        )
        if step.timeout is not None and (step.stop_after or 0) >= step.timeout:
            f.fail("stop_after", "must be shorter than 'timeout' (the hard limit)")
        if isinstance(op, Probe) and op.count is None and step.stop_after is None:
            f.fail(
                "stop_after",
                "a ping without -c runs until it is stopped: give 'stop_after' (seconds)"
                " or a count (-c)",
            )
        if step.background and not isinstance(op, Raw | NetnsExec):
            f.fail("background", "only a command kept as written (raw, netns exec) runs so")
        if step.background and step.stop_after is not None:
            f.fail("background", "a job in the background is stopped at undo, not by stop_after")
        f.finish()
        return step


def _one_line(f: Fields, key: str) -> str | None:
    value = f.text(key)
    if value is not None and "\n" in value.strip():
        f.fail(key, "a title is one line", "put longer text in 'prose'")
    return value.strip() if value is not None else None


def _variables(f: Fields) -> tuple[tuple[str, ShellValue], ...]:
    """A script block's ``variables``: NAME: a value (a string), or an array's elements by
    subscript (a mapping); a printed script sets them before the block's text."""
    value = f.raw("variables")
    if value is MISSING or value is None:
        return ()
    if not isinstance(value, dict):
        f.fail("variables", f"must be a mapping of NAME: VALUE, found {kind_name(value)}")
    out: list[tuple[str, ShellValue]] = []
    for name, item in value.items():
        if not isinstance(name, str) or not SHELL_NAME.fullmatch(name):
            f.fail("variables", f"{name!r} is not a shell variable's name", "letters, digits, _")
        if isinstance(item, dict):
            out.append((name, tuple((str(k), _scalar(f, name, v)) for k, v in item.items())))
        else:
            out.append((name, _scalar(f, name, item)))
    return tuple(out)


def _scalar(f: Fields, name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        f.fail("variables", f"{name}: must be a string (or an array's elements by subscript)")
    return str(value)
