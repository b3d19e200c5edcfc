"""Hunt EH: a university router lab (Router-Lab's ``setup-r3.sh``, tests/fixtures/scripts-eh/
eh03-router-lab-abbreviated-sleep-set-v.sh) starts with "remove if it exists" deletes of
its own namespace PC2 and of PC1, which its sibling ``setup-r1.sh`` makes on the other
machine. PC2's delete was read as a clean slate (it is made later); PC1's was not, and the
import was refused: "namespace PC1 does not exist at this step". Bash, without ``set -e``,
goes on past both. Now a delete among those a script starts with, before it makes anything,
of a name it never makes nor uses, is a step that may fail too, beside one of a name it
makes (said at import; the run skips it where the name is not there). A script of deletes
only (a teardown read alone), a delete after the lab has begun, or of a name a later line
uses, are as before."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES

EH03 = FIXTURES / "scripts-eh" / "eh03-router-lab-abbreviated-sleep-set-v.sh"


def _import(text: str) -> tuple[str | None, tuple[str, ...], str]:
    result = import_text(text, "shell", "lab.sh")
    return result.model_error, result.warnings, result.yaml


def test_the_router_lab_imports() -> None:
    error, warnings, yaml = _import(EH03.read_text())
    assert error is None, error
    assert yaml.count("may_fail: true") == 2, yaml
    assert any("deletes PC1 before it makes anything" in w for w in warnings), warnings


def test_a_sibling_s_namespace_deleted_first() -> None:
    error, warnings, _ = _import(
        "#!/bin/bash\nip netns delete other\nip netns delete mine\nip netns add mine\n"
        "ip link add v1 type veth peer name v2\nip link set v2 netns mine\n"
    )
    assert error is None, error
    assert any("deletes other before it makes anything" in w for w in warnings), warnings


def test_alone_it_reads_as_a_mistake_as_before() -> None:
    error, _, _ = _import("#!/bin/bash\nip netns delete other\nip netns add mine\n")
    assert error is not None and "namespace other does not exist" in error, error


def test_a_script_of_deletes_only_is_as_before() -> None:
    error, _, _ = _import("#!/bin/bash\nip netns delete a\nip netns delete b\n")
    assert error is not None and "namespace a does not exist" in error, error


def test_a_delete_after_the_lab_began_is_as_before() -> None:
    error, _, _ = _import("#!/bin/bash\nip netns add mine\nip netns delete other\n")
    assert error is not None and "namespace other does not exist" in error, error


def test_a_delete_of_a_name_used_later_is_as_before() -> None:
    error, _, _ = _import(
        "#!/bin/bash\nip netns delete other\nip netns delete mine\nip netns add mine\n"
        "ip netns exec other ip link set lo up\n"
    )
    assert error is not None and "other" in error, error


def test_with_set_e_it_is_as_before() -> None:
    error, _, _ = _import(
        "#!/bin/bash\nset -e\nip netns delete other\nip netns delete mine\nip netns add mine\n"
    )
    assert error is not None and "namespace other does not exist" in error, error
