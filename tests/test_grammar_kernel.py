"""Lines in other authors' spellings on the real kernel: renames, brctl, a nameless veth in
a namespace, a route through a gateway; up, verify, then down leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kernel import iplab, netns_names, root_links

pytestmark = pytest.mark.kernel

SCENARIO = Path(__file__).parent / "scenarios" / "open-world.yaml"


def test_an_open_world_lab_goes_up_verifies_and_goes_down(prefix: str, state_dir: Path) -> None:
    up = iplab("up", str(SCENARIO), "--prefix", prefix, state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "verify: the kernel holds what the scenario promised" in up.stdout
    assert f"PASS {prefix}ns2 reaches 10.9.0.1" in up.stdout
    verify = iplab("verify", str(SCENARIO), "--prefix", prefix, state=state_dir)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    names = {str(link["ifname"]) for link in root_links()}
    assert {f"{prefix}rbr", f"{prefix}rv", f"{prefix}rx", f"{prefix}rtap"} <= names
    down = iplab("down", f"{prefix}open-world", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert not [n for n in netns_names() if n.startswith(prefix)]
    assert not [str(x["ifname"]) for x in root_links() if str(x["ifname"]).startswith(prefix)]


def test_a_name_the_host_has_is_free_inside_the_labs_namespaces(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    host = next(str(x["ifname"]) for x in root_links() if x["ifname"] != "lo")
    path = tmp_path / "twins.yaml"
    a, b = f"{prefix}A", f"{prefix}B"
    path.write_text(
        f"name: twins\nsetup:\n  - line: ip netns add {a}\n  - line: ip netns add {b}\n"
        f"  - line: ip link add {host} netns {a} type veth peer {host} netns {b}\n"
    )
    # no --prefix: the namespaces carry the test's prefix, the links the host's own name
    up = iplab("up", str(path), "--lab", f"{prefix}twins", state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "verify: the kernel holds what the scenario promised" in up.stdout
    down = iplab("down", f"{prefix}twins", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert not [n for n in netns_names() if n.startswith(prefix)]
    assert host in {str(x["ifname"]) for x in root_links()}


def test_what_a_raw_step_of_unknown_effect_made_is_destroyed_by_down(
    prefix: str, state_dir: Path, tmp_path: Path
) -> None:
    red = f"{prefix}red"
    path = tmp_path / "opaque.yaml"
    path.write_text(
        f"name: opaque\nsetup:\n  - action: raw\n    command: sh -c 'ip netns add {red}'\n"
        f"  - line: ip -n {red} link add d0 type veth peer name d1\n"
        f"  - line: ip -n {red} l s d0 up\n"
    )
    up = iplab("up", str(path), "--lab", f"{prefix}opaque", state=state_dir)
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"namespace {red} does not exist at this step" in up.stderr  # a warning only
    assert "verify: skipped what the model cannot know" in up.stdout
    assert red in netns_names()
    down = iplab("down", f"{prefix}opaque", state=state_dir)
    assert down.returncode == 0, down.stdout + down.stderr
    assert red not in netns_names()
