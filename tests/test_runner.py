"""The one module that starts processes: privilege policy and the fake executor."""

from __future__ import annotations

import pytest

from iplab.errors import PrivilegeError
from iplab.runner import FakeExecutor, Runner, ShExecutor, truncate


def test_fake_executor_refuses_anything_unprepared() -> None:
    fake = FakeExecutor({"ip netns list": (0, "ns1\n", "")})
    assert fake.run(["ip", "netns", "list"]).stdout == "ns1\n"
    with pytest.raises(AssertionError, match="unexpected command 'ip link del eth0'"):
        fake.run(["ip", "link", "del", "eth0"])


def test_unit_tests_cannot_start_real_processes() -> None:
    with pytest.raises(AssertionError, match="a unit test tried to run a real process"):
        ShExecutor().run(["true"])


def test_root_runs_commands_as_they_are() -> None:
    fake = FakeExecutor({"ip netns add ns1": (0, "", "")})
    Runner(fake, is_root=True).execute(["ip", "netns", "add", "ns1"], privileged=True)
    assert fake.calls == [(("ip", "netns", "add", "ns1"), None)]


def test_non_root_uses_sudo_n_for_privileged_commands_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    fake = FakeExecutor({"sudo -n ip netns add ns1": (0, "", ""), "ip link": (0, "", "")})
    runner = Runner(fake, is_root=False)
    runner.execute(["ip", "netns", "add", "ns1"], privileged=True)
    runner.execute(["ip", "link"], privileged=False)
    assert [c[0] for c in fake.calls] == [
        ("sudo", "-n", "ip", "netns", "add", "ns1"),
        ("ip", "link"),
    ]


def test_missing_sudo_is_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(PrivilegeError, match="not running as root, and sudo is not installed"):
        Runner(FakeExecutor(), is_root=False).execute(["ip", "netns", "add", "a"], privileged=True)


def test_sudo_asking_for_a_password_is_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    fake = FakeExecutor({"sudo -n ip netns add a": (1, "", "sudo: a password is required\n")})
    with pytest.raises(PrivilegeError, match="sudo asks for a password to run: ip netns add a"):
        Runner(fake, is_root=False).execute(["ip", "netns", "add", "a"], privileged=True)


def test_every_process_reaches_the_hook() -> None:
    seen = []
    fake = FakeExecutor({"ip link": (0, "x", "")})
    runner = Runner(fake, is_root=True, hook=lambda result, meta: seen.append((result.argv, meta)))
    runner.execute(["ip", "link"], privileged=False, meta={"step": 3})
    assert seen == [(("ip", "link"), {"step": 3})]


def test_truncate_keeps_both_ends() -> None:
    text = "a" * 5000 + "END"
    cut = truncate(text, 100)
    assert cut.startswith("a" * 50) and cut.endswith("END") and "characters cut" in cut
    assert truncate("short") == "short"


def test_privilege_is_checked_before_a_run_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    Runner(FakeExecutor(), is_root=True).ensure_privilege()  # root: no process at all
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    Runner(FakeExecutor({"sudo -n true": (0, "", "")}), is_root=False).ensure_privilege()
    asks = FakeExecutor({"sudo -n true": (1, "", "sudo: a password is required\n")})
    with pytest.raises(
        PrivilegeError, match="`sudo -n` does not work: sudo: a password is required"
    ):
        Runner(asks, is_root=False).ensure_privilege()
