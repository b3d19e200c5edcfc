"""The ``iplab`` command: the parser, the exit codes, one module per command family.

- :mod:`iplab.cli.parser`: every command and option (argparse only: ``iplab --help`` and
  completion imports no stage); each command's handler is named, not imported.
- :mod:`iplab.cli.author`: ``render``, ``check``, ``scenarios``, ``import``: scenarios as text.
- :mod:`iplab.cli.session`: ``up``, ``run``, ``down``, ``ls``, ``verify``, ``status``.
- :mod:`iplab.cli.live`: ``exec``, ``shell``, ``impair``, ``link``, ``capture``, ``test``.
- :mod:`iplab.cli.audit`: ``audit`` (show, verify).
- :mod:`iplab.cli.graph`: ``graph``; :mod:`iplab.cli.completion`: ``completion``.

A command family's module is imported only when one of its commands runs, and imports the
stages it calls only then: start-up stays quick.

Exit codes: 0 success; 1 a command failed, a claim or verification failed;
2 an invalid scenario or command line; 3 unreadable iproute2 output; 4 the lab
is locked by another iplab; 5 no privilege (not root, no usable sudo);
70 a bug in iplab (an internal error, never a traceback); 141 stdout went away (a closed
pipe). A command a signal stopped (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) returns 128 + its number (130,
143, 129, 131); the ``iplab`` process, once what it did is rolled back, then ends by that
signal, as Python does after a Ctrl-C: a shell running iplab in a loop stops the loop (bash
goes on when its child exits 130 of its own accord), and the shell's ``$?`` is the same
number. SIGQUIT alone is not sent again: its default would dump a core of a clean exit.

Why this module is long: the process's edges are all here, each short but each a hunt's
lesson: the standard streams and PATH a bare environment lacks, a stdout whose reader
went away, the exit status of every failure, the signal the process ends by, the words
of a command line written in the wrong order.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import io
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO, cast

from iplab import streams
from iplab.errors import IplabError, lab_stays, not_begun, out_of_memory, received_signals
from iplab.streams import Noted, Shrugged

Handler = Callable[..., int]

#: the exit codes this module gives (the others come from each error's ``exit_code``)
EXIT_BUG = 70
EXIT_BROKEN_PIPE = 141


def _terminate(signum: int, frame: object) -> None:
    del frame
    if lab_stays or _process_rc:  # ``up`` is done: the lab stays up, the signal is said and
        # stops nothing; so once the command is done (hunt CF: its status is final)
        done = lab_stays[0] if lab_stays else f"iplab is done (exit status {_process_rc[0]})"
        _say(sys.stderr, f"iplab: {signal.Signals(signum).name} received: {done}")
        return
    received_signals.append(signum)
    raise KeyboardInterrupt


#: the exit code of iplab as a process of its own, once :func:`main` has it
_process_rc: list[int] = []


def _by_signal() -> None:
    """End the process by the signal that stopped its command (see the module's text).

    Registered when this module is imported, before the stages register theirs, so it runs
    after them (``atexit`` runs the last registered first): the audit records a run defers
    to its exit are written before the process ends.
    """
    stopped = [sig for sig in received_signals if _process_rc == [128 + sig]]
    if not stopped or stopped[0] == signal.SIGQUIT:  # (exit 131: no core of a clean exit)
        _ignore_late_signals()
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    signal.signal(stopped[0], signal.SIG_DFL)
    os.kill(os.getpid(), stopped[0])


def _ignore_late_signals() -> None:
    """The command is done, its exit status and its words are final: a signal that comes
    now is ignored. Python puts the default action back on each signal it handles as it
    shuts down, after the last ``atexit`` function: a Ctrl-C in those last milliseconds
    ended iplab by SIGINT with nothing said, after "lab X is up" (hunt CF: exit 130 of an
    up whose lab stays up, and a script took it for failed)."""
    if not _process_rc or threading.current_thread() is not threading.main_thread():
        return  # (a program that called main() with argv keeps its own)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, signal.SIG_IGN)


atexit.register(_by_signal)


#: the command line asked for ``--json`` (set once it is parsed): an error is then also
#: printed on stdout as a JSON document (docs/json/error.schema.json)
_json_asked: list[bool] = []


def _json_error(rc: int, message: str, exc: IplabError | None = None) -> None:
    """The error a ``--json`` command stopped on, as one JSON document on stdout (hunt BS
    #5: a script reading stdout got nothing, the error was text on stderr only). A command
    that printed its own document for it (``check --json``) is not printed twice."""
    if not _json_asked or (exc is not None and exc.shown_as_json):
        return
    import json

    from iplab import jsonout

    problem = jsonout.problem(exc) if exc is not None else {
        "file": None, "line": None, "field": None, "message": message, "hint": None,
        "written": None,
    }  # fmt: skip
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.write(json.dumps({"ok": False, "exit_code": rc, "errors": [problem]}, indent=1))
        sys.stdout.write("\n")
        sys.stdout.flush()


def main(argv: Sequence[str] | None = None, stderr: TextIO | None = None) -> int:
    """Run ``iplab ARGV``; the exit code (never a traceback for what a user can cause)."""
    process = argv is None  # iplab as a process of its own (the console script, -m iplab)
    if process:
        _standard_streams()
        _standard_path()
        _collector_off()
    err = stderr or sys.stderr
    received_signals.clear()  # (an in-process caller's earlier command)
    _json_asked.clear()
    lab_stays.clear()
    not_begun.clear()
    streams.stdout_lost.clear()
    if process and threading.current_thread() is threading.main_thread():
        # until a run installs its own handlers, SIGTERM, SIGHUP (the terminal closed) and
        # SIGQUIT (Ctrl-\) end iplab as Ctrl-C does (and Ctrl-C as Python has it, once
        # the lab is up: said)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            if signal.getsignal(sig) is not signal.SIG_IGN:  # (one its parent has it ignore)
                signal.signal(sig, _terminate)
    returned = False  # (the command returned its status: an error raised is said, and stays)
    try:
        rc = _main(argv)
        returned = True
    except KeyboardInterrupt:
        said = f"interrupted: {not_begun[0]}" if not_begun else "interrupted"
        _say(err, f"iplab: {said}")
        if not received_signals:  # Python's own Ctrl-C handler raised it
            received_signals.append(signal.SIGINT)
        rc = 128 + received_signals[0]
        _json_error(rc, said)
    except BrokenPipeError as exc:
        # the reader went away (iplab graph ... | head): output was cut short
        streams.note_lost(exc)
        rc = EXIT_BROKEN_PIPE
    except IplabError as exc:
        from iplab.written import located

        _say(err, f"iplab: error: {located(exc)}")
        rc = exc.exit_code
        _json_error(rc, str(exc), exc)
    except OSError as exc:  # the host, not iplab: a full disk, a closed terminal...
        if os.environ.get("IPLAB_DEBUG"):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        _say(err, f"iplab: error: {exc.strerror or exc}{where}")
        rc = 1
        _json_error(rc, f"{exc.strerror or exc}{where}")
    except MemoryError:  # the host's limit met (ulimit -v), not a bug
        if os.environ.get("IPLAB_DEBUG"):
            raise
        _say(err, f"iplab: error: {out_of_memory()}")
        rc = 1
        _json_error(rc, out_of_memory())
    except Exception as exc:
        if os.environ.get("IPLAB_DEBUG"):
            raise
        if (missing := _not_installed(exc)) is not None:  # (hunt BN: "a bug in iplab")
            _say(err, f"iplab: error: {missing}")
            rc = 1
            _json_error(rc, missing)
        else:
            _say(
                err,
                f"iplab: internal error: {type(exc).__name__}: {exc}\n"
                "  this is a bug in iplab; run again with IPLAB_DEBUG=1 to see where",
            )
            rc = EXIT_BUG
            _json_error(rc, f"internal error (a bug in iplab): {type(exc).__name__}: {exc}")
    if process:
        _flushed()
    if returned or rc == EXIT_BROKEN_PIPE:
        rc = _output_cut(rc, err)
    if process:
        gc.freeze()  # see _collector_off
        _process_rc.append(rc)
    return rc


def exit_process(rc: int) -> NoReturn:
    """End iplab's process with ``rc`` as Python's shutdown would, less its teardown of every
    module and object (some 9 ms of CPU at each exit, whatever the lab: #14). What the
    shutdown does that matters is done first: the ``atexit`` functions (the audit records a
    run deferred, the cache's writers, the signal that stopped the command, which ends the
    process by it), then the standard streams flushed. No thread of iplab's is left working
    by then: a writer is waited for by its ``atexit`` function, and the others are daemons
    or idle."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(rc)


def _not_installed(exc: Exception) -> str | None:
    """A package iplab needs that this Python cannot import (iplab run by another Python
    than the one it was installed for, ``sudo`` or another user's ``python3``): the host's
    install, not a bug in iplab, which it was said to be. None for any other error (a
    module of iplab's own missing is a broken iplab)."""
    if not isinstance(exc, ModuleNotFoundError) or (exc.name or "iplab").startswith("iplab"):
        return None
    return (
        f"this Python ({sys.executable}) cannot import {exc.name}, which iplab needs: install"
        " iplab and its dependencies for it (python3 -m pip install -e . in iplab's checkout),"
        " or run iplab with the Python it was installed for"
    )


def _standard_streams() -> None:
    """Standard input, output and error that exist, and take any text.

    One closed by the caller (``<&-``, ``>&-``) is opened on /dev/null: else the first
    file or pipe iplab opens takes its number (with stdin closed, the pipe that feeds
    ``ip -batch`` became the batch's own stdin, and the batch waited until its time limit),
    and Python has no ``sys.stdout`` to print to. Text the output's encoding cannot hold
    (``PYTHONIOENCODING=ascii``, a scenario named ``étoile.yaml``) is written escaped.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - for the process
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            fd = 1 if name == "stdout" else 2
            stream = open(fd, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            setattr(sys, name, stream)
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    # a stdout that cannot be written is noted, and the command finishes its work (the
    # exit status says the output was cut); a stderr that cannot be written is shrugged
    # off: the exit status still tells
    if not isinstance(sys.stdout, Noted):
        sys.stdout = cast(TextIO, Noted(sys.stdout))
    if not isinstance(sys.stderr, Shrugged):
        sys.stderr = cast(TextIO, Shrugged(sys.stderr))


#: the search path a shell gives itself when its environment has none (``sh -c 'echo
#: $PATH'`` under ``env -i``; sudo's secure_path has the same directories)
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _standard_path() -> None:
    """A PATH, when iplab's environment has none (``env -i iplab up ...``, a service, a
    cron job's stripped environment): the shell's default, which an administrator's tools
    are on. The check before the run looked for ``ip`` and ``tc`` in Python's default
    (``/bin:/usr/bin``) and passed; the run, which looks in PATH alone, found none: the
    first step failed "ip: command not found", exit 127, rolled back (hunt EF). The lab's
    commands, its shell steps too, now run where a shell would have found them."""
    if "PATH" not in os.environ:
        os.environ["PATH"] = DEFAULT_PATH


def _collector_off() -> None:
    """No cyclic garbage collection in a process of iplab's own, and none at its exit.

    A command lives for seconds and leaves few reference cycles (its objects are freed by
    their reference counts as usual); the collector's passes over every object imported,
    parsed and planned cost more than they find: ``iplab run container-networking-part2``
    took 0.42 s with them, 0.37 s without (medians of 40 rounds, the two taking turns),
    most of it in the pass Python makes at exit, which ``gc.freeze()`` spares. The peak
    memory of ``iplab up`` of star-500 is the same either way (49 MB). In-process callers
    (tests, the API) pass ``argv`` and keep their collector.
    """
    gc.disable()


def _say(err: TextIO, text: str) -> None:
    try:
        err.write(text + "\n")
        err.flush()
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit status says it


def _flushed() -> None:
    """Flush stdout (iplab's :class:`Noted` stream notes a flush that fails)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:  # (a stdout some caller put in its place)
        streams.note_lost(exc)


def _output_cut(rc: int, err: TextIO) -> int:
    """The exit status of a command whose stdout could not be written, once its work is
    done (hunt EF): 141 when its reader went away (``| head -1``: as ``git log`` and ``ls``
    end there), 1 for another loss (a full disk), said once. Of a command that returned
    0 or 1 (a verification's differences, which did not arrive either); one that failed
    with an error it said, or 2 and up, keeps its status."""
    if not streams.stdout_lost or rc not in (0, 1, EXIT_BROKEN_PIPE):
        return rc
    lost = streams.stdout_lost[0]
    if lost.hung_up():  # the terminal closed while a down went on: its words had no reader
        return rc  # left, and the down is done (hunt EF: "down all the same", exit 1)
    if lost.broken_pipe:
        return EXIT_BROKEN_PIPE
    if not lost.said:
        _say(err, f"iplab: error: cannot write to stdout ({lost.reason})")
    return 1


def _main(argv: Sequence[str] | None) -> int:
    # until the command begins (up, run and down say their own; any other clears it):
    # a signal while iplab parses its command line said "iplab: interrupted" alone
    # (hunt CY: a Ctrl-C on a host so loaded that the imports took seconds)
    not_begun[:] = [_NOTHING_BEGUN]
    from iplab.cli.parser import build_parser

    words = _arguments_glued(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    _before_its_command(parser, words)
    args, extra = parser.parse_known_args(words)
    if extra:
        _unrecognized(parser, args, extra)
    if getattr(args, "json", False):
        _json_asked.append(True)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if getattr(handler, "function", "") not in _SAY_NOT_BEGUN:
        not_begun.clear()  # (what its own work leaves, the command says: not this)
    return handler(args)


def _arguments_glued(words: list[str]) -> list[str]:
    """``iplab import lab.sh --arg -n --arg red``: each ``--arg``'s value glued to it
    (``--arg=-n``), as argparse takes one that starts with ``-`` only so (hunt DG: it
    said "expected one argument" for a script's own option)."""
    if "import" not in words:
        return words
    out, i = words[: words.index("import") + 1], words.index("import") + 1
    while i < len(words):
        if words[i] == "--":
            return out + words[i:]
        if words[i] == "--arg" and i + 1 < len(words):
            out.append(f"--arg={words[i + 1]}")
            i += 2
            continue
        out.append(words[i])
        i += 1
    return out


#: what a signal before the command began leaves
_NOTHING_BEGUN = "iplab had not begun: nothing ran, the host is as it was"
#: the commands that say, from their first line, what a signal that stops them leaves
_SAY_NOT_BEGUN = frozenset({"cmd_up", "cmd_run", "cmd_down"})


def _before_its_command(parser: argparse.ArgumentParser, words: list[str]) -> None:
    """An option of a command, with its value, written before the command (``iplab
    --prefix x up star``): argparse took the value for the command ("invalid choice:
    'x'", and iplab's usage). Said by the command's parser, as :func:`_unrecognized` says
    ``iplab --verbose ls``; exit 2."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    top = {o for a in parser._actions for o in a.option_strings}
    at = next((k for k, w in enumerate(words) if w in sub.choices or w == "--"), None)
    if at is None or words[at] == "--":
        return
    early = [w.split("=", 1)[0] for w in words[:at] if w.startswith("-") and w != "-"]
    unknown = [w for w in early if w not in top]
    if not unknown:
        return
    command = sub.choices[words[at]]
    taking = {o for a in command._actions if a.nargs != 0 for o in a.option_strings}
    if unknown[0] in taking:  # (a flag before its command: _unrecognized says it)
        meant = shlex.join(["iplab", words[at], *words[:at], *words[at + 1 :]])
        command.error(
            f"{unknown[0]} is an option of {command.prog}: write it after {words[at]} ({meant})"
        )


def _unrecognized(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]
) -> None:
    """Words no option of the command takes, said by the command's own parser (its usage,
    not iplab's: hunt AX, ``iplab up --frobnicate star``) with the option a slip may have
    meant (``--prefx``: did you mean --prefix?); exit 2."""
    import difflib

    command = None
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and getattr(args, "command", None):
            command = action.choices[args.command]
    where = command or parser
    options = [o for a in where._actions for o in a.option_strings]
    said = f"unrecognized arguments: {' '.join(extra)}"
    for word in extra:
        option = word.split("=", 1)[0]
        if option in options and command is not None:  # iplab --verbose ls: before its command
            said += f" ({option} is an option of {command.prog}: write it after {args.command})"
            break
        longs = [o for o in options if o.startswith("--")]
        if word.startswith("--") and (close := difflib.get_close_matches(option, longs, 1, 0.75)):
            said += f" ({word}: did you mean {close[0]}?)"
            break
    where.error(said)


__all__ = ["main"]
