"""Hunt DW: a page opens a shell somewhere else (a container, a virtual machine, another
host) and types lines there; they are not the host's steps.

Two ways they were (tests/fixtures/pages-dr, pages-dw): ``docker run -it --name
mycontainer busybox`` (no command: the image's default shell) and ``docker container run
-it ... bash`` were no shell to the importer, so the ``ifconfig`` typed next was a host
step; after ``$ vagrant ssh`` a ``# create veth pair`` comment (a heading, to Markdown)
left the VM's shell, and the VM's ``ip link``/``ip addr`` lines were the host's steps (the
model refused one). Now a command opens such a shell by its grammar, a ``# ...`` right over
a command is that shell's comment, each line typed there is said with its line, and a
container tool typed in a container's shell (``docker run -d ...``) is back on the host.
"""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import detect_kind, import_text
from iplab.importer.elsewhere import shell_elsewhere
from iplab.steps import NetnsAdd
from tests.conftest import REPO

DR = REPO / "tests" / "fixtures" / "pages-dr"
DW = REPO / "tests" / "fixtures" / "pages-dw"


def _imported(path: str) -> tuple[str, tuple[str, ...]]:
    page = (DR / path) if path.startswith("dr") else (DW / path)
    written = page.read_text(encoding="utf-8")
    result = import_text(written, detect_kind(page.name, written), page.name)
    return result.yaml.split("\n# --- import summary")[0], result.warnings


@pytest.mark.parametrize(
    ("line", "away"),
    [
        ("docker run -it --name mycontainer busybox", "a container"),  # the image's shell
        ("docker container run -it --network none ubuntu:14.04 bash", "a container"),
        ("docker run --rm -it -p 80:80 -e A=1 --net=host nicolaka/netshoot", "a container"),
        ("podman run -i -t fedora", "a container"),
        ("docker run -dit --name c1 busybox sh", None),  # detached
        ("docker run -it --rm alpine ip addr", None),  # a command, and done
        ("docker exec -it web sh -c 'ip a'", None),
        ("vagrant ssh node1", "a virtual machine"),
        ("vagrant ssh -c 'ip a'", None),
        ("lxc exec c1 -- bash", "a container"),  # (lxc exec is interactive by itself)
        ("lxc exec c1 -- ip a", None),
        ("incus shell c1", "a container"),
        ("kubectl exec -it pod -c ctr -- /bin/bash", "a pod"),
        ("kubectl exec pod -- ip a", None),
        ("lxc-attach -n c1 -- bash", "a container"),
        ("machinectl shell c1", "a container"),
        ("ssh -t node2 bash", "another host"),
    ],
)
def test_a_shell_elsewhere_is_told_by_its_grammar(line: str, away: str | None) -> None:
    import shlex

    program, *args = shlex.split(line)
    assert shell_elsewhere(program, args) == away


def test_docker_run_it_with_no_command_opens_the_container_s_shell() -> None:
    text, warnings = _imported("dr04-besthub-docker-modes-hash-prompts-lo-ping.md")
    assert "command: ifconfig" not in text  # typed in busybox, not on the host
    assert "command: docker run -it" not in text  # (it waits for what the reader types)
    assert any(w.startswith("line 14: 'ifconfig' is typed in a container") for w in warnings)
    # ``# docker run -d ...``: docker is not in busybox; the page is back on the host
    assert "command: docker run -d -p 8080:80 nginx" in text
    assert any(w.startswith("line 17: docker is typed in a container") for w in warnings)
    assert NetnsAdd(name="ns0") in [s.op for s in scenario.load_text(text, "p.yaml").steps]


def test_a_comment_in_the_vm_s_shell_does_not_leave_it() -> None:
    text, warnings = _imported("dr01-besthub-nsenter-inside-comment.md")
    steps = scenario.load_text(text, "p.yaml").steps
    assert [s.op.__class__.__name__ for s in steps] == ["Raw", "Raw"]  # vagrant init, up
    assert not any("never left with exit" in w for w in warnings)
    said = [w for w in warnings if "typed in a virtual machine" in w]
    assert said == [
        "lines 22-23, 31, 33, 35-37, 39-41, 48-52, 54-56 are typed in a virtual machine (the"
        " shell 'vagrant ssh' opened at line 21): notes, not steps on this host"
    ]


@pytest.mark.parametrize(
    "page",
    [
        "dw01-learning-ocean-docker-container-run-none-ifconfig.txt",  # docker container run
        "dw02-euno-alpine-sh-none-ip-link-show.txt",  # the docker line alone in the prose
    ],
)
def test_lines_typed_in_a_container_are_no_host_steps(page: str) -> None:
    with pytest.raises(UsageError, match="typed in a container") as raised:
        _imported(page)  # every command is typed in the container: none for the host
    assert "no command found" in str(raised.value)


def test_the_host_s_prompt_back_leaves_the_container() -> None:
    page = (
        "# Lab\n\n```console\n$ docker run -it --rm alpine\n/ # ip addr add 10.0.0.1/24 dev"
        " eth0\n/ # ip link\n$ sudo ip netns add dwhost\n```\n"
    )
    result = import_text(page, "markdown", "p.md")
    steps = scenario.load_text(result.yaml, "p.yaml").steps
    assert [s.op for s in steps] == [NetnsAdd(name="dwhost")]
    assert any(w.startswith("lines 5-6 are typed in a container") for w in result.warnings)
