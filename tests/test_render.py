"""Templates: strict, shell-safe, overridable by name."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.lineparse import reads_back_as
from iplab.plan import build
from iplab.render import Renderer, bundled_templates, template_cache
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


@pytest.mark.parametrize(
    "spelling", ["ip  netns add {{ name }}", "ip net add {{ name }}", "ip netns a {{ name }}"]
)
def test_a_template_may_spell_its_command_its_own_way(tmp_path: Path, spelling: str) -> None:
    """The line grammar keeps such a line's text; the check compares what it does."""
    (tmp_path / "netns-add.j2").write_text(spelling + "\n")
    command = Renderer([tmp_path], reads_back_as).command(NetnsAdd(name="ns1"), sudo=False)
    assert command.text == spelling.replace("{{ name }}", "ns1")
    (tmp_path / "netns-add.j2").write_text("ip netns del {{ name }}\n")
    with pytest.raises(UsageError, match="not the netns add"):
        Renderer([tmp_path], reads_back_as).command(NetnsAdd(name="ns1"), sudo=False)


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


# -- compiled templates kept between runs -----------------------------------------------------


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("IPLAB_NO_CACHE", raising=False)
    return home / "iplab" / "templates"


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    """A user's template directory."""
    path = tmp_path / "mine"
    path.mkdir()
    return path


def test_compiled_templates_are_kept_and_a_changed_one_is_compiled_again(
    mine: Path, cache_home: Path
) -> None:
    (mine / "netns-add.j2").write_text("ip netns add {{ name | q }} # one\n")
    assert Renderer([mine], reads_back_as).text(NetnsAdd(name="ns1")) == "ip netns add ns1 # one"
    kept = sorted(p.name for p in cache_home.iterdir())
    assert kept and all(name.startswith("iplab-") for name in kept)
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    # a later run takes the compiled code from the cache ...
    assert Renderer([mine], reads_back_as).text(NetnsAdd(name="ns2")) == "ip netns add ns2 # one"
    assert sorted(p.name for p in cache_home.iterdir()) == kept
    # ... but never for a template whose text changed since
    (mine / "netns-add.j2").write_text("ip netns add {{ name | q }} # two\n")
    assert Renderer([mine], reads_back_as).text(NetnsAdd(name="ns3")) == "ip netns add ns3 # two"


def test_the_sandbox_bounds_hold_for_a_template_taken_from_the_cache(
    mine: Path, cache_home: Path
) -> None:
    (mine / "netns-add.j2").write_text("ip netns add {{ name }}{{ 10 ** 100000 }}\n")
    for _ in range(2):  # compiled, then from the cache
        with pytest.raises(UsageError, match="4096 bits"):
            Renderer([mine], reads_back_as).text(NetnsAdd(name="ns1"))
    assert any(cache_home.iterdir())


def test_a_cache_directory_others_can_write_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    cache_home.mkdir(parents=True)
    cache_home.chmod(0o777)
    assert template_cache(Renderer().env) is None
    assert Renderer().text(NetnsAdd(name="ns1")) == "ip netns add ns1"
    assert list(cache_home.iterdir()) == []


def test_a_cache_that_is_a_symbolic_link_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_home.parent.mkdir(parents=True)
    cache_home.symlink_to(elsewhere)
    assert template_cache(Renderer().env) is None


def test_a_damaged_cache_entry_is_compiled_again(tmp_path: Path, cache_home: Path) -> None:
    assert Renderer().text(NetnsAdd(name="ns1")) == "ip netns add ns1"
    for entry in cache_home.iterdir():
        entry.write_bytes(entry.read_bytes()[:20])  # cut short
    assert Renderer().text(NetnsAdd(name="ns2")) == "ip netns add ns2"


def test_no_cache_when_asked(monkeypatch: pytest.MonkeyPatch, cache_home: Path) -> None:
    monkeypatch.setenv("IPLAB_NO_CACHE", "1")
    assert template_cache(Renderer().env) is None


def test_a_raw_line_with_sudos_own_options_runs_as_written() -> None:
    """``sudo -E ip ...`` ran as ``-E ip ...`` (-E: command not found): sudo's options go to
    sudo, which bash runs (a root without sudo finds a function that does as sudo would)."""
    command = Renderer().command(Raw(command="sudo -E ip link add d0 type dummy"), sudo=False)
    assert command.text == "sudo -E ip link add d0 type dummy"
    assert command.argv == ("bash", "-c", "sudo -E ip link add d0 type dummy")
    plain = Renderer().command(Raw(command="sudo ip link add d0 type dummy"), sudo=False)
    assert plain.argv == ("ip", "link", "add", "d0", "type", "dummy")
