"""An adversarial read of one day's changes (hunt AT; inputs under
tests/fixtures/adversarial-today/): names that escaped ``--prefix`` once the text echo and
printf print was left alone; a ``set -e`` script refused for counting namespaces."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from iplab.importer.convert import detect_kind, import_text
from iplab.prefix import with_prefix
from iplab.render import renderer
from iplab.scenario import Scenario, load_text
from tests.conftest import REPO

HERE = Path(__file__).parent / "fixtures" / "adversarial-today"


def _imported(name: str) -> Scenario:
    text = (HERE / name).read_text(encoding="utf-8")
    return load_text(import_text(text, detect_kind(name, text), name).yaml, name)


def _lines(scenario: Scenario, prefix: str) -> list[str]:
    return [renderer().text(step.op) for step in with_prefix(scenario, prefix).steps]


def test_what_echo_hands_on_to_ip_is_renamed() -> None:
    """``iplab run page.yaml --prefix P``: ``ip link set veth-r netns $(echo red)`` moved
    the lab's link into the namespace red (the host's, if it has one: not P+red);
    ``printf '... dev veth-r' > red.batch`` then ``ip -batch ./red.batch`` (the file named
    with ./, removed by a glob) and ``{ echo ...; echo "link set veth-b up"; } | ip -batch
    -`` set up the unprefixed veth-r and veth-b. What echo prints inside a substitution or
    a group handed on, or to a file another step names by another path or a glob, is
    names; a message echo prints stays the page's."""
    lines = _lines(_imported("at1-names-echo-hands-on.md"), "hAT")
    assert "ip link set hATveth-r netns $(echo hATred)" in lines
    assert (
        "printf 'addr add 10.0.0.1/24 dev hATveth-r\\nlink set hATveth-r up\\n' > red.batch"
        in lines
    )
    assert (
        '{ echo "addr add 10.0.0.2/24 dev hATveth-b"; echo "link set hATveth-b up"; }'
        " | sudo ip -n hATblue -batch -" in lines
    )
    assert 'echo "veth-r and veth-b are up"' in lines


def test_a_set_e_script_that_counts_the_namespaces_is_checked(tmp_path: Path) -> None:
    """``set -euo pipefail`` then ``NS_COUNT=$(ip netns list | wc -l)``: once set -e made
    the assignment a step that may not fail, ``iplab check`` refused the script (exit 2:
    'hands what ip netns list prints ... to a command that changes them'; before, the step
    was skipped, said so). wc -l changes nothing: a variable set to what readers print is
    no change of the host's, and the script checks OK."""
    path = HERE / "at2-set-e-counts-namespaces.sh"
    text = path.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(path.name, text), path.name)
    count = next(s for s in load_text(result.yaml, path.name).steps if "NS_COUNT=" in str(s.op))
    assert not count.may_fail
    lab = tmp_path / "lab.yaml"
    lab.write_text(result.yaml)
    env = {**os.environ, "IPLAB_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(REPO)}
    checked = subprocess.run(
        [sys.executable, "-m", "iplab", "check", str(lab)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "hands what" not in checked.stdout + checked.stderr


def test_a_commented_out_line_of_a_script_in_plain_text_is_not_run() -> None:
    """Class notes (.txt) holding a script whose author commented out ``# ip netns del
    blue`` among its bare command lines: read as a root prompt's command (since plain-text
    ``# ip ...`` headings are prompts), it ran mid-setup, the ping after it had no blue
    to reach and the clean-up's ``ip netns del blue`` was refused. A ``# ip ...`` line right
    under or over a bare command line is the script's comment."""
    name = "at3-script-with-commented-lines.txt"
    text = (HERE / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    assert result.lines.count("ip netns del blue") == 1
    assert result.lines[-1] == "ip netns del blue"
    assert "ip link set veth-blue netns green" not in result.lines
    assert "ip netns exec red ping -c 1 10.1.1.2" in result.lines
