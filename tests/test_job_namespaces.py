"""A job's namespace taken by its pid (``ip netns attach here $!``, ``ip link set X netns
%1``, ``nsenter -t $! -n``) where the job runs in the host's own namespace.

Hunt AF #13 (left open then): ``sleep 1000 &`` then ``ip netns attach here $!`` names
the host's namespace through the job, and ``ip -n here link set lo down`` set the host's
lo down: model OK, nothing refused. A job that makes a namespace of its own (``unshare -n
sleep 1000 &``, ``ip netns exec NS ... &``) is what tutorials mean, and stays allowed.
"""

from __future__ import annotations

import pytest

from iplab import scenario
from iplab.importer.convert import detect_kind, import_text
from iplab.model import ModelError
from iplab.pids import in_a_network_of_its_own, job_named
from iplab.plan import build
from tests.conftest import FIXTURES

PAGES = FIXTURES / "jobs-netns"


def _build(name: str, text: str | None = None) -> None:
    page = (PAGES / name).read_text(encoding="utf-8") if text is None else text
    result = import_text(page, detect_kind(name, page), name)
    build(scenario.load_text(result.yaml, "page.yaml"))


def test_a_plain_job_s_namespace_taken_by_its_pid_is_refused() -> None:
    with pytest.raises(ModelError) as refused:
        _build("plain-job-attached.md")
    said = str(refused.value)
    assert "job %1 (sleep 1000 &) runs in the host's own network namespace" in said, said
    assert "setup[1]" in said


def test_a_job_in_a_namespace_of_its_own_may_be_named() -> None:
    _build("unshared-job-attached.md")  # (no refusal)


@pytest.mark.parametrize(
    ("job", "then"),
    [
        ("sleep 600 &", "sudo ip link set veth1 netns $!"),
        ("sudo docker run --rm alpine sleep 600 &", "sudo nsenter -t $! -n ip link set lo down"),
        ("python3 -m http.server 8080 &", "sudo ip netns attach web $!"),
    ],
)
def test_other_ways_to_the_host_s_namespace_through_a_job_are_refused(job: str, then: str) -> None:
    page = f"```bash\nsudo ip link add veth0 type veth peer name veth1\n{job}\n{then}\n```\n"
    with pytest.raises(ModelError, match="runs in the host's own network namespace"):
        _build("page.md", page)


def test_what_runs_where() -> None:
    assert job_named("sudo ip netns attach x %2") == 2
    assert job_named("ip netns attach x $(jobs -p %3)") == 3
    assert job_named("nsenter -t %1 -p ps") is None  # (not its network)
    assert job_named("kill %1") is None
    assert in_a_network_of_its_own("sudo unshare --net --fork sleep 1d &")
    assert in_a_network_of_its_own("timeout 60 unshare -n sleep 50 &")
    assert in_a_network_of_its_own("ip netns exec red sleep 100 &")
    assert in_a_network_of_its_own("sudo nsenter --net=/run/netns/red sleep 5 &")
    assert not in_a_network_of_its_own("sudo unshare --pid --fork sleep 100 &")
    assert not in_a_network_of_its_own("sleep 1000 &")


@pytest.mark.parametrize(
    "page", ["al-mount-bind-plain-job.sh", "al-ln-plain-job.sh"], ids=["mount", "ln"]
)
def test_a_plain_job_s_namespace_file_bound_to_a_name_is_refused(page: str) -> None:
    """Hunt AL: ``sleep 1000 &`` then ``mount --bind /proc/$!/ns/net /run/netns/mine`` (or
    ``ln -s /proc/$!/ns/net /var/run/netns/mine``) named the host's namespace through the
    job, model OK: the run bound it (iplab said so only at undo: "it is the host's own
    namespace"), and ``ip -n mine link set lo down`` would have set the host's lo down."""
    with pytest.raises(ModelError) as refused:
        _build(page)
    said = str(refused.value)
    assert "job %1 (sleep 1000 &) runs in the host's own network namespace" in said, said
    assert "/proc/%1/ns/net" in said, said


def test_an_unshared_job_s_namespace_file_may_be_bound() -> None:
    """Hunt AL: the same bind of ``unshare -n sleep 1000 &``'s namespace is the lab's."""
    _build("al-mount-bind-unshared-job.sh")  # (no refusal)
    assert job_named("sudo mount --bind /proc/%2/ns/net /run/netns/x") == 2
    assert job_named("mount --bind /proc/1/ns/net /run/netns/x") is None
