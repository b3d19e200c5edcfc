"""Hunt EM #3 (left by hunt EG): a listener the lab starts in the background (``nc -l
8080 &``, ``python3 -m http.server 8000 &``, ``iperf3 -s &``, a server "in another
terminal") in the root namespace, or in a namespace the lab does not make
(sudomesh/babeld-lab#2's ``sudo ip netns exec n0 nc -l 80``, n0 made by the README), was
listed among the steps "iplab cannot undo" by the import and by ``up``, though ``down``
stops every background job of the lab wherever it runs (iplab.undo.stop_jobs: "stopping
pid N (nc -l 127.0.0.1 47011), started in the background by step 4", seen on this host
with ``--prefix emx3``). Now such a listener is a job down stops; one that writes a file
(``> got.txt``, ``iperf3 --logfile``, ``nc -o``, socat's ``OPEN:``/``EXEC:``) stays
listed. The kernel test runs in network, mount and pid namespaces of its own (tests/kernel.py
``apart``), its listener on the loopback of its own namespace."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from iplab.importer.convert import import_text
from tests.conftest import FIXTURES
from tests.kernel import apart

EG10 = FIXTURES / "pages-eg" / "eg10-sudomesh-babeld-lab-2-instead-of-do-prose.md"


@pytest.mark.parametrize(
    "line",
    [
        "nc -l 8080 &",
        "nc -l 8080",  # (a server the page runs in another terminal: in the background)
        "nc -l 8080 > /dev/null 2>&1 &",
        "sudo nc -l -p 8080 &",
        "python3 -m http.server 8000 &",
        "nohup python3 -m http.server 8000 &",
        "iperf3 -s &",
        "socat TCP-LISTEN:80,fork - &",
        "ip netns exec ns2 nc -l 80 &",
    ],
)
def test_a_listener_is_a_job_down_stops(line: str) -> None:
    script = f"#!/bin/bash\nip netns add ns1\n{line}\n"
    result = import_text(script, "shell", "lab.sh")
    assert not result.cannot_undo, result.cannot_undo


@pytest.mark.parametrize(
    "line",
    [
        "nc -l 8080 > got.txt &",
        "iperf3 -s --logfile /tmp/iperf.log &",
        "nc -l -o /tmp/dump 8080 &",
        "socat TCP-LISTEN:80,fork OPEN:/tmp/x,creat &",
        "socat TCP-LISTEN:80 EXEC:/bin/sh &",
    ],
)
def test_one_that_writes_a_file_is_still_said(line: str) -> None:
    script = f"#!/bin/bash\nip netns add ns1\n{line}\n"
    result = import_text(script, "shell", "lab.sh")
    assert result.cannot_undo == (f"setup[1] (line 3): {line}",)


def test_eg10s_listeners_are_not_said() -> None:
    result = import_text(EG10.read_text(encoding="utf-8"), "markdown", EG10.name)
    assert not result.cannot_undo, result.cannot_undo


LAB = """name: listener
setup:
  - action: netns add
    name: ns1
  - action: raw
    command: nc -l 127.0.0.1 47011 > /dev/null 2>&1 &
    shell: true
"""


@pytest.mark.kernel
def test_up_says_nothing_of_it_and_down_stops_it(tmp_path: Path) -> None:
    lab = tmp_path / "listener.yaml"
    lab.write_text(LAB, encoding="utf-8")
    iplab = f"{sys.executable} -m iplab"
    run = apart(
        f"{iplab} up {lab} --prefix emx5 --state-dir {tmp_path}/state; echo up=$?\n"
        "echo listening: $(pgrep -fc '^nc -l 127.0.0.1 47011')\n"
        f"{iplab} down emx5listener --state-dir {tmp_path}/state; echo down=$?\n"
        "echo left: $(pgrep -fc '^nc -l 127.0.0.1 47011') $(ls /run/netns)",
        timeout=60,
        pid=True,
    )
    said = run.stdout + run.stderr
    assert "up=0" in run.stdout and "down=0" in run.stdout, said
    assert "listening: 1" in run.stdout, said
    assert "cannot undo" not in said, said
    assert "iplab: stopping pid" in run.stderr and "left: 0\n" in run.stdout, said
