"""Hunt AF #8 on the real kernel: ``up --dry-run`` of the hunt's page reads the host's root
links (their altnames too) and refuses ``python3 -c "...os.system('ip link set eth0
promisc on')"`` before anything runs; before, it showed the line would run.

Each test runs in a network namespace of its own with its own /run/netns (tests/kernel.py
``apart``), which iplab takes for the host: its eth0 is the test's own veth.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO
from tests.kernel import apart

pytestmark = pytest.mark.kernel

PAGE = REPO / "tests" / "fixtures" / "adversarial-7" / "af07-interpreters.md"
IPLAB = f"{sys.executable} -m iplab"


@pytest.mark.parametrize(
    "make",
    [
        "ip link add eth0 type veth peer name hAFk1",  # (the host's eth0, by its name)
        "ip link add hAFk0 type veth peer name hAFk1 && ip link property add dev hAFk0"
        " altname eth0",  # (another link's altname: it names that link as well)
    ],
)
def test_the_dry_run_refuses_a_raw_step_naming_a_link_of_the_host(make: str) -> None:
    run = apart(
        f"{make} || exit 98\n"
        f"{IPLAB} import {PAGE} -o /tmp/af07.yaml >/dev/null 2>&1 || exit 9\n"
        f"IPLAB_STATE_DIR=$(mktemp -d) {IPLAB} up /tmp/af07.yaml --prefix hAF --dry-run;"
        " echo iplab=$?\nrm -f /tmp/af07.yaml",
        timeout=120,
    )
    said = run.stdout + run.stderr
    assert "iplab=2" in run.stdout, said
    assert "setup[1]: `python3 -c" in run.stderr and "names eth0, a link of this host's" in said
    assert "DRY RUN: sudo python3" not in run.stdout and "DRY RUN: python3" not in said
