"""Hunt EF #4: a namespace of the lab deleted by someone else (``ip netns del efx4ns1`` in
another shell) after the last step that used it, before ``up``'s verification. The up
ended "verify: 2 differences", the lab up, exit 1, and the differences said
"efx4ns1.exists: expected a namespace, found none" and "efx4vethY.netns: expected root,
found none": not that the lab's namespace was deleted by something else, as the failed
step of an up says it (hunt EB), nor that the veth went with it.

``up``'s verification and ``iplab verify LAB`` now say it in one line: the namespace, which
the lab made, is gone, something else deleted it, and the veth that went with it. The
kernel test runs in network and mount namespaces of its own (tests/kernel.py ``apart``),
prefix ``efx``; iplab stops itself once its last change is recorded
(``IPLAB_FAULT=SIGSTOP@after-outcome:14``), and the script deletes the namespace then.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.kernel import apart

IPLAB = f"{sys.executable} -m iplab"
LAB = "efx4container-networking-part2"
SAID = (
    "namespace efx4ns1, which the lab made, is gone: something else deleted it (`ip netns"
    " del` in another shell, another tool's cleanup); efx4vethY went with it (the peer of a"
    " veth in it)"
)


@pytest.mark.kernel
def test_a_namespace_deleted_before_up_s_verification_is_said_deleted(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = apart(
        f"IPLAB_FAULT=SIGSTOP@after-outcome:14 {IPLAB} up container-networking-part2"
        f" --prefix efx4 --state-dir {state} 2>/dev/null & pid=$!\n"
        "for i in $(seq 500); do grep -qs '^State:.*stopped' /proc/$pid/status && break;"
        " sleep 0.02; done\n"
        "ip netns del efx4ns1 || echo no-ns\n"
        "kill -CONT $pid; wait $pid; echo up=$?\n"
        f"{IPLAB} verify {LAB} --state-dir {state}; echo verify=$?\n"
        f"{IPLAB} down {LAB} --state-dir {state} >/dev/null 2>&1; echo down=$?\n"
        "echo left: $(ls /run/netns) $(ip -br link | grep -c efx4)",
        timeout=60,
    )
    said = run.stdout + run.stderr
    assert "no-ns" not in said and "up=1" in run.stdout and "verify=1" in run.stdout, said
    assert f"verify: {SAID}\n" in run.stdout, said  # (up's verification)
    assert f"\n{SAID}\nFAILED: 2 differences" in run.stdout, said  # (iplab verify LAB)
    assert "down=0" in run.stdout and "left: 0\n" in run.stdout, said
