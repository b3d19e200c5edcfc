"""iplab: render, run, verify, undo and audit Linux network-namespace labs.

The public API (everything else in the package is private)::

    import iplab

    scenario = iplab.Scenario.load("container-networking-part2", prefix="t1")
    with iplab.up(scenario) as lab:          # downed on exit, on errors, on Ctrl-C
        lab.exec("ns1", "ip", "-br", "link")
        assert lab.verify() == []

See docs/api.md. The names below are imported when first used, so that
``import iplab`` (and the command line's start-up) stays quick.

The stages, in order (docs/architecture.md draws them):

1. load: ``yamlio`` -> ``scenario`` -> ``expand`` (``topology``, ``livesteps``) -> ``fields``
   -> ``actions`` -> typed ``steps``;
2. plan: ``plan`` (prefix, sudo, probes) with the model: ``state`` (the State type and the
   one replay), ``model`` (each op's rules), ``inverse`` (each op's undo), ``claims``;
   ``render`` (templates, ``sandbox``) -> exact commands; ``export``;
3. run: ``lab`` -> ``batch``, ``context``, ``journal`` (write-ahead) -> ``runner`` (the only
   process starter) -> ``audit``; ``undo`` (down from the journal); ``live``, ``matrix``;
4. observe: ``iproute`` (``ip -j``) or ``netlink`` -> ``peers`` -> State; ``verify``
   (typed differences), ``status``.

Beside them: ``cli/`` (the command line), ``graph/`` (pictures), ``importer/`` (tutorials
-> scenarios), and the line grammar ``ipgrammar``/``lineparse``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# the one place the version is written (pyproject.toml reads it from here)
__version__ = "0.1.0"

#: public name -> the private module that defines it
_EXPORTS = {
    "Scenario": "iplab.api",
    "Lab": "iplab.api",
    "LabError": "iplab.api",
    "up": "iplab.api",
    "labs": "iplab.api",
    "State": "iplab.state",
    "Namespace": "iplab.state",
    "Link": "iplab.state",
    "Route": "iplab.state",
    "Difference": "iplab.verify",
    "DifferenceKind": "iplab.verify",
    "Result": "iplab.runner",
    "IplabError": "iplab.errors",
    "ScenarioError": "iplab.errors",
    "UsageError": "iplab.errors",
    "PrivilegeError": "iplab.errors",
    "LockedError": "iplab.errors",
}

__all__ = [
    "Difference",
    "DifferenceKind",
    "IplabError",
    "Lab",
    "LabError",
    "Link",
    "LockedError",
    "Namespace",
    "PrivilegeError",
    "Result",
    "Route",
    "Scenario",
    "ScenarioError",
    "State",
    "UsageError",
    "__version__",
    "labs",
    "up",
]

if TYPE_CHECKING:
    from iplab.api import Lab as Lab
    from iplab.api import LabError as LabError
    from iplab.api import Scenario as Scenario
    from iplab.api import labs as labs
    from iplab.api import up as up
    from iplab.errors import IplabError as IplabError
    from iplab.errors import LockedError as LockedError
    from iplab.errors import PrivilegeError as PrivilegeError
    from iplab.errors import ScenarioError as ScenarioError
    from iplab.errors import UsageError as UsageError
    from iplab.runner import Result as Result
    from iplab.state import Link as Link
    from iplab.state import Namespace as Namespace
    from iplab.state import Route as Route
    from iplab.state import State as State
    from iplab.verify import Difference as Difference
    from iplab.verify import DifferenceKind as DifferenceKind
else:

    def __getattr__(name):
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'iplab' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
