"""Course material: worksheets with placeholders for the reader, typos shown failing
(hunt U). The inputs are the hunt's own, in tests/fixtures/worksheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.plan import build
from iplab.words import placeholder

SHEETS = Path(__file__).parent / "fixtures" / "worksheets"


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ("sudo ip netns add <your-name>-ns", "<your-name>"),
        ("ip netns exec <ns-name> ip a", "<ns-name>"),
        ("ip -n {{ns}} link set lo up", "{{ns}}"),
        ("ip addr add 10.0.0.X/24 dev v1", "10.0.0.X/24"),
        ("ip -n lan addr add 192.168.100.1XX/24 dev mv", "192.168.100.1XX/24"),
        ("ping -c1 10.0.N.1", "10.0.N.1"),
        # what a shell writes is no placeholder
        ("cat <<EOF", None),
        ("cat > /etc/netns/a/resolv.conf <<'EOF'", None),
        ("diff <(ip -n a route) <(ip -n b route)", None),
        ("nc -l 8080 < reply.txt > got.txt 2>&1", None),
        ("cat <in >out", None),
        ('echo "<b>done</b>"', None),
        # a Go template, as container tutorials get a container's pid (quoted or not)
        ("PID=$(docker inspect -f '{{.State.Pid}}' c1)", None),
        ('docker inspect --format "{{ .State.Pid }}" c1', None),
        ("docker inspect -f {{.NetworkSettings.SandboxKey}} c1", None),
        ("ip addr add 10.0.0.1/24 dev v1", None),
        ("ip link add nn.x type dummy", None),
        # hunt Z's lines the first version let through (and the ones beside them it passed)
        ("ip link set dev eth0 address XX:XX:XX:XX:XX:XX", "XX:XX:XX:XX:XX:XX"),
        ("ip addr add 10.x.y.z/8 dev v", "10.x.y.z/8"),
        ("ip addr add 10.0.0.?/24 dev v", "10.0.0.?/24"),
        ("ip link set dev YOUR_INTERFACE up", "YOUR_INTERFACE"),
        ("ip link set [interface] up", "[interface]"),
        ('ip netns exec ns1 ip addr add 10.0.0.1/24 dev "<dev>"', '"<dev>"'),
        ("ip link set dev v1 address aa:bb:cc:dd:ee:ff", None),
        ("ip -6 addr add fe80::a:b:c:d/64 dev v1", None),
        ('ip link show | grep -E "<BROADCAST,MULTICAST,UP>"', None),
        ('ip link show | grep "<UP>"', None),
        ("ip addr add 10.0.$N.1/24 dev v", None),
        ("ip link set dev $YOUR_IF up", None),
        ("export YOUR_IP=10.7.0.11/24", None),  # (template-vars.md: a variable, set)
        ("tr [a-z] [A-Z] < names.txt", None),
        ("ip link show | grep [v]eth", None),
        ("[ -d /etc/netns/ns1 ] || mkdir -p /etc/netns/ns1", None),
    ],
)
def test_a_placeholder_is_told_from_shell_syntax(command: str, found: str | None) -> None:
    assert placeholder(command) == found


def _imported(name: str) -> tuple[str, str]:
    page = SHEETS / name
    text = page.read_text()
    result = import_text(text, detect_kind(page.name, text), page.name)
    return result.yaml, result.model_error or ""


@pytest.mark.parametrize(
    ("name", "line", "found"),
    [
        ("placeholders.md", 12, "<your-name>"),
        ("template-vars.md", 43, "{{ns}}"),
        ("address-to-fill.md", 11, "192.168.100.1XX/24"),
        ("mac-to-fill.md", 6, "XX:XX:XX:XX:XX:XX"),  # hunt Z
        ("address-letters.md", 6, "10.x.y.z/8"),  # hunt Z
    ],
)
def test_a_worksheet_s_placeholder_is_refused_before_anything_runs(
    name: str, line: int, found: str
) -> None:
    """Hunt U: the lines were raw steps and the model said OK; the run failed at step 10
    (``Cannot open network namespace "{{ns}}"``), and ``check`` named ``a`` and ``-c``,
    words of ``<your-name>-ns ip a`` read as redirections, as missing programs."""
    yaml_text, said = _imported(name)
    assert f"(line {line}: " in said and f"holds {found}, a placeholder" in said
    loaded = scenario.load_text(yaml_text, "sheet.yaml")
    with pytest.raises(ModelError, match="a placeholder the page leaves") as caught:
        build(loaded)
    assert caught.value.loc is not None and (caught.value.loc.line or 0) > 0
    # render is a text job: the worksheet prints as written, the placeholder a warning
    plan = build(loaded, lenient=True)
    assert any(found in line for line in export.text(plan).splitlines())
    assert any("placeholder" in w.message for w in plan.warnings)


def test_a_placeholder_typed_and_shown_failing_is_the_student_s_own_step() -> None:
    """A student's pasted session typed ``10.0.0.X/24`` and shows ip refusing it: a step
    that may fail, as before (ip refuses it here too), not a refusal of the page."""
    yaml_text, said = _imported("student-submission.txt")
    assert said == ""
    build(scenario.load_text(yaml_text, "sheet.yaml"))
