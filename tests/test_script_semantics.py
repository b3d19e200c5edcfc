"""Lab scripts whose shell semantics the reader follows as bash does (hunt K).

Each case was checked against bash itself (the snippet run with ``echo`` for ``ip``):

* a helper that hands ``"$@"`` on to ``bash -c`` (``nsx() { ip netns exec "$@"; }``)
  crashed the importer with an IndexError;
* ``shift`` in a function was a raw step, and ``"$@"`` after it still held the first
  argument (``ip netns exec r1 r1 ip link set lo up``);
* a variable a function sets (not ``local``) was unknown after the call;
* an assignment in a ``( ... )`` subshell spoiled the outer variable, and the one-line
  subshell was "a multi-line shell construct";
* ``${NS[-1]}`` was "" (the key -1 looked up as written), ``${NS[@]: -1}`` unknown;
* ``declare -i n=0; n+=1`` joined strings ("01") where bash adds;
* a raw step calling one of the script's functions was not said (the run then asked to
  install ``ns_exec``), and ``IFS=: read ... <<< "$h"`` "waited for the reader";
* ``IFS=$'\\n\\t'`` (strict mode) was ignored: ``for n in $NODES`` split at the blank.

The inputs are the hunt's own scripts (tests/fixtures/scripts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iplab import scenario
from iplab.errors import UsageError
from iplab.importer.convert import import_text
from iplab.steps import AddrAdd, LinkSet, NetnsAdd, NetnsExec, Probe, Raw

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"


def _import(name: str) -> tuple[scenario.Scenario, tuple[str, ...]]:
    text = (SCRIPTS / name).read_text(encoding="utf-8")
    result = import_text(text, "shell", name, base=SCRIPTS)
    return scenario.load_text(result.yaml, f"{name}.yaml"), result.warnings


def _commands(sc: scenario.Scenario) -> list[str]:
    return [s.op.command for s in sc.setup if isinstance(s.op, Raw)]


def test_a_helper_hands_a_shell_script_on_with_all_its_arguments() -> None:
    """Hunt K: ``nsx red bash -c "..."`` with ``nsx() { ip netns exec "$@"; }`` ended in
    "internal error: IndexError" (the script's word was looked up among the words as
    written, before "$@" gave several). Bash runs both commands in red."""
    sc, _ = _import("06-nsx-wrapper.sh")
    ops = [s.op for s in sc.setup]
    assert any(isinstance(op, LinkSet) and op.ns == "red" and op.dev == "lo" for op in ops)
    assert any(isinstance(op, AddrAdd) and op.ns == "red" and op.dev == "lo" for op in ops)


def test_shift_in_a_function_moves_its_arguments() -> None:
    """Hunt K: ``ns_exec() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }`` gave a
    raw ``shift`` step, then ``ip netns exec r1 r1 ip link set lo up`` (bash: ``ip netns
    exec r1 ip link set lo up``); the run refused it, "this host does not have hK4r1"."""
    sc, _ = _import("04-routers.sh")
    raws = _commands(sc)
    assert "shift" not in raws
    assert not any("r1 r1" in r for r in raws), raws
    lo = [s.op.ns for s in sc.setup if isinstance(s.op, LinkSet) and s.op.dev == "lo"]
    assert lo == ["r1", "r2", "r3"]
    sysctls = [s.op for s in sc.setup if isinstance(s.op, NetnsExec)]
    assert [op.ns for op in sysctls] == ["r1", "r2", "r3"]


def test_shift_then_a_helper_in_a_helper() -> None:
    """Hunt K: 05b's ``in_ns() { local ns=$1; shift; run ip netns exec "$ns" "$@"; }``: the
    same lost shift, through a second helper."""
    sc, _ = _import("05b-vlan-lab-expand.sh")
    assert "shift" not in _commands(sc)
    lo = [s.op.ns for s in sc.setup if isinstance(s.op, LinkSet) and s.op.dev == "lo"]
    assert lo == ["hosta", "hostb"]


def test_shift_n_and_a_count_iplab_cannot_know() -> None:
    """``shift 2``, ``shift`` in a loop on ``$#`` and ``shift 5`` past the end (bash's
    shift then fails and moves none) give what bash gives; ``shift $(...)`` leaves the
    arguments unknown, said, and the line after it stays raw (never a wrong name)."""
    script = (
        'mk() {\n  local first=$1\n  shift 2\n  ip netns add "$first$1"\n'
        '  while [ $# -gt 0 ]; do\n    ip netns add "$1"\n    shift\n  done\n'
        '  shift 5\n  ip link add "$first-$#" type dummy\n}\nmk a b c d e\n'
    )
    sc = scenario.load_text(import_text(script, "shell", "s.sh").yaml, "s.yaml")
    names = [getattr(s.op, "name", None) for s in sc.setup]
    assert names[-5:] == ["ac", "c", "d", "e", "a-0"]  # bash's, run with echo for ip
    unknown = 'f() {\n  shift $(cat n)\n  ip netns add "$1"\n}\nf a b\n'
    result = import_text(unknown, "shell", "u.sh")
    assert any(
        "line 2 (in f, called at line 5): shift $(cat n): iplab cannot tell" in w
        for w in result.warnings
    ), result.warnings
    sc = scenario.load_text(result.yaml, "u.yaml")
    assert _commands(sc)[-1] == 'ip netns add "$1"'


def test_a_variable_a_function_sets_holds_after_the_call() -> None:
    """Hunt K: ``mk() { ...; LAST=$1; }; mk xbr; ip link set "$LAST" up`` -> "cannot resolve
    $LAST ($LAST is not set in the input)", a raw step that failed at run; bash runs ``ip
    link set xbr up`` (a function's variables are global unless ``local``)."""
    sc, warnings = _import("13-global-set-in-function.sh")
    assert not _commands(sc)[1:], _commands(sc)
    assert any(isinstance(s.op, LinkSet) and s.op.dev == "xbr" for s in sc.setup)
    assert not any("$LAST" in w for w in warnings)


def test_local_and_declare_stay_in_the_function() -> None:
    """``local`` and ``declare`` (without ``-g``) variables are the function's; the others,
    arrays too, are the caller's after the call (bash's output, run with echo for ip)."""
    script = (
        "G=g0\nmk() {\n  local L=$1\n  declare D=d1\n  declare -g E=e1\n  G=$1-g\n"
        '  A=(x y)\n  L=changed\n  inner "$L"\n  ip netns add "$G$L$D$E$I"\n}\n'
        "inner() { I=$1-i; local G=shadow; }\nL=l0; D=d0\nmk one\n"
        'ip netns add "$G-$L-$D-$E-$I-${A[1]}"\n'
    )
    sc = scenario.load_text(import_text(script, "shell", "s.sh").yaml, "s.yaml")
    names = [getattr(s.op, "name", None) for s in sc.setup][-2:]
    assert names == ["one-gchangedd1e1changed-i", "one-g-l0-d0-e1-changed-i-y"]


def test_a_subshell_s_assignment_stays_in_it() -> None:
    """Hunt K: ``BR=mbr; ( BR=nothere; echo ... ); ip link set "$BR" up`` -> "cannot resolve
    $BR ($BR is set at line 2 from something iplab cannot evaluate)", a raw line, and the
    subshell "a multi-line shell construct (( ...)"; bash sets mbr up."""
    sc, warnings = _import("12-subshell-poisons-var.sh")
    assert not _commands(sc), _commands(sc)
    assert any(isinstance(s.op, LinkSet) and s.op.dev == "mbr" for s in sc.setup)
    assert not warnings, warnings


def test_a_subshell_in_a_script_with_functions_and_locals() -> None:
    """Hunt K: 09-semantics.sh: ``local BR=$1`` in mk_bridge, ``LAST_BRIDGE=$BR`` set there
    and the subshell's ``BR=nothere``: the last line is ``ip link set mbr mtu 9000``."""
    sc, warnings = _import("09-semantics.sh")
    assert not any("multi-line" in w or "$BR" in w for w in warnings), warnings
    last = sc.setup[-1].op
    assert isinstance(last, LinkSet) and last.dev == "mbr", last
    assert ("mtu", "9000") in last.attrs


def test_a_subshell_runs_its_commands_and_one_that_exits_is_said() -> None:
    """A subshell's commands are steps, with its own variables; one with an ``exit`` in
    it is skipped with a warning (bash stops the subshell there)."""
    script = (
        'BR=mbr\n( BR=sub; ip link add "$BR" type dummy )\n'
        '(ip link add "$BR-2" type dummy; exit 0; ip link add never type dummy)\n'
        'ip link add "$BR-3" type dummy\n'
    )
    result = import_text(script, "shell", "s.sh")
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert [getattr(s.op, "name", None) for s in sc.setup] == ["sub", "mbr-3"]
    assert result.warnings == (
        "line 3: a subshell ( ... ) that leaves early (exit, return, break) is not imported;"
        " skipped (write its commands out)",
    )


def test_a_negative_index_counts_from_the_last_element() -> None:
    """Hunt K: ``NS=(a b c); ip netns add "${NS[-1]}"`` imported as ``ip netns add ""``
    with no warning; bash adds c, then cx for ``${NS[@]: -1}x``."""
    sc, warnings = _import("16-negative-index.sh")
    assert [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)] == ["c", "cx"]
    assert not _commands(sc) and not warnings


def test_the_last_of_a_counted_array() -> None:
    """Hunt K: 11-counted.sh's ``last=${NAMES[-1]}`` gave ``ip -n "" link set lo up``
    while the summary said "expanded shell variables: $last"; bash: ``ip -n node3``."""
    sc, _ = _import("11-counted.sh")
    lo = [s.op for s in sc.setup if isinstance(s.op, LinkSet) and s.op.dev == "lo"]
    assert [op.ns for op in lo] == ["node3"]
    assert not any('""' in r for r in _commands(sc))


def test_array_subscripts_and_slices_as_bash_has_them() -> None:
    """Negative subscripts (to read and to set), slices of an array, an element's length,
    a sparse array: what bash prints (run with echo for ip); a negative count, which bash
    refuses, stays raw with a warning."""
    script = (
        "A=(a b c d)\n"
        'ip netns add "${A[@]:1:1}${A[@]: -1}${A[@]: -2:1}${A[@]: -5}${A[-1]}${#A[-1]}"\n'
        'A[-1]=z\nB=([2]=x [5]=y)\nip netns add "${A[3]}${B[-1]}${B[@]:3}${B[-2]}"\n'
        'for i in "${A[@]:2}"; do ip netns add "$i"; done\n'
        'ip netns add "${A[@]:1:-1}"\n'
    )
    result = import_text(script, "shell", "s.sh")
    sc = scenario.load_text(result.yaml, "s.yaml")
    names = [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)]
    assert names == ["bdcd1", "zyy", "c", "z"]
    assert _commands(sc) == ['ip netns add "${A[@]:1:-1}"']
    assert result.warnings == (
        "line 7: cannot resolve ${A[@]:1:-1} (${A[@]:1:-1} is evaluated by the shell); kept"
        " as a raw command",
    )


def test_an_integer_variable_adds() -> None:
    """Hunt K: ``declare -i n=0; for x in a b; do n+=1; done; ip netns add "ns$n"`` gave
    ``ip netns add "ns011"`` with no warning; bash adds ns2. The same file's ``for i in
    "${NS[@]:1}"`` was skipped; bash adds b and c."""
    sc, _ = _import("14-declare-i-and-slice.sh")
    assert [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)] == ["ns2", "b", "c"]


def test_integers_declared_in_a_function_and_set_later() -> None:
    """``declare -i m=n*3 k; k=m+1; k+=k``, ``local -i`` in a function: what bash prints
    (run with echo for ip); an integer array, which iplab does not evaluate, is said."""
    script = (
        'declare -i n=2\ndeclare -i m=n*3 k\nk=m+1\nk+=k\nip netns add "m$m-k$k"\n'
        'f() { local -i c=5; c+=2; g+=1; ip netns add "c$c"; }\ng=4\nf\n'
        'ip netns add "g$g"\ndeclare -ai arr=(1+1 2)\nip netns add "a${arr[0]}"\n'
    )
    result = import_text(script, "shell", "s.sh")
    sc = scenario.load_text(result.yaml, "s.yaml")
    names = [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)]
    assert names == ["m6-k14", "c7", "g41"]
    assert _commands(sc)[-1] == 'ip netns add "a${arr[0]}"'
    assert any(w.startswith("line 11: cannot resolve ${arr[0]}") for w in result.warnings)


def test_a_raw_line_calling_the_script_s_function_is_said() -> None:
    """Hunt K: ``ns_exec r1 ping ... && echo "r1 -> r3 OK"`` stayed a raw step running
    ns_exec, which the run's shell does not have; the preflight said "this host does not
    have ns_exec ... (install what is missing)". The import says it, naming the line."""
    sc, warnings = _import("04b-routers-slice.sh")
    # (by design since hunt DL, tests/test_hunt_dl_quoted_netns.py: the function's line,
    # ``ip netns exec "r1" ping ...``, is a netns exec now, not one raw step calling ns_exec:
    # the run runs the function's command, and only the ``&& echo`` is said; since hunt DP,
    # tests/test_hunt_dp_quoted_probe.py, that ping is the probe the unquoted one is)
    pings = [s.op for s in sc.setup if isinstance(s.op, Probe)]
    assert [(op.ns, op.target, op.count) for op in pings] == [("r1", "10.0.23.2", 1)], pings
    assert not any("a function the input defines" in w for w in warnings), warnings
    assert any(w.startswith("line 52: 'echo \"r1 -> r3 OK\"' after &&") for w in warnings)
    lo = [s.op.ns for s in sc.setup if isinstance(s.op, LinkSet) and s.op.dev == "lo"]
    assert lo == ["r1", "r2", "r3"]


def test_a_read_from_a_here_string_with_its_own_ifs() -> None:
    """Hunt K: ``IFS=: read -r name vid addr <<< "$h"`` in a function's loop "waits for the
    reader (Enter)" and all 20 commands of the loop stayed raw; bash splits at ``:``."""
    sc, warnings = _import("05-vlan-lab.sh")
    assert not _commands(sc)[5:], _commands(sc)
    assert not any("waits for the reader" in w for w in warnings), warnings
    added = [s.op for s in sc.setup if isinstance(s.op, AddrAdd)]
    assert [(op.ns, op.address, op.dev) for op in added] == [
        ("hosta", "10.1.10.2/24", "hosta-eth0"),
        ("hostb", "10.1.10.3/24", "hostb-eth0"),
    ]


def test_read_splits_as_bash_or_says_it_cannot() -> None:
    """``IFS=: read`` of fields with blanks and empty ones is bash's; a trailing separator
    (bash drops one, keeps two) or an IFS with a blank in it is said, never guessed."""
    script = (
        'for h in "a:1:x y" "b:2:" "c::z"; do\n  IFS=: read -r name vid addr <<< "$h"\n'
        '  ip netns add "$name-$vid-$addr"\ndone\nIFS=: read -r p q <<< "x:y:"\n'
        'ip netns add "$p-$q"\nread -r p q <<< "u v w"\nip netns add "$p-$q"\n'
    )
    result = import_text(script, "shell", "s.sh")
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert [c for c in _commands(sc) if c != "true"] == [
        'ip netns add "a-1-x y"',
        'ip netns add "$p-$q"',
        'ip netns add "u-v w"',
    ]
    assert [s.op.name for s in sc.setup if isinstance(s.op, NetnsAdd)] == ["b-2-", "c--z"]
    assert result.warnings[0] == (
        "line 5: 'IFS=: read -r p q <<< \"x:y:\"': iplab cannot tell how read splits its"
        " input; the variables it sets are not known after it"
    )


def test_a_word_split_with_ifs_set_is_refused_not_guessed() -> None:
    """Hunt K: ``IFS=$'\\n\\t'; NODES="red blue"; for n in $NODES`` gave two netns add;
    bash runs one, with "red blue". iplab splits at blanks only: the loop is skipped, said
    with the line IFS is set at (here the file then has no command)."""
    with pytest.raises(UsageError) as raised:
        _import("15-ifs-strict-mode.sh")
    assert (
        "line 5: cannot tell what the loop iterates over; skipped (write the values out: for"
        " ns in ns1 ns2); IFS is set at line 3: iplab splits words at blanks only"
    ) in str(raised.value)


def test_unquoted_words_with_ifs_set() -> None:
    """With IFS set, an unquoted value that has no blank and no IFS character is as bash
    splits it; one that has is kept raw and said; quoted, it is one word (bash's)."""
    script = (
        "IFS=$'\\n\\t'\nNODES=\"red blue\"\nN=ns1\nip netns add $N\nip netns add $NODES\n"
        'ip netns add "$NODES"\n'
    )
    result = import_text(script, "shell", "s.sh")
    sc = scenario.load_text(result.yaml, "s.yaml")
    assert [getattr(s.op, "name", None) for s in sc.setup] == ["ns1", None, None]
    assert _commands(sc) == ["ip netns add $NODES", 'ip netns add "red blue"']
    assert result.warnings == (
        "line 5: cannot resolve $NODES ($NODES is split at IFS, set at line 1: iplab splits"
        " words at blanks only); kept as a raw command",
        "line 6: 'red blue' hold a blank or a shell character: iplab types ip commands whose"
        " names are ASCII letters, digits, '_', '.', '-'; kept as raw steps (they run as"
        " written; --prefix renames in them only the names other steps make, not these)",
    )
