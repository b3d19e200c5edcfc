"""Hunt DS: a bridge-VLAN lab script without ``set -e`` (tests/fixtures/scripts-ds/
ds10-route-the-address-made-bridge-vlan.sh, seantywork's ip/bridgevlan-construct.sh)
writes ``ip addr add 192.168.64.1/24 dev veth1`` on an up link, then ``ip route add
192.168.64.0/24 dev veth1``: the kernel made that route for the address and says "File
exists" (checked on this kernel), and bash goes on. The import was refused ("model:
192.168.64.0/24 is routed already"), and check and run with it: a lab its author builds
every time. Now such a route, where the shell goes on past a failing command, is a step
that may fail, said at import; the run skips it, as the author's shell survives it. Under
``set -e`` the script stops there, and the import still says so (hunt DF)."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

DS10 = FIXTURES / "scripts-ds" / "ds10-route-the-address-made-bridge-vlan.sh"

SHAPE = """ip netns add a
ip link add v0 type veth peer name v1 netns a
ip link set up v0
ip addr add 10.9.0.1/24 dev v0
ip route add 10.9.0.0/24 dev v0
ip -n a addr add 10.9.0.2/24 dev v1
ip -n a link set v1 up
"""


def test_the_script_imports_and_its_two_routes_may_fail() -> None:
    result = import_text(DS10.read_text(), "shell", DS10.name)
    assert result.model_error is None, result.model_error
    said = [w for w in result.warnings if "routes 192.168.64.0/24 already" in w]
    assert said and said[0].startswith("lines 15, 52:"), result.warnings
    skipped = [w for w in result.model_warnings if "is routed already" in w]
    assert len(skipped) == 2, result.model_warnings


def test_without_set_e_the_route_may_fail() -> None:
    result = import_text("#!/bin/bash\n" + SHAPE, "shell", "lab.sh")
    assert result.model_error is None, result.model_error
    assert any(w.startswith("line 6: the kernel routes 10.9.0.0/24") for w in result.warnings)


def test_under_set_e_the_import_still_says_the_script_stops_there() -> None:
    result = import_text("#!/bin/bash\nset -e\n" + SHAPE, "shell", "lab.sh")
    assert result.model_error is not None and "is routed already" in result.model_error


def test_a_route_of_another_metric_is_no_repeat() -> None:
    text = "#!/bin/bash\n" + SHAPE.replace("dev v0\nip -n", "dev v0 metric 100\nip -n")
    result = import_text(text, "shell", "lab.sh")
    assert result.model_error is None
    assert not any("routes 10.9.0.0/24 already" in w for w in result.warnings)
