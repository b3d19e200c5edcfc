"""A state file that cannot be opened for want of a file descriptor (``ulimit -n``) is the
limit, said, not an unsafe state to remove (hunt AQ's test met it under ``ulimit -n 12``:
"unsafe state: .../audit.lock cannot be opened (Too many open files); iplab will not use
it (remove it, or make it yours with chown ...)") (no process, no kernel)."""

from __future__ import annotations

import errno
import os
import resource
from pathlib import Path

import pytest

from iplab import statedir
from iplab.errors import StateWriteError


@pytest.mark.parametrize("code", [errno.EMFILE, errno.ENFILE])
def test_no_file_to_be_had_is_the_limit_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    real = os.open

    def refused(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("audit.lock"):
            raise OSError(code, os.strerror(code), str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refused)
    tmp_path.chmod(0o700)
    with pytest.raises(StateWriteError) as raised:
        statedir.open_state_file(tmp_path / "audit.lock", os.O_RDWR | os.O_CREAT)
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    said = str(raised.value)
    assert f"iplab runs under ulimit -n {soft}; raise it" in said, said
    assert "unsafe" not in said and "remove it" not in said
