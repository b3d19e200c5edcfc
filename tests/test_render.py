"""Templates: strict, shell-safe, overridable by name."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.lineparse import reads_back_as
from iplab.plan import build
from iplab.render import Renderer, bundled_templates
from iplab.steps import OP_TYPES, LinkAdd, NetnsAdd, Raw
from tests.conftest import BLOG_SCENARIO


def test_one_template_per_kind_of_command() -> None:
    names = {p.name for p in bundled_templates().glob("*.j2")}
    assert {cls.template for cls in OP_TYPES} <= names


def test_argv_is_the_text_split_without_sudo() -> None:
    plan = build(scenario.load(str(BLOG_SCENARIO)))
    for pc in plan.commands:
        c = pc.command
        assert c.argv == tuple(shlex.split(c.body))
        assert c.text == ("sudo " if c.sudo else "") + c.body


def test_names_are_shell_quoted_by_the_q_filter() -> None:
    # names are validated at load time; the filter still quotes whatever reaches it
    text = Renderer().text(NetnsAdd(name="a b"))
    assert text == "ip netns add 'a b'"


def test_user_templates_override_bundled_ones_by_name(tmp_path: Path) -> None:
    (tmp_path / "netns-add.j2").write_text("ip netns add {{ name | q }} # mine\n")
    r = Renderer([tmp_path], reads_back_as)
    assert r.text(NetnsAdd(name="ns1")) == "ip netns add ns1 # mine"
    # the others still come from the bundle
    assert r.text(LinkAdd(name="br0", type="bridge")) == "ip link add br0 type bridge"


def test_undefined_variable_in_a_template_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "netns-add.j2").write_text("ip netns add {{ nmae }}\n")
    with pytest.raises(UsageError, match="'nmae' is undefined"):
        Renderer([tmp_path], reads_back_as).text(NetnsAdd(name="ns1"))


def test_template_must_render_one_line(tmp_path: Path) -> None:
    (tmp_path / "netns-add.j2").write_text("ip netns add {{ name }}\nrm -rf /\n")
    with pytest.raises(UsageError, match="must render exactly one line"):
        Renderer([tmp_path], reads_back_as).text(NetnsAdd(name="ns1"))


def test_ip_template_must_render_an_ip_command(tmp_path: Path) -> None:
    (tmp_path / "link-add.j2").write_text("rm -rf {{ name }}\n")
    with pytest.raises(UsageError, match="must render an ip command"):
        Renderer([tmp_path], reads_back_as).command(LinkAdd(name="d0", type="dummy"), sudo=False)


def test_template_syntax_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "netns-add.j2").write_text("ip netns add {{ name \n")
    with pytest.raises(UsageError, match=r"netns-add\.j2:1: template syntax error"):
        Renderer([tmp_path], reads_back_as).text(NetnsAdd(name="ns1"))


def test_missing_template_dir_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such directory"):
        Renderer([tmp_path / "nope"])


def test_raw_with_shell_runs_through_bash() -> None:
    c = Renderer().command(Raw(command="echo $HOME | cat", shell=True), sudo=False)
    assert c.argv == ("bash", "-c", "echo $HOME | cat")
    assert c.text == "echo $HOME | cat"


def test_raw_written_with_sudo_keeps_its_text() -> None:
    c = Renderer().command(Raw(command="sudo tc qdisc show"), sudo=False)
    assert (c.text, c.sudo, c.argv) == ("sudo tc qdisc show", True, ("tc", "qdisc", "show"))
