"""A printed script runs what iplab runs.

``iplab render LAB --format script`` is a bash script a reader runs without iplab. For
each tutorial of the corpus (as written and with ``--prefix``) and each bundled scenario,
the script iplab prints and a script of the
very commands iplab's plan runs are both run by bash, each program the lab's commands
start replaced by a stand-in that writes down its arguments and does nothing else; the
two records must be the same, in the same order. A script that uses a variable it never
sets, opens a shell that would wait for the reader's typing, or prints half of a
``case`` fails here.

Only bash's own builtins do anything (``echo 1 > /proc/sys/...``, ``kill %1``): in a
network and mount namespace of the test's own (:func:`tests.kernel.apart`), in a
directory of the test's own.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from iplab import export, scenario
from iplab.plan import Plan, build
from tests.corpus import import_tutorial, tutorials
from tests.kernel import apart

TUTORIALS = tutorials()
BUNDLED = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))

#: a stand-in for a program: its name and arguments (after the namespace it would run in),
#: one record a line, then success
_STAND_IN = """#!/bin/bash
printf -v said "%q " "${0##*/}" "$@"
# bash gives a command it runs in the background /dev/null for its input (the script's is a pipe)
[[ /proc/$$/fd/0 -ef /dev/null ]] && said+="&"
printf "%s%s\\n" "${IPLAB_IN:+[$IPLAB_IN] }" "$said" >> "$IPLAB_RECORD"  # one write
# a job lives on, as a server does, until the script stops it (or for a few seconds); the
# script's end waits until each job it left has said what it is
[[ $said == *"&" ]] && : > "$IPLAB_RECORD.$$" && exec /bin/sleep 5 > /dev/null 2>&1
# the tutorial's pause (``sleep 1`` while its server starts), a second at most
[[ ${0##*/} == sleep ]] && exec /bin/sleep "$(( ${1%%[!0-9]*} > 0 ? 1 : 0 ))"
exit 0
"""


@pytest.mark.kernel
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_a_bundled_scenarios_printed_script_runs_the_commands_iplab_runs(
    path: Path, tmp_path: Path
) -> None:
    _same_records(build(scenario.load(str(path))), tmp_path)


#: the last lines of each script: its jobs have said what they are, then the end
_END = "-- the end of the script --"
_LAST = f"""
for pid in $(jobs -p); do
    for _ in {{1..50}}; do [[ -e "$IPLAB_RECORD.$pid" ]] && break; /bin/sleep 0.1; done
done
echo "{_END}" >> "$IPLAB_RECORD"
"""

#: ``ip netns exec NS CMD`` and ``nsenter --net=/run/netns/NS CMD`` run CMD (its programs
#: are stand-ins too), said to be in NS; without CMD, the shell a reader would type in
_INSIDE = """#!/bin/bash
if [[ "${0##*/}" == ip && "${1-}" == netns && "${2-}" == exec ]]; then
    IPLAB_IN=$3; shift 3
elif [[ "${0##*/}" == nsenter ]]; then
    while [[ "${1-}" == -* ]]; do
        [[ "$1" == --net=* ]] && IPLAB_IN=${1##*/}
        shift
    done
else
    exec "${0%/*}/stand-in" "${0##*/}" "$@"
fi
export IPLAB_IN
shell=(bash sh zsh "/bin/bash" "/bin/sh")
(( $# )) || set -- bash
if [[ " ${shell[*]} " == *" $1 "* ]] && (( $# == 1 )) && [[ /proc/$$/fd/0 -ef /proc/$PPID/fd/0 ]]
then  # a bare shell reading the script's own input (not a here-document): the shell a
    # reader types in, which here ends at once
    printf "[%s] an interactive shell\\n" "$IPLAB_IN" >> "$IPLAB_RECORD"
    exit 0
fi
exec "$@"
"""

#: ``sudo``'s stand-in runs the command (a tutorial's sudo, on a host without it)
_SUDO = '#!/bin/bash\nwhile [[ "${1-}" == -* ]]; do shift; done\nexec "$@"\n'

#: what the lines of a lab start that bash does not run itself (and that the test must
#: not run for real: they would reach the host, or wait)
_PROGRAMS = frozenset({
    "ip", "bridge", "brctl", "sysctl", "ping", "ping6", "arping", "tcpdump", "tshark", "curl",
    "wget", "python", "python3", "iperf", "iperf3", "nc", "ncat", "socat", "sleep", "tee",
    "iptables", "ip6tables", "nft", "ethtool", "tc", "nsenter", "unshare", "ss", "mkdir", "rm",
    "touch", "docker", "pkill", "killall",
})  # fmt: skip


def _commands(plan: Plan) -> str:
    """The lines iplab's plan runs, in order, as one bash script."""
    out = []
    for pc in (*plan.setup, *plan.teardown):  # a step iplab skips too (see Plan.skip): the
        line = pc.command.text  # script runs the tutorial's ``ip link del x || true``
        step = pc.command.step
        if step is not None and step.background:  # and the run waits until it listens
            line += " &\nsleep 1"
        out.append(line)
    return "\n".join(out) + "\n"


def _records(script: str, where: Path, name: str) -> str:
    """What the programs a bash ``script`` starts were asked to do, one line each."""
    shims = where / "bin"
    shims.mkdir(exist_ok=True)
    scripts = {"stand-in": _STAND_IN.replace('"${0##*/}" "$@"', '"$@"'), "sudo": _SUDO}
    scripts |= dict.fromkeys(_PROGRAMS, _STAND_IN)
    scripts |= {"ip": _INSIDE, "nsenter": _INSIDE}
    for program, text in scripts.items():
        (shims / program).write_text(text, encoding="utf-8")
        (shims / program).chmod(0o755)
    path, record = where / f"{name}.sh", where / f"{name}.record"
    path.write_text(script + _LAST, encoding="utf-8")
    record.write_text("", encoding="utf-8")
    run = apart(
        f"cd {shlex.quote(str(where))} && export IPLAB_RECORD={shlex.quote(str(record))}"
        f" PATH={shlex.quote(str(shims))}:$PATH; yes '' | timeout -s KILL 50"
        f" bash {shlex.quote(str(path))}",
        timeout=60,
    )
    assert run.returncode == 0, f"{name}: bash exited {run.returncode}\n{run.stderr[-2000:]}"
    # what comes after the end is the tutorial's trap on EXIT (27: its own cleanup, where
    # iplab undoes from its journal)
    return record.read_text(encoding="utf-8").partition(_END)[0]


@pytest.mark.kernel
@pytest.mark.parametrize("prefix", ["", "p7"], ids=["as-written", "prefixed"])
@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_a_printed_script_runs_the_commands_iplab_runs(
    path: Path, prefix: str, tmp_path: Path
) -> None:
    """With ``--prefix``, the names a block's text and its variables hold are renamed, or
    the block prints its commands."""
    result = import_tutorial(path)
    plan = build(scenario.load_text(result.yaml, f"{result.name}.yaml"), prefix=prefix)
    _same_records(plan, tmp_path)


def _same_records(plan: Plan, where: Path) -> None:
    started = {_program(pc.command.argv) for pc in (*plan.setup, *plan.teardown)}
    assert started - _BUILTINS <= _PROGRAMS  # each is a stand-in
    printed = _records(export.script(plan), where, "printed").splitlines()
    ran = _records(_commands(plan), where, "iplab").splitlines()
    assert len(ran) >= len(plan.setup) // 2  # the stand-ins were reached
    if any(line.endswith("&") for line in ran):  # a job and the next command: either order
        printed, ran = sorted(printed), sorted(ran)
    assert printed == ran


#: what bash runs itself
_BUILTINS = frozenset({"true", "echo", "kill", "wait", "read", "exit", "bash"})


def _program(argv: tuple[str, ...]) -> str:
    """The program a command starts, past ``sudo`` and its options."""
    words = list(argv)
    if words[:1] == ["sudo"]:
        words = words[1:]
    while words and words[0].startswith("-"):
        words = words[1:]
    return words[0] if words else ""


def test_a_job_s_pid_in_a_printed_script_is_a_pid(tmp_path: Path) -> None:
    """Hunt N: ``PID=$!`` after a background job printed as ``PID=%1`` (the importer's job
    spec), so the script's ``nsenter -t $PID`` failed ("failed to parse pid")."""
    import subprocess

    from iplab.importer.convert import import_text

    page = "```\nsleep 30 &\nPID=$!\ntest -d /proc/$PID\nkill $PID\n```\n"
    result = import_text(page, "markdown", "job.md")
    plan = build(scenario.load_text(result.yaml, "job.yaml"))
    script = export.export(plan, "script", "all")
    assert "PID=$(jobs -p %1)" in script.splitlines()
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
