"""Hunt EA #3: ``ls /var/run/netns`` (tests/fixtures/scripts-ds/ds09-..., from nirmoy's
k8s_meetup_nue namespace_network.sh), ``ls /run/netns``, ``ls -l /var/run/netns/`` only read
the host's namespace files.

iplab imported them as raw steps with ``observe: true`` (the model already gave them no
effect), yet the summary counted each as "raw unknown", the count of raw steps whose effect
the model cannot follow: "16 typed, 0 raw with effects, 1 raw unknown" for a script every line
of which the model follows. A raw step that only observes is now counted as a read:
"16 typed, 1 raw read, 0 raw with effects, 0 raw unknown"; no step that changes the host,
nothing iplab cannot undo."""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

DS09 = FIXTURES / "scripts-ds" / "ds09-rename-inside-netns-ls-run-netns.sh"


def test_the_script_listing_run_netns_has_no_step_of_unknown_effect() -> None:
    result = import_text(DS09.read_text(encoding="utf-8"), "shell", DS09.name)
    assert (result.typed, result.raw) == (16, 1)
    assert (result.raw_reads, result.raw_effects, result.raw_unknown) == (1, 0, 0)
    assert result.summary(kinds=True).splitlines()[1] == (
        "commands the model sees: 17 (16 typed, 1 raw read, 0 raw with effects, 0 raw unknown)"
    )
    assert not result.host_changes and not result.cannot_undo and not result.warnings
    assert result.model_error is None


@pytest.mark.parametrize(
    "listing", ["ls /var/run/netns", "ls /run/netns", "ls -l /var/run/netns/", "sudo ls /run/netns"]
)
def test_each_listing_of_the_namespace_files_is_a_read(listing: str) -> None:
    script = f"ip netns add a\n{listing}\nip netns del a\n"
    result = import_text(script, "shell", "s.sh")
    assert (result.raw, result.raw_reads, result.raw_unknown) == (1, 1, 0), result.yaml
    assert "observe: true" in result.yaml
    assert not result.host_changes and not result.cannot_undo and not result.warnings


def test_a_raw_step_that_changes_something_is_still_unknown() -> None:
    result = import_text("ip netns add a\niptables -F\nls /run/netns\n", "shell", "s.sh")
    assert (result.raw, result.raw_reads, result.raw_unknown) == (2, 1, 1)
