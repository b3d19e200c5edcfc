"""What the kernel does with routes, followed by the model (hunt I; inputs in
``tests/fixtures/routes/``).

* ``ip route del PREFIX`` with routes of several metrics took the first written in the
  model, the lowest metric's in the kernel; its undo added back the first written.
* A ``local`` route was kept in table main: the same prefix via a gateway was refused,
  and verify found none.
* An IPv4 destination with host bits set (``10.9.0.7/24``) was taken; the kernel refuses it.
* ``metric 0x10`` (iproute2 reads 16) was kept as a raw step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.model import ModelError
from iplab.plan import Plan, build, expected_state
from iplab.render import renderer
from tests.kernel import iplab

FIXTURES = Path(__file__).parent / "fixtures" / "routes"


def _plan(name: str) -> Plan:
    text = (FIXTURES / name).read_text()
    return build(scenario.load_text(import_text(text, "shell", name).yaml, "lab.yaml"))


def _routes(plan: Plan, ns: str) -> list[str]:
    return [str(r) for r in expected_state(plan).namespaces[ns].routes]


def test_a_route_delete_takes_the_lowest_metric() -> None:
    """Hunt I (t10b, t10): ``route del 10.7.0.0/16`` after ``metric 200`` then ``metric
    100`` took metric 200's in the model, metric 100's in the kernel (IPv6 alike), and the
    undo added back metric 200's: verify reported a difference."""
    plan = _plan("t10b-route-del-v4.sh")
    assert _routes(plan, "rd") == ["10.7.0.0/16 via 10.80.0.3 metric 200"]
    deleted = plan.setup[-1]
    assert [renderer().text(u.undo.op) for u in deleted.undo] == [
        "ip -n rd route add 10.7.0.0/16 via 10.80.0.2 metric 100"
    ]
    six = _plan("t10-route-del.sh")
    assert _routes(six, "rd")[0] == "2001:db8:5::/64 via 2001:db8:80::2"


def test_a_route_delete_naming_a_gateway_takes_that_route() -> None:
    """Hunt I: the kernel deletes the route through the gateway or link named (checked on
    this kernel), the model took the first written whatever it named."""
    text = (FIXTURES / "t10b-route-del-v4.sh").read_text()
    text = text.replace("route del 10.7.0.0/16", "route del 10.7.0.0/16 via 10.80.0.2")
    sc = scenario.load_text(import_text(text, "shell", "lab.sh").yaml, "lab.yaml")
    plan = build(sc)
    assert _routes(plan, "rd") == ["10.7.0.0/16 via 10.80.0.3 metric 200"]
    assert [renderer().text(u.undo.op) for u in plan.setup[-1].undo] == [
        "ip -n rd route add 10.7.0.0/16 via 10.80.0.2 metric 100"
    ]


@pytest.mark.kernel
@pytest.mark.parametrize("name", ["t10b-route-del-v4.sh", "t10-route-del.sh"])
def test_verify_holds_what_a_route_delete_left(
    name: str, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt I (t10b, t10): ``iplab up ... --prefix P`` then verify said DIFF."""
    lab = tmp_path / "lab.yaml"
    lab.write_text(import_text((FIXTURES / name).read_text(), "shell", name).yaml)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "DIFF" not in up.stdout and "the kernel holds what" in up.stdout, up.stdout
    found = iplab("verify", str(lab), "--prefix", prefix, state=state_dir)
    assert found.returncode == 0, found.stdout + found.stderr
    down = iplab("down", f"{prefix}{name.removesuffix('.sh')}", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr


def _page(name: str) -> str:
    return import_text((FIXTURES / name).read_text(), "markdown", name).yaml


def test_a_local_route_is_in_table_local() -> None:
    """Hunt I (t1): ``route add local 192.168.50.0/24 dev lo`` was kept in table main, so
    ``route add 192.168.50.0/24 via 10.0.0.2`` beside it was refused ("already exists");
    iproute2 puts a local, broadcast, nat or anycast route with no table in table local."""
    result = import_text((FIXTURES / "t1-routes.md").read_text(), "markdown", "t1-routes.md")
    assert "model: OK" in result.summary(), result.summary()
    plan = build(scenario.load_text(result.yaml, "t1.yaml"))
    routes = _routes(plan, "r1")
    assert "local 192.168.50.0/24 dev lo table local" in routes
    assert "192.168.50.0/24 via 10.0.0.2" in routes


@pytest.mark.kernel
@pytest.mark.parametrize("name", ["t1-routes.md", "t1b-routes-nodup.md"])
def test_verify_finds_a_local_route_in_table_local(
    name: str, prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    """Hunt I (t1b): verify said ``expected local 192.168.50.0/24 dev lo, found none`` (the
    kernel had it in table local); t1, with the same prefix via a gateway in main, runs."""
    lab = tmp_path / "lab.yaml"
    lab.write_text(_page(name))
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "DIFF" not in up.stdout and "the kernel holds what" in up.stdout, up.stdout
    down = iplab("down", f"{prefix}{name.removesuffix('.md')}", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr


def test_an_ipv4_prefix_with_host_bits_is_refused() -> None:
    """Hunt I (t3): ``route add 10.9.0.7/24 via 10.1.0.2`` was taken by the model; the kernel
    says "Error: Invalid prefix for given prefix length" (a del too; an IPv6 prefix with
    host bits it takes, clearing them: checked on this kernel)."""
    text = (FIXTURES / "t3-routes-edge.sh").read_text()
    result = import_text(text, "shell", "t3-routes-edge.sh")
    assert "(line 18: ip -n ha route add 10.9.0.7/24 via 10.1.0.2): the kernel refuses" in (
        result.summary()
    ), result.summary()
    with pytest.raises(ModelError, match=r"host bits set") as caught:
        build(scenario.load_text(result.yaml, "t3.yaml"))
    assert caught.value.hint == "write 10.9.0.0/24"
    setup = text.split("# host route")[0]
    for line in (
        "ip -n ha -6 route add 2001:db8:9::7/64 via 2001:db8:1::2",
        "ip -n ha route add 10.9/16 via 10.1.0.2",
        "ip -n ha route add 10.9.0.7 via 10.1.0.2",
        "ip -n ha route add 10.9.0.0/255.255.0.0 via 10.1.0.2",
    ):
        lab = import_text(setup + line + "\n", "shell", "lab.sh")
        assert "model: OK" in lab.summary(), (line, lab.summary())
    lab = import_text(setup + "ip -n ha route del 10.9.0.7/24\n", "shell", "lab.sh")
    with pytest.raises(ModelError, match=r"refuses 10\.9\.0\.7/24"):
        build(scenario.load_text(lab.yaml, "lab.yaml"))


def test_a_metric_is_read_as_iproute2_reads_numbers() -> None:
    """Hunt I (t3b): ``route add 10.8.0.0/16 via 10.1.0.2 metric 0x10`` (iproute2 reads it
    with get_u32, base 0: 16) was kept as a raw step, and no word said why."""
    from iplab.steps import RouteAdd

    plan = _plan("t3b-routes-edge-ok.sh")
    hex_metric = next(p.command.op for p in plan.setup if "0x10" in p.command.text)
    assert isinstance(hex_metric, RouteAdd) and hex_metric.setting("metric") == "16"
    assert "10.8.0.0/16 via 10.1.0.2 metric 16" in _routes(plan, "ha")


@pytest.mark.kernel
def test_verify_holds_a_metric_written_in_hex(prefix: str, state_dir: Path, tmp_path: Path) -> None:
    """Hunt I (t3b): the route of metric 0x10 is verified as the kernel's metric 16."""
    lab = tmp_path / "lab.yaml"
    text = (FIXTURES / "t3b-routes-edge-ok.sh").read_text()
    lab.write_text(import_text(text, "shell", "t3b-routes-edge-ok.sh").yaml)
    up = iplab("up", str(lab), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "DIFF" not in up.stdout and "the kernel holds what" in up.stdout, up.stdout
    down = iplab("down", f"{prefix}t3b-routes-edge-ok", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
