"""iplab from Python: load a scenario, bring a lab up, use it, take it down.

::

    import iplab

    scenario = iplab.Scenario.load("container-networking-part2", prefix="t1")
    print(scenario.render(setup=True))
    with iplab.up(scenario) as lab:          # journaled; downed on exit, error or Ctrl-C
        print(lab.exec("ns1", "ip", "-br", "link").stdout)
        assert lab.verify() == []            # the kernel holds what the scenario promises
        print(lab.state().namespaces)        # the live state, parsed into typed objects

This module is a thin layer over the stages the command line uses (``scenario``
-> ``plan`` -> ``lab`` -> ``iproute`` / ``verify``): the same plan, the same
journal, the same audit log. Heavy modules are imported when first used, so
``import iplab`` stays quick.

Why this module is long: the whole public API on one page (Scenario, up, labs, Lab): what a
user reads to drive iplab from Python, documented in docs/api.md from these docstrings.
"""

from __future__ import annotations

import io
import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from types import TracebackType

    from iplab import scenario as _scenario
    from iplab.context import Env
    from iplab.journal import LabInfo
    from iplab.plan import Plan
    from iplab.runner import Result
    from iplab.state import State
    from iplab.verify import Difference

__all__ = ["Lab", "LabError", "Scenario", "labs", "up"]

Format = Literal["text", "script", "markdown"]
PathLike = str | os.PathLike[str]


def _errors() -> Any:
    from iplab import errors

    return errors


class LabError(Exception):
    """A lab could not be brought up, or taken down completely.

    It is also an :class:`iplab.IplabError` in spirit: ``str(error)`` is meant
    for people (what failed, and what iplab printed about it).
    """


class Scenario:
    """A scenario, loaded, validated and planned (every command rendered, nothing run).

    Use :meth:`Scenario.load`. Loading checks everything the command line checks
    before it runs anything; an invalid scenario raises :class:`iplab.ScenarioError`
    naming the file, the line and the field.
    """

    def __init__(
        self,
        loaded: _scenario.Scenario,
        prefix: str,
        templates: tuple[Path, ...],
        pairs: tuple[str, ...] | None = None,
    ):
        import dataclasses

        from iplab.plan import build

        self._loaded = loaded
        self._templates = templates
        self._pairs = pairs
        self._plan: Plan = build(loaded, prefix, templates)
        if pairs is not None:  # the lab's record keeps them: `iplab verify LAB`, labs()
            self._plan = dataclasses.replace(self._plan, var_pairs=pairs)

    @classmethod
    def load(
        cls,
        path_or_name: PathLike,
        vars: Mapping[str, Any] | None = None,
        prefix: str = "",
        templates: Sequence[PathLike] = (),
    ) -> Scenario:
        """Load a scenario file, or a bundled scenario by name.

        ``vars`` override the scenario's variables (as ``--var`` does); ``prefix``
        renames every namespace and link the scenario creates to ``prefix + name`` (a
        link name that grows past 15 characters, shortened as ``--prefix`` says);
        ``templates`` are directories whose templates override the bundled ones.
        A scenario's YAML text is :meth:`from_text`'s, a dict :meth:`from_dict`'s
        (given here, either is a :class:`iplab.UsageError` naming the way).
        """
        from iplab import scenario

        _check_path(path_or_name)
        loaded = scenario.load(os.fspath(path_or_name), dict(vars or {}))
        return cls(loaded, prefix, tuple(Path(t) for t in templates), _var_pairs(vars or {}))

    @classmethod
    def from_text(
        cls,
        text: str,
        vars: Mapping[str, Any] | None = None,
        prefix: str = "",
        templates: Sequence[PathLike] = (),
        *,
        source: str = "<text>",
    ) -> Scenario:
        """A scenario written inline, as YAML text (what a scenario file holds); as
        :meth:`load` otherwise. Messages name ``source`` and the line in ``text``. A lab
        of it has no file: :meth:`Lab.verify` of one found by :func:`labs` needs it again.
        """
        from iplab import scenario

        loaded = scenario.load_text(text, source, dict(vars or {}))
        return cls(loaded, prefix, tuple(Path(t) for t in templates), _var_pairs(vars or {}))

    @classmethod
    def from_dict(
        cls,
        doc: Mapping[str, Any],
        vars: Mapping[str, Any] | None = None,
        prefix: str = "",
        templates: Sequence[PathLike] = (),
    ) -> Scenario:
        """A scenario written inline, as the mapping its YAML would load to (``name``,
        ``setup``...); as :meth:`from_text` of that YAML (messages name ``<dict>``)."""
        import yaml

        try:
            text = yaml.safe_dump(dict(doc), sort_keys=False)
        except yaml.YAMLError as exc:
            raise _errors().UsageError(
                f"Scenario.from_dict: a value YAML cannot write ({exc})",
                hint="strings, numbers, booleans, lists and dicts",
            ) from None
        return cls.from_text(text, vars, prefix, templates, source="<dict>")

    def with_prefix(self, prefix: str) -> Scenario:
        """The same scenario with another prefix."""
        return Scenario(self._loaded, prefix, self._templates, self._pairs)

    @property
    def name(self) -> str:
        """The scenario's ``name``."""
        return self._loaded.name

    @property
    def title(self) -> str | None:
        return self._loaded.title

    @property
    def path(self) -> str:
        """The file it was loaded from."""
        return self._loaded.path

    @property
    def prefix(self) -> str:
        return self._plan.prefix

    @property
    def namespaces(self) -> frozenset[str]:
        """The namespaces the scenario creates (with the prefix)."""
        return self._plan.owned.netns

    @property
    def links(self) -> frozenset[str]:
        """The links the scenario creates (with the prefix)."""
        return self._plan.owned.links

    @property
    def commands(self) -> list[str]:
        """Every command line, setup then teardown, exactly as printed and run."""
        return [pc.command.text for pc in self._plan.commands]

    def render(self, setup: bool | None = None, format: Format = "text") -> str:
        """The command lines as text, a bash script or a Markdown page (``iplab render``).

        ``setup=True``: only the setup steps; ``setup=False``: only the teardown;
        ``None`` (the default): both.
        """
        from iplab import export

        if format not in export.FORMATS:
            raise _errors().UsageError(f"format {format!r}: use one of {', '.join(export.FORMATS)}")
        which = "all" if setup is None else "setup" if setup else "teardown"
        return export.export(self._plan, format, which)

    def __repr__(self) -> str:
        return f"<iplab.Scenario {self.name} prefix={self.prefix!r} path={self.path!r}>"


def _check_path(path_or_name: object) -> None:
    """What :meth:`Scenario.load` takes: a path or a bundled scenario's name (hunt X: a dict
    was a raw TypeError, YAML text a "no such scenario file" quoting the whole text)."""
    usage = _errors().UsageError
    if isinstance(path_or_name, Mapping):
        raise usage(
            "Scenario.load takes a file or a bundled scenario's name, not a dict",
            hint="Scenario.from_dict({...}) for a scenario written inline",
        )
    if isinstance(path_or_name, str) and "\n" in path_or_name:
        raise usage(
            "Scenario.load takes a file or a bundled scenario's name, not YAML text",
            hint="Scenario.from_text(TEXT) for a scenario written inline",
        )
    if not isinstance(path_or_name, str | os.PathLike):
        raise usage(
            "Scenario.load takes a file or a bundled scenario's name,"
            f" not {type(path_or_name).__name__}",
            hint="Scenario.from_text(TEXT) or Scenario.from_dict({...}) for one written inline",
        )


def _var_pairs(vars: Mapping[str, Any]) -> tuple[str, ...] | None:
    """``vars`` as ``--var NAME=VALUE`` pairs (each value in JSON, which ``--var`` reads
    back as YAML), for the lab's record; None when a value has no JSON form."""
    import json

    try:
        return tuple(f"{key}={json.dumps(value)}" for key, value in vars.items())
    except (TypeError, ValueError):
        return None


def _env(state_dir: PathLike | None, out: TextIO, err: TextIO, fields: Mapping[str, Any]) -> Env:
    from iplab import statedir
    from iplab.context import make_env

    where = None if state_dir is None else Path(state_dir)
    env = make_env(statedir.resolve(where), out, err)
    env.context.update(fields)
    return env


def _exists(env: Env, name: str) -> bool:
    from iplab.journal import Journal, lab_dir

    return Journal(lab_dir(env.state_dir, name)).exists()


def _text(*streams: TextIO) -> str:
    parts = [s.getvalue().strip() for s in streams if isinstance(s, io.StringIO)]
    return "\n".join(p for p in parts if p)


def up(
    scenario: Scenario | PathLike,
    *,
    state_dir: PathLike | None = None,
    prefix: str | None = None,
    name: str | None = None,
    vars: Mapping[str, Any] | None = None,
    verify: bool = True,
    out: TextIO | None = None,
    audit: Mapping[str, Any] | None = None,
) -> Lab:
    """Bring a lab up (``iplab up``): run the setup, journaled, and verify it.

    ``scenario`` is a :class:`Scenario` or what :meth:`Scenario.load` takes;
    ``prefix`` (if given) replaces the scenario's; ``name`` defaults to prefix +
    scenario name; ``state_dir`` defaults as for the command line
    (``$IPLAB_STATE_DIR``, ``/var/lib/iplab`` for root, ``~/.local/state/iplab``).
    Progress goes to ``out`` (default: kept in :attr:`Lab.log`); ``audit`` adds
    fields to every audit record of the lab (the pytest plugin adds ``test``).

    Raises :class:`LabError` when a command fails or the kernel does not hold what
    the scenario promises: what ran is undone first, nothing of the lab remains.
    A KeyboardInterrupt during the setup also undoes it, then propagates.
    """
    from iplab import lab as _lab
    from iplab import names

    sc = scenario if isinstance(scenario, Scenario) else Scenario.load(scenario, vars, prefix or "")
    if vars is not None and isinstance(scenario, Scenario):
        raise _errors().UsageError("vars: pass them to Scenario.load, not to up()")
    if prefix is not None and prefix != sc.prefix:
        sc = sc.with_prefix(prefix)
    lab_name = name or f"{sc.prefix}{sc.name}"
    if problem := names.netns_name_problem(lab_name):
        raise _errors().UsageError(f"lab name: {problem.replace('namespace name', 'lab name')}")
    log, err = out or io.StringIO(), io.StringIO()
    env = _env(state_dir, log, err, audit or {})
    existed = _exists(env, lab_name)
    try:
        rc = _lab.up(env, sc._plan, lab_name, _lab.Options(verify=verify))
    except BaseException:
        # an interrupt between the lab's record and the run's own signal handling: undo here
        if not existed and _exists(env, lab_name):
            _lab.down(env, lab_name)
        raise
    if rc == 130:  # interrupted: lab.up has rolled back what ran
        raise KeyboardInterrupt
    if rc != 0:
        if _exists(env, lab_name):  # up, but not as promised (a claim or the verification)
            _lab.down(env, lab_name)
        raise LabError(
            f"lab {lab_name} did not come up as the scenario promises:\n{_text(log, err)}"
        )
    return Lab(env, _lab.lab_info(env.state_dir, lab_name), sc, log)


def labs(state_dir: PathLike | None = None) -> list[Lab]:
    """The labs that are up in ``state_dir`` (``iplab ls``), ready to use or take down.

    A lab found this way has no :class:`Scenario` in memory: :meth:`Lab.verify`
    reads the one of its record (file, prefix, vars), as ``iplab verify LAB`` does.
    """
    from iplab import lab as _lab

    env = _env(state_dir, io.StringIO(), io.StringIO(), {})
    return [Lab(env, info, None, io.StringIO()) for info in _lab.list_labs(env.state_dir)]


class Lab:
    """A lab that is up: its namespaces and links exist on this host.

    Returned by :func:`up` and :func:`labs`. As a context manager it takes the lab
    down when the block ends, however it ends (an exception, a KeyboardInterrupt).

    Threads: the API works from any thread (a lab may come up in one thread, be used
    from several at once and be taken down in another). Only in the main thread does a
    setup or a teardown handle SIGINT/SIGTERM/SIGHUP/SIGQUIT itself; elsewhere a signal is the
    main thread's business (Python runs handlers there only).
    """

    def __init__(self, env: Env, info: LabInfo, scenario: Scenario | None, log: TextIO) -> None:
        self._env = env
        self._info = info
        self.scenario = scenario
        self._log = log
        self.is_up = True
        env.context.update({"lab": info.lab, "run": info.run})

    # -- what it is ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The lab's name (``iplab down NAME``)."""
        return self._info.lab

    @property
    def prefix(self) -> str:
        return self._info.prefix

    @property
    def run(self) -> str:
        """The run id every audit record of this lab carries."""
        return self._info.run

    @property
    def state_dir(self) -> Path:
        return self._env.state_dir

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The namespaces the lab owns, as the kernel names them (with the prefix)."""
        return tuple(self._info.owned_netns)

    @property
    def links(self) -> tuple[str, ...]:
        """The links the lab owns, as the kernel names them (with the prefix)."""
        return tuple(self._info.owned_links)

    @property
    def log(self) -> str:
        """What :func:`up` printed (the numbered commands, claims, verification)."""
        return self._log.getvalue() if isinstance(self._log, io.StringIO) else ""

    def netns(self, name: str) -> str:
        """The kernel's name of one of the lab's namespaces: ``ns1`` or ``<prefix>ns1``.

        Any other name is a :class:`iplab.UsageError`: iplab only runs commands in
        namespaces the lab owns.
        """
        owned = self._info.owned_netns
        for candidate in (name, f"{self.prefix}{name}"):
            if candidate in owned:
                return candidate
        raise _errors().UsageError(
            f"namespace {name!r} is not one of lab {self.name}'s",
            hint=f"its namespaces: {', '.join(owned) or 'none'}",
        )

    # -- using it -----------------------------------------------------------------------------

    def exec(self, ns: str, *argv: str, check: bool = False, input: str | None = None) -> Result:
        """Run ``argv`` inside the lab's namespace ``ns`` (``ip netns exec``), audited.

        Returns the :class:`iplab.Result` (``rc``, ``stdout``, ``stderr``, ``ok``);
        with ``check=True`` a non-zero exit raises :class:`LabError`. A Ctrl-C while it
        waits (a server that never ends) kills the command's whole process group at once,
        then the KeyboardInterrupt propagates.
        """
        self._require_up()
        if not argv:
            raise _errors().UsageError("exec: name a command to run")
        real = self.netns(ns)
        full = ("ip", "netns", "exec", real, *argv)
        text = shlex.join(full)
        result = self._env.runner.execute(
            full, True, stdin=input, meta={"kind": "exec", "text": text}
        )
        if check and not result.ok:
            raise LabError(
                f"{text}: exit {result.rc}: {result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def state(self) -> State:
        """The live state of the lab, parsed from ``ip -j``: its namespaces with their
        links (kind, up, peer, master, addresses...), and in the root namespace only
        the lab's own links."""
        from iplab import iproute
        from iplab.names import ROOT
        from iplab.state import Namespace, State

        self._require_up()
        live = iproute.read_state(self._env.runner, sorted(self._info.owned_netns))
        root = live.namespaces[ROOT]
        owned = set(self._info.owned_links)
        mine = Namespace(ROOT, {n: link for n, link in root.links.items() if n in owned})
        spaces = {ROOT: mine} | {k: v for k, v in live.namespaces.items() if k != ROOT}
        return State(namespaces=spaces)

    def verify(self, scenario: Scenario | None = None) -> list[Difference]:
        """How the kernel differs from what the scenario promises after its setup
        (``iplab verify``): an empty list when it holds all of it.

        Without ``scenario``: the lab's own. A lab found by :func:`labs` reads it from its
        record, as ``iplab verify LAB`` does: the scenario file (as it is now), the prefix
        and the vars it came up with. A ``scenario`` given must have the lab's prefix
        (:class:`iplab.UsageError` otherwise: its names are not the lab's). The steps that
        may fail and failed when the lab came up changed nothing and are expected to
        have made nothing, as ``up``'s own verification and ``iplab verify LAB`` have it.
        """
        from iplab import lab as _lab

        self._require_up()
        if scenario is not None and scenario.prefix != self.prefix:
            raise _errors().UsageError(
                f"lab {self.name} has prefix {self.prefix!r}, the scenario given"
                f" {scenario.prefix!r}: its names are not the lab's",
                hint="lab.verify() (the lab's own scenario, prefix and vars), or"
                f" Scenario.load(..., prefix={self.prefix!r})",
            )
        sc = scenario or self.scenario
        if sc is None:
            return self._verify_recorded()
        # (hunt AY: a lab whose `|| true` step failed on this kernel came up verified, and
        # lab.verify() then named what that step would have made as missing)
        from iplab.journal import Journal, lab_dir

        built = sc._plan
        failed = Journal(lab_dir(self.state_dir, self.name)).failed_steps_of(
            self._info, built.scenario.sha256, built.var_pairs
        )
        return _lab.live_differences(self._env, built, without=failed, lab=self.name)[1]

    def _verify_recorded(self) -> list[Difference]:
        """verify() against the scenario, prefix and vars of the lab's record, without the
        steps that may fail and failed in its run (as ``iplab verify LAB``)."""
        from iplab import lab as _lab
        from iplab import plan
        from iplab.journal import Journal, lab_dir

        journal = Journal(lab_dir(self.state_dir, self.name))
        info = journal.info()
        if journal.recovered:
            raise _errors().UsageError(
                f"lab {self.name}: {journal.recovered}: it named the scenario and the prefix"
                " that verify needs",
                hint="lab.verify(Scenario.load(SCENARIO, prefix=...))",
            )
        if info.scenario.startswith("<"):  # Scenario.from_text / from_dict: no file
            raise _errors().UsageError(
                f"lab {self.name} came up from a scenario written inline ({info.scenario}):"
                " no file to read it from",
                hint="lab.verify(Scenario.from_text(...) or Scenario.from_dict(...))",
            )
        templates = tuple(Path(t) for t in info.templates)
        built = plan.load(info.scenario, info.var_pairs, info.prefix, templates)
        failed = journal.failed_steps(info.run)
        return _lab.live_differences(self._env, built, without=failed, lab=self.name)[1]

    def leftovers(self) -> list[str]:
        """The lab's namespaces and root-namespace links that exist on the host now."""
        from iplab import iproute

        links, netns = iproute.read_names(self._env.runner)
        return sorted(set(self._info.owned_netns) & netns) + sorted(
            set(self._info.owned_links) & links
        )

    def down(self) -> None:
        """Take the lab down from its journal (``iplab down``). Calling it again does nothing.

        Raises :class:`LabError` when something could not be undone (the journal is
        kept: ``iplab down NAME`` tries again).
        """
        from iplab import lab as _lab

        if not self.is_up:
            return
        if _lab.down(self._env, self.name) != 0:
            raise LabError(
                f"lab {self.name} could not be taken down completely:\n{_text(self._env.err)}"
            )
        self.is_up = False

    def _require_up(self) -> None:
        if not self.is_up:
            raise _errors().UsageError(f"lab {self.name} is down")

    def __enter__(self) -> Lab:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.down()
            return
        try:
            self.down()
        except Exception as problem:  # the block's own exception is the one to see
            exc.add_note(f"iplab: and taking lab {self.name} down failed: {problem}")

    def __repr__(self) -> str:
        state = "up" if self.is_up else "down"
        return f"<iplab.Lab {self.name} ({state}) namespaces={list(self.namespaces)}>"
