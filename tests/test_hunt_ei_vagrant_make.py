"""Hunt EI #4 (hunt ED's leftovers): a Vagrantfile's ``inline: <<-SHELL ... SHELL`` document
(ShubhamTatvamasi's srsRAN demo, tests/fixtures/files-ed/srsran-demo) was named, not read:
"its shell provisioners' commands are at lines 15-16, 20: copy them into a .sh file". And a
Makefile named ``lab.makefile`` (``net.Makefile``) whose recipes hold no tab was read as a
shell script: ``RED_NAMESPACE = rede-namespace`` and ``enaIp:`` raw steps.

Now the shell of a Vagrantfile's ``inline:`` documents and strings is read, each line at its
own number, said (Vagrant ran it in the VM, as root; here it runs on this host); a line with
Ruby's ``#{...}`` (a value Vagrant fills in) is left out, by its line. ``.makefile`` is a
Makefile's name."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.steps import Raw, RouteAdd
from tests.conftest import FIXTURES

VAGRANT = FIXTURES / "files-ed" / "srsran-demo" / "Vagrantfile"
SPACED = FIXTURES / "files-ed" / "zaman-devops3" / "Makefile"


def test_the_srsran_vagrantfile_s_provisioners_are_read() -> None:
    text = VAGRANT.read_text(encoding="utf-8")
    assert detect_kind(VAGRANT.name, text) == "shell"
    result = import_text(text, "shell", VAGRANT.name)
    ops = [s.op for s in scenario.load_text(result.yaml, "v.yaml").steps]
    assert [type(op) for op in ops] == [Raw, RouteAdd]
    assert result.host_changes == (
        'line 15: echo "@reboot ip route add default via 172.16.9.1" >'
        " /var/spool/cron/crontabs/root: writes the host's /var/spool/cron/crontabs/root",
    )
    assert "Vagrant ran it in the VM, as root" in result.warnings[0]


def test_ruby_s_interpolation_is_left_out_by_its_line() -> None:
    text = (
        'Vagrant.configure("2") do |config|\n'
        '  ip = "10.0.0.1"\n'
        '  config.vm.provision "shell", inline: <<-SHELL\n'
        "    ip netns add red\n"
        "    ip -n red addr add #{ip}/24 dev lo\n"
        "    ip -n red link set lo up\n"
        "  SHELL\n"
        '  config.vm.provision "shell", inline: "ip netns add #{name}"\n'
        '  config.vm.provision "shell", inline: "ip netns add \\"blue\\""\n'
        "end\n"
    )
    result = import_text(text, "shell", "Vagrantfile")
    assert set(result.warnings) >= {
        "Vagrantfile is a Vagrantfile: the shell of its provisioners is read (lines 4, 6, 9):"
        " Vagrant ran it in the VM, as root, when it provisioned it; here it runs on this host"
        " (check each step)",
        "lines 5, 8: Ruby's #{...} (a value the Vagrantfile fills in, not bash's): not read"
        " (write the value in its place)",
    }
    assert result.lines == (
        "ip netns add red",
        "ip -n red link set lo up",
        'ip netns add "blue"',
    )


def test_a_vagrantfile_with_no_inline_shell_is_still_refused() -> None:
    text = (
        'Vagrant.configure("2") do |config|\n  config.vm.provision "shell", path: "lab.sh"\nend\n'
    )
    with pytest.raises(UsageError, match=r"import the script it runs: lab\.sh"):
        detect_kind("Vagrantfile", text)


@pytest.mark.parametrize("name", ["lab.makefile", "net.Makefile"])
def test_a_makefile_named_so_is_a_makefile(name: str) -> None:
    head = "".join(SPACED.read_text(encoding="utf-8").splitlines(keepends=True)[:16])
    with pytest.raises(UsageError) as caught:
        detect_kind(name, head)
    assert str(caught.value).startswith(f"{name}: a Makefile: not a shell script")
    assert f"make -f {name} -n enaIp" in str(caught.value)
