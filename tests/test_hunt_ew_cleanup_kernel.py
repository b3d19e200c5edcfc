"""Hunt EW, on the kernel: mscs-playbook's lab of two scripts
(tests/fixtures/scripts-ew/ew02-mscs-namespaces-routing/: setup.sh makes ns1, ns2 and a
router r1 wired by two veth pairs; teardown.sh deletes the three namespaces), imported with
``--cleanup``, goes up with ``--prefix``, verifies, and down leaves nothing: the teardown
that runs is the cleanup file's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kernel import SKIP, cleanup_prefix, iplab, netns_names, root_links

PAIR = Path(__file__).parent / "fixtures/scripts-ew/ew02-mscs-namespaces-routing"
PREFIX = "ewx101"


@pytest.fixture
def own() -> Iterator[str]:
    """The test's prefix; whatever carries it is deleted afterwards, even on a failure."""
    yield PREFIX
    cleanup_prefix(PREFIX, family="ewx")


@pytest.mark.kernel
@pytest.mark.skipif(SKIP is not None, reason=str(SKIP))
def test_the_pair_goes_up_verifies_and_goes_down_to_nothing(tmp_path: Path, own: str) -> None:
    for name in ("setup.sh", "teardown.sh"):
        shutil.copy(PAIR / name, tmp_path / name)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    lab = tmp_path / "lab.yaml"
    done = iplab("import", str(tmp_path / "setup.sh"), "--cleanup", str(tmp_path / "teardown.sh"),
                 "-o", str(lab), state=state)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(26 setup, 3 teardown;" in done.stderr
    up = iplab("up", str(lab), "--prefix", own, state=state)
    assert up.returncode == 0, up.stdout + up.stderr
    assert _mine(own) == ({f"{own}ns1", f"{own}ns2", f"{own}r1"}, set())
    verified = iplab("verify", str(lab), "--prefix", own, state=state)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    down = iplab("down", f"{own}setup", state=state)
    assert down.returncode == 0, down.stdout + down.stderr
    # the cleanup's own lines ran (its loop's deletes, prefixed)
    assert f"ip netns del {own}r1" in down.stdout + down.stderr, down.stdout + down.stderr
    assert _mine(own) == (set(), set())


def _mine(prefix: str) -> tuple[set[str], set[str]]:
    """The namespaces and root links that carry ``prefix`` (the test's own, only)."""
    netns = {n for n in netns_names() if n.startswith(prefix)}
    links = {str(link["ifname"]) for link in root_links()}
    return netns, {name for name in links if name.startswith(prefix)}
