"""Hunt EP: an XDP tutorial's Makefile (tests/fixtures/scripts-ep/ep07-xdp-filter-makefile/,
re-typed after Raihan-009's IPv6-packet-filter-xdp) has a ``clean`` target, ``sudo ip netns
delete xnode`` (``node`` in the original), for a namespace no target makes. Imported from
``make -n pseudo-env clean``, its raw steps before the teardown (``chmod +x ./netns.sh``,
``rm -rf ebpf/v6drop.o``) made the model unsure, so the delete of a namespace it never saw
was a warning, and the namespace was not taken for a raw step's as a link or a namespace a
step uses is. The run then deleted whatever namespace of that name the host had: with
--prefix too, since an unknown name is not renamed (seen in this hunt with a namespace of
its own standing for the host's: ``ip netns delete epxhost`` ran, and epxhost was gone). A
namespace deleted but never seen made is now taken for a raw step's: the host's own of that
name is refused before anything runs, and under --prefix the run refuses to delete it by its
own name."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab import lab, scenario
from iplab.importer.convert import import_text
from iplab.importer.formats import not_a_script
from iplab.model import ModelError
from iplab.plan import build
from tests.conftest import FIXTURES, REPO
from tests.kernel import SKIP, apart

EP07 = FIXTURES / "scripts-ep" / "ep07-xdp-filter-makefile"

SCENARIO = """name: t
setup:
  - line: ip link add v1 type veth peer name v2
  - action: raw
    command: rm -rf build/prog.o
teardown:
  - line: ip netns delete node
"""


def _make_n(makefile: str, *goals: str) -> str:
    """What ``make -n GOAL...`` prints for a Makefile of plain rules and ``@`` recipes."""
    recipes: dict[str, list[str]] = {}
    target = ""
    for line in makefile.splitlines():
        if line.startswith("\t") and target:
            recipes[target].append(line[1:].removeprefix("@").strip())
        elif line.endswith(":") and not line.startswith("#"):
            target = line[:-1]
            recipes[target] = []
    return "".join(f"{line}\n" for goal in goals for line in recipes[goal])


def test_the_xdp_makefile_s_clean_namespace_is_taken_for_a_raw_step_s() -> None:
    """The re-typed Makefile (its ``clean`` deletes ``xnode``, which no target makes): refused
    with the way out, and what that way out prints adopts xnode rather than deleting it as
    the lab's."""
    text = (EP07 / "Makefile").read_text(encoding="utf-8")
    said = not_a_script(str(EP07 / "Makefile"), text)
    assert said is not None and "make -n pseudo-env clean" in said, said
    printed = _make_n(text, "pseudo-env", "clean")
    assert printed.endswith("sudo ip netns delete xnode\n"), printed
    result = import_text(printed, "shell", "-", name="lab", base=EP07)
    assert result.model_error is None, result.model_error
    plan = build(scenario.load_text(result.yaml, "lab.yaml"))
    assert "xnode" in plan.owned.adopted, plan.owned.adopted
    with pytest.raises(ModelError, match=r"would change this host's own namespace xnode"):
        lab._hosts_own(plan, set(), {"xnode"})


def test_a_namespace_deleted_but_never_made_is_taken_for_a_raw_step_s() -> None:
    plan = build(scenario.load_text(SCENARIO, "t.yaml"))
    assert "node" in plan.owned.adopted


def test_the_host_s_own_namespace_of_that_name_is_refused() -> None:
    plan = build(scenario.load_text(SCENARIO, "t.yaml"))
    with pytest.raises(ModelError, match=r"would change this host's own namespace node"):
        lab._hosts_own(plan, set(), {"node"})


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_host_s_namespace_is_left_as_it_was(tmp_path: Path) -> None:
    """Apart (its own network namespace and /run/netns, where ``node`` stands for the
    host's): refused before anything runs, and node is still there."""
    (tmp_path / "lab.yaml").write_text(SCENARIO.replace("node", "epnode"))
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    run = f"IPLAB_STATE_DIR={state} PYTHONPATH={REPO} {sys.executable} -m iplab"
    done = apart(
        f"ip netns add epnode\ncd {tmp_path}\n{run} run lab.yaml >out 2>&1\n"
        "echo rc=$?\nip netns list | grep -c epnode || true\nip -o link | grep -c ' v1' || true\n"
        "cat out\n"
    )
    assert done.stdout.startswith("rc=2\n1\n0\n"), done.stdout + done.stderr
    assert "would change this host's own namespace epnode" in done.stdout, done.stdout
