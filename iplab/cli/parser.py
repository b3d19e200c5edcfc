"""The whole command line, in argparse alone: ``iplab --help`` and shell completion import
no stage and no command family.

Each command names its handler (:class:`Command`: a module of :mod:`iplab.cli` and a function
in it), imported when the command runs.

Why this module is long: it is the one place every command, option and help text is written
(``--help``, completion and the docs read it), nineteen commands in the order of the help.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import re
from pathlib import Path
from typing import NoReturn

from iplab import __version__
from iplab.options import EXPORT_FORMATS
from iplab.records import Record, frozen

#: ``graph --format`` (:data:`iplab.graph.FORMATS`, which a test holds equal)
GRAPH_FORMATS = ("dot", "mmd", "svg", "png")
#: ``completion SHELL``
SHELLS = ("bash", "zsh", "fish")


@frozen
class Command(Record):
    """A command's handler: ``function`` of ``iplab.cli.<family>``, imported when it runs."""

    family: str
    function: str

    def __call__(self, args: argparse.Namespace) -> int:
        module = importlib.import_module(f"iplab.cli.{self.family}")
        rc: int = getattr(module, self.function)(args)
        return rc


def add_scenario(p: argparse.ArgumentParser, required: bool = True, prefix: bool = True) -> None:
    """SCENARIO, --var, --templates and (by default) --prefix."""
    p.add_argument(
        "scenario", nargs=None if required else "?",
        help="a scenario file, or the name of a bundled scenario"
        + ("" if required else " (not needed with --live)"),
    )  # fmt: skip
    p.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE",
        help="set a scenario variable (repeatable); the value is read as YAML",
    )  # fmt: skip
    p.add_argument(
        "--templates", action="append", default=[], type=Path, metavar="DIR",
        help="a directory whose templates override the bundled ones by name (repeatable)",
    )  # fmt: skip
    if prefix:
        p.add_argument(
            "--prefix", default="", metavar="P", action=_Prefix,
            help="rename every namespace and link the scenario creates to P+name (a link"
            " name that grows past 15 characters keeps P and its head, and ends in 3 hex"
            " digits of its hash)",
        )  # fmt: skip


class _Prefix(argparse.Action):
    """``--prefix P``; an empty P is refused (it would make the lab under the tutorial's
    own names, on the host, while its user asked for a prefix)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        if values == "":
            parser.error(f"{option_string} '': an empty prefix renames nothing; leave it out")
        setattr(namespace, self.dest, values)


def add_state_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v", "--verbose", action="store_true",
        help="say how each state read is done (which reader: ip -j or netlink) and how long",
    )  # fmt: skip
    p.add_argument(
        "--state-dir", metavar="DIR",
        help="where journals and the audit log live (default: $IPLAB_STATE_DIR, "
        "/var/lib/iplab for root, ~/.local/state/iplab otherwise)",
    )  # fmt: skip
    p.add_argument(
        "--audit-key", metavar="FILE", type=Path,
        help="sign the audit log's head with this secret (a file outside the state "
        "directory; default: $IPLAB_AUDIT_KEY); audit verify then requires the signature",
    )  # fmt: skip


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 86400:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds: {text!r}")
    return value


def _json_flag(p: argparse.ArgumentParser, command: str) -> None:
    p.add_argument(
        "--json", action="store_true",
        help=f"print one JSON document (schema: docs/json/{command}.schema.json)",
    )  # fmt: skip


#: what ``iplab --help`` says of its exit status (the codes of :mod:`iplab.errors` and
#: :mod:`iplab.cli`)
EXIT_STATUS = """\
exit status:
  0      success (and down when there is nothing left to undo)
  1      a command failed, a claim or the verification failed
  2      an invalid scenario or command line: one line names the file, line and field
  3      iproute2 printed what iplab cannot read
  4      the lab is busy: another iplab sets it up, rolls it back or takes it down
  5      no privilege: not root, and sudo -n cannot be used
  70     a bug in iplab (an internal error; IPLAB_DEBUG=1 shows where)
  141    standard output went away (iplab ... | head): what was printed did not arrive;
         the command's work is done all the same (up and run roll back)
  128+N  a signal N stopped it (130 Ctrl-C, 131 Ctrl-\\, 143 SIGTERM, 129 SIGHUP), after
         the rollback

shell completion: iplab completion --help"""


#: argparse's words for a value not among an argument's choices (Python 3.11, 3.12)
_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<word>[^']*)' \(choose from (?P<choices>.*)\)$")


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose "invalid choice" also says the choice a slip is closest
    to (hunt BN: ``iplab rnu`` listed nineteen commands and not that ``run`` was meant;
    Python 3.14's ``suggest_on_error`` does the same)."""

    def error(self, message: str) -> NoReturn:
        found = _INVALID_CHOICE.search(message)
        if found:
            choices = re.findall(r"'([^']*)'", found["choices"])
            close = difflib.get_close_matches(found["word"], choices, n=1, cutoff=0.6)
            if close:
                message += f": did you mean '{close[0]}'?"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command, its options and its handler."""
    parser: argparse.ArgumentParser = _Parser(  # (its commands' parsers are _Parser too)
        prog="iplab",
        description=(
            "Render, run, verify, undo and audit Linux network-namespace labs written as\n"
            "tutorials. `iplab COMMAND --help` lists a command's options."
        ),
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"iplab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("render", help="print the exact command lines of a scenario")
    add_scenario(p)
    part = p.add_mutually_exclusive_group()
    part.add_argument("--setup", action="store_true", help="only the setup steps")
    part.add_argument("--teardown", action="store_true", help="only the teardown steps")
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default="text",
        help="text: the lines; script: a bash script; markdown: a tutorial page",
    )
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.set_defaults(handler=Command("author", "cmd_render"))

    p = sub.add_parser(
        "check", help="check a scenario in the model and print the state after each step"
    )
    add_scenario(p)
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the states")
    p.add_argument(
        "--all-states", action="store_true",
        help="print the state after each step even for a lab of more than"
        " 24 namespaces (by default, such a lab's state is printed once, after its setup)",
    )  # fmt: skip
    _json_flag(p, "check")
    p.set_defaults(handler=Command("author", "cmd_check"))

    state = argparse.ArgumentParser(add_help=False)
    add_state_dir(state)
    limit = argparse.ArgumentParser(add_help=False)
    limit.add_argument(
        "--timeout", type=_seconds, metavar="SECONDS",
        help="the time limit of each process whose step sets none (default: 30; 0: none); "
        "past it the process is killed and the run rolls back",
    )  # fmt: skip
    undo_limit = argparse.ArgumentParser(add_help=False)  # (down's own words: hunt BN,
    undo_limit.add_argument(  # its --help said "the run rolls back" of a down)
        "--timeout", type=_seconds, metavar="SECONDS",
        help="the time limit of each undo command (default: 30; 0: none); past it the"
        " command is killed and what is left is said (iplab down again retries it)",
    )  # fmt: skip
    running = argparse.ArgumentParser(add_help=False, parents=[state, limit])
    running.add_argument("--lab", help="the lab's name (default: prefix + scenario name)")
    running.add_argument("--dry-run", action="store_true", help="print what would run, run nothing")
    running.add_argument(
        "--no-verify", dest="verify", action="store_false",
        help="do not compare the kernel's state with the scenario after the setup",
    )  # fmt: skip
    running.add_argument(
        "--no-preflight", dest="preflight", action="store_false",
        help="start even when a name the lab creates already exists (rollback handles it),"
        " or a step after a raw one would change an object the host had before the lab",
    )  # fmt: skip
    running.add_argument(
        "--per-command", action="store_true",
        help="one process per command instead of batching runs of ip commands (for debugging)",
    )  # fmt: skip
    running.add_argument(
        "--exact-undo", action="store_true",
        help="on a failure, replay every recorded inverse instead of only the deletions",
    )  # fmt: skip

    p = sub.add_parser("up", parents=[running], help="run the setup steps, journaled")
    add_scenario(p)
    p.add_argument(
        "--json", action="store_true",
        help="print one JSON document: the lab, its commands and claims (schema:"
        " docs/json/run.schema.json; progress on stderr)",
    )  # fmt: skip
    p.set_defaults(handler=Command("session", "cmd_up"))

    p = sub.add_parser(
        "run", parents=[running],
        help="rehearse the whole tutorial: setup, its teardown, then check nothing remains",
    )  # fmt: skip
    add_scenario(p)
    _json_flag(p, "run")
    p.set_defaults(handler=Command("session", "cmd_run"))

    p = sub.add_parser("down", parents=[state, undo_limit], help="undo a lab from its journal")
    p.add_argument("lab", nargs="?", help="the lab (optional when only one is up)")
    p.add_argument(
        "--exact", action="store_true",
        help="replay every recorded inverse, newest first (slower; default: only the deletions)",
    )  # fmt: skip
    p.set_defaults(handler=Command("session", "cmd_down"))

    p = sub.add_parser("ls", parents=[state], help="list the labs that are up")
    _json_flag(p, "ls")
    p.add_argument("--names", action="store_true", help="only the labs' names, one a line")
    p.set_defaults(handler=Command("session", "cmd_ls"))

    p = sub.add_parser("audit", parents=[state], help="show or verify the audit log")
    p.add_argument("action", nargs="?", choices=["show", "verify"], default="show")
    p.add_argument("--lab", help="only this lab")
    p.add_argument("--run", help="only this run (any part of its id, as the table shows it)")
    p.add_argument("--since", help="only records since: 30m, 2h, 1d, or an ISO date")
    p.add_argument("--failed", action="store_true", help="only commands that failed")
    p.add_argument(
        "--head", metavar="HASH",
        help="verify: the log must still hold this head (printed after a run, kept elsewhere)",
    )  # fmt: skip
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument(
        "--json", action="store_true",
        help="print the records as JSON lines (schema: docs/json/audit.schema.json)",
    )  # fmt: skip
    fmt.add_argument("--script", action="store_true", help="print the commands as a script")
    p.set_defaults(handler=Command("audit", "cmd_audit"))

    p = sub.add_parser(
        "verify", parents=[state],
        help="compare the live kernel with what the scenario promises after the setup (or a step)",
    )  # fmt: skip
    add_scenario(p)
    for action in p._actions:
        if action.dest == "scenario":  # (as ls, down and status take a lab)
            action.help = "a scenario file, the name of a bundled scenario, or a lab that is up"
    p.add_argument("--step", type=int, metavar="N", help="the state after step N instead")
    _json_flag(p, "verify")
    p.set_defaults(handler=Command("session", "cmd_verify"))

    p = sub.add_parser("status", parents=[state], help="show the live namespaces and links")
    p.add_argument("--lab", help="only this lab's namespaces and links (default: the host)")
    p.add_argument(
        "--json", action="store_true",
        help="print the parsed state as JSON (schema: docs/json/status.schema.json)",
    )  # fmt: skip
    p.set_defaults(handler=Command("session", "cmd_status"))

    p = sub.add_parser(
        "exec", parents=[state], help="run one command inside a namespace of a lab (audited)"
    )
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("netns", metavar="NS", help="one of the lab's namespaces")
    p.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD ...", help="the command")
    p.set_defaults(handler=Command("live", "cmd_exec"))

    p = sub.add_parser(
        "shell", parents=[state], help="an interactive shell in a namespace of a lab"
    )
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("netns", metavar="NS", help="one of the lab's namespaces")
    p.set_defaults(handler=Command("live", "cmd_shell"))

    p = sub.add_parser(
        "impair", parents=[state],
        help="delay, jitter, lose, shape, duplicate or corrupt a link's packets (tc netem)",
    )  # fmt: skip
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("link", metavar="LINK", help="NS:IFNAME, or a link name unique in the lab")
    p.add_argument("--delay", help="added to every packet leaving the link: 50ms, 200us, 1s")
    p.add_argument("--jitter", help="the delay varies by up to this much: 5ms (needs --delay)")
    p.add_argument("--loss", help="packets dropped: 1%%, 0.5%%")
    p.add_argument("--rate", help="the link's rate: 10mbit, 512kbit (alone: tbf; else netem)")
    p.add_argument("--duplicate", help="packets sent twice: 1%%")
    p.add_argument("--corrupt", help="packets with one bit flipped: 0.1%%")
    p.add_argument("--clear", action="store_true", help="remove the link's impairment")
    p.add_argument("--dry-run", action="store_true", help="print the tc line, run nothing")
    p.set_defaults(handler=Command("live", "cmd_impair"))

    p = sub.add_parser("link", parents=[state], help="set a link of a lab down or up (journaled)")
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("link", metavar="LINK", help="NS:IFNAME, or a link name unique in the lab")
    p.add_argument("state", choices=["down", "up"])
    p.set_defaults(handler=Command("live", "cmd_link"))

    p = sub.add_parser(
        "capture", parents=[state], help="capture a link's packets with tcpdump, in its namespace"
    )
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("link", metavar="LINK", help="NS:IFNAME, or a link name unique in the lab")
    p.add_argument("-w", "--write", type=Path, metavar="FILE", help="write a pcap file")
    p.add_argument("-c", "--count", type=int, metavar="N", help="stop after N packets")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    p.add_argument("--filter", metavar="EXPR", help="a tcpdump filter: 'icmp', 'port 80'")
    p.set_defaults(handler=Command("live", "cmd_capture"))

    p = sub.add_parser(
        "test", parents=[state],
        help="ping every pair of a lab's addresses (or the scenario's probes): a matrix",
    )  # fmt: skip
    p.add_argument("lab", help="the lab (see iplab ls)")
    p.add_argument("--junit", type=Path, metavar="FILE.xml", help="write a JUnit XML report")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--wait", type=int, default=1, metavar="S", help="ping's wait per probe (1)")
    p.add_argument(
        "--all", action="store_true",
        help="every pair even when the scenario lists its own (those keep their expectation)",
    )  # fmt: skip
    p.set_defaults(handler=Command("live", "cmd_test"))

    p = sub.add_parser(
        "graph",
        help="draw a lab: as the scenario expects it, step by step, or as the kernel holds it",
        description=(
            "Draw a lab as a picture: the host, its namespaces, veth pairs and bridges. "
            "The format follows the -o suffix (.svg, .png, .dot, .mmd) or --format; "
            "without -o, DOT text goes to stdout. .svg and .png need Graphviz's dot."
        ),
    )
    add_scenario(p, required=False)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the picture here")
    p.add_argument(
        "--format", choices=GRAPH_FORMATS, help="the picture's format (default: from -o)"
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--step", type=int, metavar="N", help="the state after step N (1-based)")
    what.add_argument(
        "--storyboard", type=Path, metavar="DIR",
        help="one picture per state-changing step in DIR, with index.md and index.html",
    )  # fmt: skip
    what.add_argument(
        "--live", action="store_true",
        help="what the kernel holds now (of --lab, of SCENARIO's names, or the whole host)",
    )  # fmt: skip
    p.add_argument(
        "--diff", action="store_true",
        help="the scenario's expected state beside the live one, differences in red",
    )  # fmt: skip
    p.add_argument("--lab", help="with --live: only this lab's namespaces and links")
    add_state_dir(p)
    p.add_argument(
        "--lo", choices=("auto", "show", "hide"), default="auto",
        help="a namespace's loopback: auto shows it when it is up, has an address, "
        "or is alone (default: auto)",
    )  # fmt: skip
    p.add_argument(
        "--host-links", choices=("collapse", "show", "hide"), default="collapse",
        help="live, whole host: the root namespace's own links (lo, eth0...) in one node, "
        "one node each, or not at all (default: collapse)",
    )  # fmt: skip
    p.set_defaults(handler=Command("graph", "cmd_graph"))

    p = sub.add_parser(
        "import",
        help="turn a tutorial (Markdown, a web page) or a shell script into a scenario file",
        description=(
            "Read the commands of a tutorial page or a shell script and write a scenario that "
            "renders them back exactly. The summary (warnings, steps iplab cannot undo, the "
            "model's verdict) goes to stderr. Exit 1 when the model rejects the scenario "
            "(the file is still written)."
        ),
    )
    p.add_argument(
        "file",
        help="a Markdown page (.md), a web page (.html), reStructuredText (.rst), AsciiDoc"
        " (.adoc), a Jupyter notebook (.ipynb), a shell script, a pasted session, the address"
        " (http://, https://) of one, or - for standard input (make -n up | iplab import -)",
    )
    p.add_argument("-o", "--output", type=Path, help="write the scenario here instead of stdout")
    p.add_argument("--name", help="the scenario's name (default: from the file name)")
    p.add_argument(
        "--format",
        choices=(
            "auto",
            "markdown",
            "html",
            "rst",
            "asciidoc",
            "org",
            "notebook",
            "session",
            "shell",
        ),
        default="auto",
        help="how to read FILE (auto: .md is Markdown, .html a web page, .rst reStructuredText,"
        " .adoc AsciiDoc, .ipynb a notebook, .sh a script, else by its content; an address:"
        " by the type the server says)",
    )
    p.add_argument(
        "--variables",
        choices=("keep", "expand"),
        default="keep",
        help="a line using the script's variables prints as written (keep, the default)"
        " or with their values (expand); it runs with their values either way",
    )
    p.add_argument(
        "--arg",
        action="append",
        dest="arguments",
        metavar="VALUE",
        help="an argument the script is run with, in order: --arg up --arg red reads"
        ' ./lab.sh up red ($1 is up, $2 red, $# 2, shift and "$@" as bash has them),'
        " --arg -n too. Without --arg, a line that needs an argument stays raw and the"
        " summary names it",
    )
    p.add_argument(
        "--cleanup",
        metavar="FILE",
        help="the lab's cleanup, a script of its own (teardown.sh, cleanup.sh, destroy.sh):"
        " its steps are the teardown, read as run on their own after FILE (none of its"
        " variables, the same --arg values); source: names both files",
    )
    p.set_defaults(handler=Command("author", "cmd_import"))

    p = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh, fish)",
        description=(
            "Print a completion script for SHELL: commands and options, the bundled\n"
            "scenarios and YAML files where a scenario goes, the labs that are up where a\n"
            "lab goes (down LAB, exec LAB, status --lab).\n"
            "\n"
            "To have it in every new shell:\n"
            "  bash: iplab completion bash > ~/.local/share/bash-completion/completions/iplab\n"
            "        (or, in ~/.bashrc: source <(iplab completion bash))\n"
            '  zsh:  iplab completion zsh > "${fpath[1]}/_iplab"   (then: compinit)\n'
            "  fish: iplab completion fish > ~/.config/fish/completions/iplab.fish"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    p.set_defaults(handler=Command("completion", "cmd_completion"))

    p = sub.add_parser("scenarios", help="list the bundled scenarios")
    p.add_argument("--names", action="store_true", help="only their names, one a line")
    p.set_defaults(handler=Command("author", "cmd_scenarios"))
    return parser
