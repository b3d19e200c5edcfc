"""The state directory: whoever can write it must not make root run anything.

Each attack of issue 12 is reproduced: refused, with one line naming the path,
before anything runs (the planted undo would create a marker file)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iplab import statedir
from iplab.audit import AuditLog

from .conftest import OTHER_UID, assert_one_line_error, iplab, plant_lab

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another uid needs root")


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    statedir.ensure_dir(path)
    return path


def test_a_world_writable_state_dir_is_refused(
    state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state.chmod(0o1777)
    rc, _, err = iplab("ls", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, str(state), "writable by group or others", "1777")


def test_a_lab_planted_by_another_user_never_runs(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran-as-root"
    lab = plant_lab(state, "planted", marker)
    for path in (lab, *lab.iterdir()):
        os.chown(path, OTHER_UID, OTHER_UID)
    for args in (["ls"], ["down"], ["down", "planted"], ["status", "--lab", "planted"]):
        rc, _, err = iplab(*args, "--state-dir", str(state), capsys=capsys)
        assert_one_line_error(rc, err, "unsafe state", "owned by uid 65534")
    assert not marker.exists()


@pytest.mark.parametrize("victim", ["lab.json", "journal.jsonl"])
def test_a_group_writable_lab_file_is_refused(
    state: Path, tmp_path: Path, victim: str, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran-as-root"
    lab = plant_lab(state, "planted", marker)
    (lab / victim).chmod(0o664)
    rc, _, err = iplab("down", "planted", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, str(lab / victim), "mode 0664")
    assert not marker.exists()


def test_a_world_writable_lab_directory_is_refused(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran-as-root"
    lab = plant_lab(state, "planted", marker)
    lab.chmod(0o777)
    rc, _, err = iplab("down", "planted", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, str(lab), "writable by group or others")
    assert not marker.exists()


@pytest.mark.parametrize("name", ["../../x", "/abs/path", "..", ".hidden", "a/b"])
def test_lab_names_are_names_never_paths(
    state: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p for p in tmp_path.rglob("*"))
    rc, _, err = iplab("down", name, "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, "is not a name")
    assert sorted(p for p in tmp_path.rglob("*")) == before  # no directory, no lock made
    assert not Path("/abs/path").exists()


@pytest.mark.parametrize("name", ["lock", "journal.jsonl", "lab.json"])
def test_symlinked_lab_files_are_refused_and_their_target_untouched(
    state: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran-as-root"
    lab = plant_lab(state, "lab1", marker)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    victim.chmod(0o600)
    (lab / name).unlink(missing_ok=True)
    (lab / name).symlink_to(victim)
    rc, _, err = iplab("down", "lab1", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, str(lab / name), "symbolic link")
    assert victim.read_text() == "precious\n"
    assert not marker.exists()


@pytest.mark.parametrize("name", ["audit.jsonl", "audit.lock"])
def test_symlinked_audit_files_are_refused_and_their_target_untouched(
    state: Path, tmp_path: Path, name: str
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (state / name).symlink_to(victim)
    with pytest.raises(statedir.UnsafeStateError, match="symbolic link"):
        AuditLog(state).append([{"text": "ip netns add x"}])
    assert victim.read_text() == "precious\n"


def test_a_symlinked_audit_head_is_replaced_never_followed(state: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (state / "audit.head").symlink_to(victim)
    log = AuditLog(state)
    log.append([{"text": "ip netns add x"}])  # written by rename over the link
    assert victim.read_text() == "precious\n"
    assert not (state / "audit.head").is_symlink()
    assert log.verify() == (True, "1 records, chain intact")
    (state / "audit.head").unlink()
    (state / "audit.head").symlink_to(victim)
    with pytest.raises(statedir.UnsafeStateError, match="symbolic link"):
        log.verify()


def test_audit_verify_refuses_a_symlinked_log(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("a line of someone else's file\n")
    (state / "audit.jsonl").symlink_to(victim)
    rc, _, err = iplab("audit", "verify", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, "audit.jsonl", "symbolic link")


def test_a_lock_file_is_never_truncated(state: Path) -> None:
    lock = state / "audit.lock"
    lock.write_text("x" * 100)
    lock.chmod(0o600)
    AuditLog(state).append([{"text": "ip netns add x"}])
    assert lock.stat().st_size == 100  # the pid was written over its start, nothing cut


def test_a_hard_link_to_another_file_is_refused(state: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    victim.chmod(0o600)
    os.link(victim, state / "audit.jsonl")
    with pytest.raises(statedir.UnsafeStateError, match="hard links") as caught:
        AuditLog(state).append([{"text": "ip netns add x"}])
    assert victim.read_text() == "precious\n"
    assert f"rm {state / 'audit.jsonl'}" in str(caught.value.hint)  # (hunt P: not chown)


def test_a_private_lab_of_ours_is_still_taken_down(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: the same planted lab, private to us, is read (and its undo is due)."""
    marker = tmp_path / "ran"
    plant_lab(state, "mine", marker)
    rc, out, err = iplab("ls", "--state-dir", str(state), capsys=capsys)
    assert (rc, "mine" in out) == (0, True), err


#: the user who ran sudo, in the tests of hunt P (a spare uid: no files of its own)
CALLER_UID = 65533


def test_a_state_dir_in_the_sudo_caller_s_home_is_theirs_to_lead_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt P: ``SUDO_UID=1000 IPLAB_STATE_DIR=/tmp/hunt-P/home/alice/.local/state/iplab
    iplab ls`` was refused: alice's home "is owned by uid 1000, neither root nor you", with
    ``chmod go-w`` of a home already 0755 as the fix. Alice can make root run anything
    through sudo, so her own directories may lead to root's state directory (as sshd trusts
    a user's own above ``~/.ssh``); the parents iplab makes there are hers, the state
    directory root's. Without sudo, or her home group-writable, it is refused, and the
    advice said works."""
    home = tmp_path / "home" / "alice"
    home.mkdir(parents=True)
    os.chown(home, CALLER_UID, CALLER_UID)
    state = home / ".local" / "state" / "iplab"
    monkeypatch.delenv("SUDO_UID", raising=False)
    rc, _, err = iplab("ls", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, f"{home}, a directory above", f"uid {CALLER_UID}, none of")
    assert f"chown root {home}" in err
    monkeypatch.setenv("SUDO_UID", str(CALLER_UID))
    monkeypatch.setenv("SUDO_GID", str(CALLER_UID))
    statedir.ensure_dir(state)
    assert [os.stat(p).st_uid for p in (state.parent.parent, state.parent)] == [CALLER_UID] * 2
    assert os.stat(state).st_uid == 0 and os.stat(state).st_mode & 0o777 == 0o700
    assert iplab("ls", "--state-dir", str(state), capsys=capsys)[0] == 0
    home.chmod(0o775)
    rc, _, err = iplab("ls", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, f"{home}, a directory above", "writable by group or others")
    assert f"chmod go-w {home}" in err
    home.chmod(0o755)
    assert iplab("ls", "--state-dir", str(state), capsys=capsys)[0] == 0


def test_a_state_dir_the_sudo_caller_owns_is_refused_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt P: the state directory itself is root's even under sudo: root runs what its
    journals say, and the caller could write them (a journal root never wrote). Said so,
    and ``chown`` as the advice says makes it usable."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    os.chown(state, CALLER_UID, CALLER_UID)
    monkeypatch.setenv("SUDO_UID", str(CALLER_UID))
    rc, _, err = iplab("ls", "--state-dir", str(state), capsys=capsys)
    assert_one_line_error(rc, err, f"owned by uid {CALLER_UID}, who ran sudo", "could write them")
    os.chown(state, 0, 0)
    assert iplab("ls", "--state-dir", str(state), capsys=capsys)[0] == 0


def test_a_symbolic_link_to_the_state_dir_is_followed_when_its_owner_is_trusted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hunt P: ``IPLAB_STATE_DIR=/tmp/hunt-P/sl2``, root's link to a root-owned directory,
    was refused with "make it yours with chown and chmod go-w", which a link root owns
    already cannot follow, while a link above it (sl/state) was accepted. Both are followed
    as sshd follows them, the directories on the way to the target checked; a link someone
    else owns (they may point it elsewhere: it is in a sticky directory) is refused, above
    the state directory too, and making it again as the advice says makes it usable."""
    real = tmp_path / "real"
    real.mkdir()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)
    for link in (tmp_path / "sl2", shared / "sl"):
        link.symlink_to(real)
    assert iplab("ls", "--state-dir", str(tmp_path / "sl2"), capsys=capsys)[0] == 0
    assert statedir.resolve(tmp_path / "sl2") == real
    assert statedir.ensure_dir(statedir.resolve(shared / "sl")) == real
    os.chown(shared / "sl", OTHER_UID, OTHER_UID, follow_symlinks=False)
    for given in (shared / "sl", shared / "sl" / "state"):
        rc, _, err = iplab("ls", "--state-dir", str(given), capsys=capsys)
        assert_one_line_error(rc, err, f"{shared / 'sl'}, a symbolic link on the way to")
        assert f"ln -sfn TARGET {shared / 'sl'}" in err
    (shared / "sl").unlink()
    (shared / "sl").symlink_to(real)
    assert iplab("ls", "--state-dir", str(shared / "sl" / "state"), capsys=capsys)[0] == 0
