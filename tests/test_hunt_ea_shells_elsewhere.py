"""Hunt EA #1: a shell opened elsewhere (``vagrant ssh``, ``docker exec -it C sh``, ``ssh
host``) was left only by ``exit``/``logout``, a line at the prompt it was opened from, or
any heading.

- ``^D``/``Ctrl-D`` written where ``exit`` would be did not leave it: the host's lines after
  it were notes "typed in a virtual machine";
- a prompt of another machine (``vagrant@host2:~$`` after ``vagrant@host1:~$``) was read as
  the first shell's, and the host's own prompt as another user's (``root@laptop:~#`` after
  ``user@laptop:~$ vagrant ssh``) too;
- a heading (``## Next``) after ``vagrant ssh`` left the VM with the prompts unable to tell,
  though pages that log in to a VM go on there;
- ``vagrant halt`` typed after ``vagrant ssh`` (tests/fixtures/hunt-ea/ea01-..., a Vagrant
  lab's notes whose ``^D`` stands in the prose) was a note of the VM: vagrant is the host's.

Now each is read from what the page shows, and each guess is said with its line."""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import import_text
from iplab.importer.reader import Kind
from iplab.steps import NetnsAdd, Raw
from tests.conftest import FIXTURES

EA01 = FIXTURES / "hunt-ea" / "ea01-vagrant-servers-ssh-ctrl-d.md"


def _steps(page: str, kind: Kind = "markdown") -> tuple[list[object], tuple[str, ...]]:
    result = import_text(page, kind, "p.md" if kind == "markdown" else "p.sh")
    return [s.op for s in scenario.load_text(result.yaml, "p.yaml").steps], result.warnings


@pytest.mark.parametrize("key", ["^D", "Ctrl-D", "Ctrl+D", "<Ctrl-D>", "[CTRL+D]"])
def test_the_end_of_input_key_leaves_a_vm_s_shell(key: str) -> None:
    page = (
        f"# L\n\n```\n$ vagrant ssh\n$ sudo ip netns add vm1\n$ {key}\n"
        "$ sudo ip netns add h1\n```\n"
    )
    ops, warnings = _steps(page)
    assert ops == [NetnsAdd(name="h1")]
    assert any(w.startswith("line 5: 'sudo ip netns add vm1' is typed in a vir") for w in warnings)


def test_the_key_leaves_a_container_s_shell_at_root_prompts_and_in_a_script() -> None:
    page = "# L\n\n```\n# docker exec -it c1 sh\n# ip addr\n# ^D\n# ip netns add h1\n```\n"
    assert _steps(page)[0] == [NetnsAdd(name="h1")]
    script = "vagrant ssh\nsudo ip netns add vm1\n^D\nsudo ip netns add h1\n"
    assert _steps(script, "shell")[0] == [NetnsAdd(name="h1")]


def test_a_prompt_of_another_machine_is_not_the_first_shell_s() -> None:
    page = (
        "# L\n\n```console\nuser@laptop:~$ vagrant ssh host1\n"
        "vagrant@host1:~$ sudo ip netns add vm1\nvagrant@host2:~$ sudo ip netns add vm2\n"
        "vagrant@host1:~$ sudo ip netns add vm3\nroot@laptop:~# ip netns add h1\n```\n"
    )
    ops, warnings = _steps(page)
    assert ops == [NetnsAdd(name="h1")]  # (root's prompt of the host the VM was opened on)
    assert any(
        w.startswith("line 6: the prompt 'vagrant@host2:~$' is not the one of the shell")
        and "read as typed on host2, not on this host" in w
        for w in warnings
    )
    assert any(
        w.startswith("line 7: ") and "back in the shell 'vagrant ssh host1'" in w for w in warnings
    )
    assert any(
        w.startswith("line 8: ") and "back on the host it was opened on (laptop)" in w
        for w in warnings
    )


def test_a_heading_the_prompts_cannot_place_stays_in_the_vm_said() -> None:
    page = (
        "# Lab\n\nLog in:\n\n```\n$ vagrant ssh\n```\n\n## Next\n\n```\n"
        "$ sudo ip netns add n1\n```\n\n## Back on the host\n\n```\n$ sudo ip netns add h2\n```\n"
    )
    ops, warnings = _steps(page)
    assert ops == [NetnsAdd(name="h2")]  # (a heading that says it leaves: it does)
    assert any(
        w.startswith(
            "line 9: the shell 'vagrant ssh' opened at line 6 (in a virtual machine)"
            " is never left with exit"
        )
        for w in warnings
    )
    assert any(
        w.startswith("line 12: 'sudo ip netns add n1' is typed in a virtual") for w in warnings
    )


def test_a_container_s_shell_is_still_left_at_a_heading() -> None:
    page = (
        "# L\n\n```\n$ docker exec -it c1 sh\n```\n\n## Next\n\n```\n$ sudo ip netns add h1\n```\n"
    )
    assert _steps(page)[0] == [NetnsAdd(name="h1")]


def test_vagrant_typed_in_the_vm_is_the_host_s() -> None:
    text = EA01.read_text(encoding="utf-8")
    result = import_text(text, "markdown", EA01.name)
    ops = [s.op for s in scenario.load_text(result.yaml, "p.yaml").steps]
    assert [op.command for op in ops if isinstance(op, Raw)] == [
        "vagrant up",
        'vagrant ssh Server_1 -c "ip -j addr"',
        "vagrant halt",
    ]
    # (hunt EI: the page's prompted lines in the prose are read now, in the VM; its ^D at
    # line 53, at the VM's prompt, leaves the VM: vagrant at line 56 needs no guess)
    assert any(
        w.startswith("lines 8, 16, 20, 25-26, 29-30, 40-41 are typed in a virtual machine")
        for w in result.warnings
    )
    assert "line 53: not in a code block; '^D' is read as a command" in result.warnings
    assert not any(w.startswith("line 56: vagrant is typed in a vir") for w in result.warnings)
