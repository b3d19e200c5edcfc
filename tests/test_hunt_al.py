"""Hunt AL (an adversarial read of the day's changes): the host's network manager under
its Debian name or in a shell's script, batch files written by the page and read by
``ip -batch FILE``."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.hostmanagers import reconfigures_the_host
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from tests.conftest import FIXTURES


def _built(family: str, name: str) -> None:
    text = (FIXTURES / family / name).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(name, text), name)
    build(scenario.load_text(result.yaml, "page.yaml"), prefix="hA")


def test_network_manager_under_its_debian_name_is_refused() -> None:
    """Hunt AL #2: ``sudo service network-manager restart`` (older Ubuntu's and Debian's
    name of NetworkManager's unit) was said as a step iplab cannot undo, then run: only
    ``NetworkManager`` was known. The model refuses it, naming its line."""
    with pytest.raises(ModelError) as refused:
        _built("hostconfig", "al-ubuntu-network-manager.md")
    said = str(refused.value)
    assert "runs service network-manager restart" in said, said
    assert "setup[1]" in said, said


@pytest.mark.parametrize(
    "line",
    [
        "sudo systemctl restart network-manager.service",
        "sudo bash -c 'netplan apply'",
        "sudo ip netns exec lab1 sh -c 'sleep 1; nmcli connection up br0'",
    ],
)
def test_the_host_s_network_manager_in_a_script_or_by_another_name(line: str) -> None:
    """Hunt AL #2: a hand-written raw step ``bash -c 'netplan apply'`` (the importer reads
    the script, a scenario need not) was not found."""
    assert reconfigures_the_host(line) is not None
    assert reconfigures_the_host("bash -c 'ip -br a; nmcli c show'") is None


def test_a_forced_batch_goes_on_past_its_failing_line() -> None:
    """Hunt AL #3: ``ip -force -batch lab.batch`` goes on past a failing line (the page
    shows ``Command failed lab.batch:6``), and the page's next lines build the rest; its
    lines were read as plain steps, and the model refused the whole lab at line 6 ("link
    veth-r is in namespace red"). Each line of a forced batch may fail now: the one the
    kernel would refuse is skipped, said, and the lab is built as bash builds it."""
    _built("batch-written", "al-force-batch-failing-line.md")  # (no refusal)
    text = (FIXTURES / "batch-written" / "al-force-batch-failing-line.md").read_text()
    result = import_text(text, "markdown", "al-force-batch-failing-line.md")
    assert result.yaml.count("may_fail: true") == 6, result.yaml


@pytest.mark.parametrize(
    ("page", "batch", "read_as"),
    [
        ("al-a2-glob-sed.sh", "ip -batch lab.batch", "netns add blue"),
        ("al-a3-cd.sh", "ip -batch lab.batch", "netns add blue"),
        ("al-a6-catdash.sh", "ip -batch /tmp/hL9lab.batch", "netns add blue"),
    ],
    ids=["glob", "cd", "cat-file-and-document"],
)
def test_a_batch_file_changed_or_elsewhere_is_not_read_from_its_document(
    page: str, batch: str, read_as: str
) -> None:
    """Hunt AL #4: the lines a here-document wrote were read for ``ip -batch FILE`` when
    the file ran was another: ``sed -i s/blue/green/ *.batch`` changed it (a glob names
    it), ``cd`` between made ``lab.batch`` another directory's file (the run made blue
    where bash made red), ``cat base.batch - > F <<EOF`` wrote the base's lines too (red
    was lost). The batch stays the raw step the model judges (and refuses)."""
    text = (FIXTURES / "batch-written" / page).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(page, text), page)
    assert f"command: {batch}" in result.yaml, result.yaml
    assert f"- {read_as}" not in result.yaml and "action: netns add" not in result.yaml


def test_a_file_to_save_outside_the_lab_is_not_written() -> None:
    """Hunt AL #5: "Put this in `~/.ssh/config`:" became ``cat > '~/.ssh/config'`` (a
    quoted ``~``: the step failed, where the page means the reader's own ssh config, which
    no undo would give back), and "Create a file named `../../etc/hL9-evil.yaml`" a step
    writing /etc's file through ``..``, which iplab does not put back. Both are said and
    left out; ``/etc/cni/net.d/10-mynet.conf`` (put back as read) is still written."""
    page = "al-save-as-outside.md"
    text = (FIXTURES / "leftovers" / page).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(page, text), page)
    assert "cat > /etc/cni/net.d/10-mynet.conf" in result.yaml
    assert "cat > '~/.ssh/config'" not in result.yaml
    assert "cat > ../../etc/hL9-evil.yaml" not in result.yaml
    said = "\n".join(result.warnings)
    assert "line 15: the page asks to save the block at line 16 as ~/.ssh/config" in said
    assert "../../etc/hL9-evil.yaml, outside the lab's directory" in said


def test_back_in_terminal_1_types_in_terminal_1_s_shell() -> None:
    """Hunt AL #6: two terminals each open a namespace's shell with the same prompt
    (``root@lab:/home/vagrant#``); after "Back in terminal 1:", the ping typed there ran
    in terminal 2's namespace (blue), the shell left last. The labels' numbers say which
    terminal's shell a line at that prompt is typed in: red."""
    page = "al-two-terminals-same-prompt.txt"
    text = (FIXTURES / "leftovers" / page).read_text(encoding="utf-8")
    result = import_text(text, detect_kind(page, text), page)
    loaded = scenario.load_text(result.yaml, "page.yaml")
    probes = [getattr(s.op, "ns", None) for s in loaded.steps if type(s.op).__name__ == "Probe"]
    assert probes == ["blue", "red"], result.yaml  # (ping 10.0.0.1 in blue, 10.0.0.2 in red)
