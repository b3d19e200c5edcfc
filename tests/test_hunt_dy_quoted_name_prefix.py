"""Hunt DY: ``--prefix`` and a name whose quotes cut it.

tests/fixtures/scripts-dy/dy04-pattern-substitution-addresses-root-route.sh (a VPC lab's
setenv.sh) names its links in a loop over ``NS1 NS2`` as ``'v_'$i`` and ``$i'_br'``: the
links v_NS1 and NS1_br. Under ``--prefix`` the line ``ip link add vNS1 type veth peer name
'v_'NS1`` was renamed word part by word part: NS1 (a namespace too) after the quote became
``'v_'dyx4NS1``, and the run was refused before anything ran: "does not read as the renamed
command: 'NS1' is a namespace of the lab and also another word of the line". A word the
shell reads as one name is renamed whole now (``dyx4v_NS1``); a name in quotes of its own
(``"veth0"``) is renamed inside them, as before."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from iplab.prefix import _rename_words, with_prefix
from iplab.render import renderer
from tests import kernel
from tests.conftest import FIXTURES, REPO
from tests.pages import imported

DY04 = FIXTURES / "scripts-dy" / "dy04-pattern-substitution-addresses-root-route.sh"

LOOP = (
    "#!/bin/bash\nip netns add hub\nfor i in NS1 NS2\ndo\n  ip netns add $i\n"
    "  ip link add v$i type veth peer name 'v_'$i\n  ip link set 'v'$i netns $i\n"
    "  ip link set 'v_'$i netns hub\n  ip netns exec $i ip link set 'v'$i up\n"
    "  ip netns exec hub ip link set 'v_'$i up\ndone\n"
)


def test_a_word_cut_by_quotes_is_renamed_whole() -> None:
    netns, links = {"NS1": "pNS1"}, {"vNS1": "pvNS1", "v_NS1": "pv_NS1", "NS1_br": "pNS1_br"}
    said = _rename_words("ip link add vNS1 type veth peer name 'v_'NS1", netns, links)
    assert said == "ip link add pvNS1 type veth peer name pv_NS1"
    said = _rename_words("ip netns exec NS1 brctl addbr NS1'_br'", netns, links)
    assert said == "ip netns exec pNS1 brctl addbr pNS1_br"
    assert _rename_words("ip link set \"v_NS1\" netns 'NS1'", netns, links) == (
        "ip link set \"pv_NS1\" netns 'pNS1'"
    )


def test_the_vpc_lab_is_renamed_not_refused() -> None:
    _, lab = imported(DY04)
    lines = [renderer().text(step.op) for step in with_prefix(lab, "dyx4").steps]
    assert "ip link add dyx4vNS1 type veth peer name dyx4v_NS1" in lines, lines
    assert "ip netns exec dyx4NS2 brctl addbr dyx4NS2_br" in lines, lines


@pytest.fixture
def dy_prefix() -> Iterator[str]:
    if kernel.SKIP:
        pytest.skip(kernel.SKIP)
    value = f"dyx{uuid.uuid4().hex[:4]}"
    yield value
    kernel.cleanup_prefix(value, family="dyx")


@pytest.mark.kernel
@pytest.mark.skipif(kernel.SKIP is not None, reason=str(kernel.SKIP))
def test_the_loop_runs_with_a_prefix_and_leaves_nothing(tmp_path: Path, dy_prefix: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "IPLAB_STATE_DIR": str(tmp_path / "state")}
    (tmp_path / "state").mkdir(mode=0o700)
    script, lab = tmp_path / "lab.sh", tmp_path / "lab.yaml"
    script.write_text(LOOP, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "iplab", "import", str(script), "-o", str(lab)],
        capture_output=True, text=True, cwd=REPO, check=True, env=env,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "iplab", "run", str(lab), "--prefix", dy_prefix],
        capture_output=True, text=True, cwd=tmp_path, check=False, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert f"peer name {dy_prefix}v_NS2" in done.stdout, done.stdout[-3000:]
    assert "nothing of the lab remains" in done.stdout
    assert kernel.cleanup_prefix(dy_prefix, family="dyx") == []
