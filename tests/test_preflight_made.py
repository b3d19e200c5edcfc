"""The preflight looks for the programs a lab starts before anything runs; a program the
lab's own earlier step makes is not the host's to have (hunts AG, AH).

``curl ... | sudo tar -C /opt/cni/bin -xz`` then ``/opt/cni/bin/bridge < 10-mynet.conf``,
and ``git clone ... && cd iperf && ./configure && make``: the run was refused, "this host
does not have /opt/cni/bin/bridge ... ./configure", though the page fetches and builds
them itself. A program started by its path after a step that fetches, unpacks, builds,
copies or writes files is not looked for; one named by a bare word still is
(``ovs-vsctl``), unless the page installs it (``make install``, as ``apt-get install``).
"""

from __future__ import annotations

import os
import shutil

from iplab import programs, scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.plan import Plan, build
from tests.conftest import FIXTURES

PAGE = FIXTURES / "preflight" / "cni-fetch-build.md"


def _plan(text: str) -> Plan:
    result = import_text(text, detect_kind("page.md", text), "page.md")
    return build(scenario.load_text(result.yaml, "page.yaml"))


def test_a_program_the_page_fetches_or_builds_is_not_looked_for() -> None:
    lacking = programs.missing(_plan(PAGE.read_text(encoding="utf-8")))
    assert "/opt/cni/bin/bridge" not in lacking
    assert "./configure" not in lacking
    if shutil.which("ovs-vsctl") is None:
        assert "ovs-vsctl" in lacking  # (a bare name the page never installs)


def test_the_same_program_without_the_step_that_makes_it_is_refused() -> None:
    text = PAGE.read_text(encoding="utf-8")
    fetch = next(line for line in text.splitlines() if line.startswith("curl "))
    build_line = next(line for line in text.splitlines() if line.startswith("git clone"))
    unmade = text.replace(fetch + "\n", "").replace(build_line, "cd iperf && ./configure")
    lacking = programs.missing(_plan(unmade))
    if not os.path.exists("/opt/cni/bin/bridge"):
        assert "/opt/cni/bin/bridge" in lacking
    assert "./configure" in lacking


def test_a_page_that_installs_what_it_builds_is_not_refused_a_bare_name() -> None:
    text = "```bash\nsudo make install\nsudo ip netns add x\nsudo ovs-vsctl show\n```\n"
    assert "ovs-vsctl" not in programs.missing(_plan(text))
