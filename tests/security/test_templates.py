"""Jinja: scenario values and --templates render in a bounded sandbox; a user template's
line must be the op it stands for; undefined names are errors; down refuses templates
that changed since up."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from iplab import undo
from iplab.errors import ScenarioError, UsageError
from iplab.journal import LabInfo
from iplab.lineparse import reads_back_as
from iplab.render import Renderer, renderer, template_hashes
from iplab.scenario import load_text
from iplab.steps import LinkAdd, NetnsAdd, NetnsDel, Raw

from .conftest import assert_one_line_error, iplab

ESCAPES = [
    "{{ cycler | fmt('{0.__init__.__globals__[os].environ}') }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ '{0.__class__}'.format(1) }}",
    "{{ lipsum.__globals__['os'].system('true') }}",
    "{{ range.__self__ }}",
]


@pytest.mark.parametrize("value", ESCAPES)
def test_scenario_values_cannot_reach_python(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPLAB_TEST_SECRET", "zz-a-secret-zz")
    text = f'name: x\nsetup:\n- action: raw\n  command: "echo {value}"\n'
    with pytest.raises(ScenarioError) as info:
        load_text(text, "x.yaml")
    assert str(info.value).startswith("x.yaml:4: setup[0].command: ")
    assert "zz-a-secret-zz" not in str(info.value)


@pytest.mark.parametrize(
    "template",
    [
        "{{ cycler.__init__.__globals__.os.system('touch ' ~ marker) }}ip netns add {{ name }}",
        "{{ self.__init__.__globals__ }}ip netns add {{ name }}",
        "{{ name | fmt('{0.__class__.__mro__}') }}",
    ],
)
def test_user_templates_render_in_the_sandbox(
    tmp_path: Path, template: str, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran"
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "netns-add.j2").write_text(template.replace("marker", repr(str(marker))))
    rc, out, err = iplab("render", "container-networking-part2", "--templates", str(templates),
                         capsys=capsys)  # fmt: skip
    assert_one_line_error(rc, err, "netns-add.j2")
    assert not marker.exists()
    assert out == ""


@pytest.mark.parametrize(
    ("name", "template", "op"),
    [
        ("netns-add.j2", "touch /tmp/{{ name }}", NetnsAdd(name="ns1")),
        ("netns-add.j2", "ip netns add evil", NetnsAdd(name="ns1")),
        ("netns-add.j2", "ip netns del {{ name }}", NetnsAdd(name="ns1")),
        ("netns-del.j2", "ip link del {{ name }}", NetnsDel(name="ns1")),
        ("netns-add.j2", "ip -batch /tmp/x netns add {{ name }}", NetnsAdd(name="ns1")),
        ("link-add.j2", "ip link add {{ name }} type veth peer name victim0",
         LinkAdd(name="d0", type="dummy")),
        ("raw.j2", "{{ command }}; touch /tmp/x", Raw(command="true")),
        ("_ip.j2", '{% macro ip(ns, ns_form, options) %}ip -n victim{% endmacro %}',
         LinkAdd(name="d0", type="dummy")),
    ],
)  # fmt: skip
def test_every_user_template_must_render_its_own_op(
    tmp_path: Path, name: str, template: str, op: object
) -> None:
    (tmp_path / name).write_text(template + "\n")
    with pytest.raises(UsageError) as info:
        Renderer([tmp_path], reads_back_as).command(op, sudo=False)  # type: ignore[arg-type]
    assert "template" in str(info.value)


def test_a_user_template_may_change_spelling(tmp_path: Path) -> None:
    (tmp_path / "netns-del.j2").write_text("ip netns delete {{ name | q }}\n")
    command = Renderer([tmp_path], reads_back_as).command(NetnsDel(name="ns1"), sudo=True)
    assert command.text == "sudo ip netns delete ns1"


def _info(templates: Path) -> LabInfo:
    return LabInfo(lab="l", run="r", scenario="s", sha256="0", prefix="", started=0.0,
                   owned_netns=[], owned_links=[], templates=[str(templates.resolve())],
                   template_hashes=template_hashes([templates]))  # fmt: skip


class _Env:
    err = io.StringIO()


def test_down_refuses_a_template_changed_since_up(tmp_path: Path) -> None:
    (tmp_path / "netns-del.j2").write_text("ip netns delete {{ name | q }}\n")
    info = _info(tmp_path)
    assert undo.lab_renderer(_Env(), info) is renderer((tmp_path.resolve(),), reads_back_as)  # type: ignore[arg-type]
    (tmp_path / "netns-del.j2").write_text("ip netns delete {{ name | q }} \n")
    with pytest.raises(UsageError, match=r"netns-del\.j2 changed since the lab came up"):
        undo.lab_renderer(_Env(), info)  # type: ignore[arg-type]
    (tmp_path / "netns-del.j2").write_text("ip netns delete {{ name | q }}\n")
    (tmp_path / "link-del.j2").write_text("ip link delete {{ dev | q }}\n")  # a new one
    with pytest.raises(UsageError, match=r"link-del\.j2 changed since the lab came up"):
        undo.lab_renderer(_Env(), info)  # type: ignore[arg-type]


def test_a_relative_template_dir_in_a_lab_record_is_never_used(tmp_path: Path) -> None:
    info = _info(tmp_path)
    info.templates = ["templates"]
    env = _Env()
    assert undo.lab_renderer(env, info) is renderer(())  # type: ignore[arg-type]


def test_lab_records_store_absolute_template_paths_with_hashes(tmp_path: Path) -> None:
    (tmp_path / "netns-del.j2").write_text("ip netns delete {{ name | q }}\n")
    hashes = template_hashes([Path(os.path.relpath(tmp_path))])
    assert list(hashes) == [str(tmp_path.resolve() / "netns-del.j2")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('vars:\n  n: "{{ nn }}"\nsetup:\n- {action: netns add, name: "ns{{ n }}"}\n',
         "x.yaml:3: vars.n: undefined variable in '{{ nn }}': 'nn' is undefined"),
        ('vars:\n  enabled: true\nsetup:\n- {action: netns add, name: ns1, when: enabeld}\n',
         "undefined variable in 'enabeld': 'enabeld' is undefined"),
        ('setup:\n- {action: netns add, name: ns1, when: "{{ enabeld }}"}\n',
         "'enabeld' is undefined"),
        ('setup:\n- {action: netns add, name: "ns{{ i }}", loop: "{{ rnage(3) }}"}\n',
         "'rnage' is undefined"),
        ('setup:\n- {action: netns add, name: "{{ nme }}"}\n', "'nme' is undefined"),
    ],
)  # fmt: skip
def test_undefined_names_are_errors_everywhere(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_text("name: x\n" + text, "x.yaml")
    assert message in str(info.value)
