"""Render ops into exact command text through the Jinja templates in ``templates/``.

One template per kind of command (``link-set.j2``...). The environment is
strict (an undefined variable is an error, not an empty string) and has a
``q`` filter that quotes a word for a POSIX shell. A user's ``--templates DIR``
comes first in the search path, so its files override the bundled ones by name.

A :class:`Command` is rendered once; the printed script, the audit log and
the process that runs all come from it. ``argv`` is the text split as a shell
would, without the leading ``sudo `` (the runner decides about sudo).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shlex
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from iplab.errors import ScenarioError, UsageError
from iplab.records import Record, frozen
from iplab.resources import data_dir
from iplab.steps import (
    IpOp,
    NetnsDelAll,
    NetnsExecAll,
    Op,
    Raw,
    Step,
    is_observation,
    needs_privilege,
)
from iplab.words import shell_script, strip_sudo
from iplab.wrappers import assigned_run, runs_sudo, sudo_said

if TYPE_CHECKING:  # Jinja is imported by the first Renderer: a plan kept in iplab.memo,
    # its commands already rendered, is run without it
    import jinja2


@frozen(hot=True)
class Command(Record):
    """One line of a lab: exactly what is printed, and what is executed."""

    #: the exact line, as printed and audited (with ``sudo `` when the scenario says so)
    text: str
    #: what runs, without sudo: the text split as a shell would
    argv: tuple[str, ...]
    #: the text starts with ``sudo ``
    sudo: bool
    #: needs root: the runner adds ``sudo -n`` when we are not root
    privileged: bool
    #: shows state and changes nothing
    observe: bool
    op: Op
    #: the scenario step it comes from (None for undo commands)
    step: Step | None = None
    #: the 1-based position of the step in the scenario, setup then teardown
    number: int = 0
    #: what the process reads on stdin (None: nothing); ``ip -all netns delete`` runs as an
    #: ``ip -batch`` fed the lab's own namespaces (see :class:`iplab.steps.NetnsDelAll`)
    stdin: str | None = None

    @property
    def body(self) -> str:
        """The text without its ``sudo `` prefix."""
        return self.text[5:] if self.sudo else self.text

    @property
    def line(self) -> str:
        """The step as iplab says it to a user (check, a dry run, up's progress): its text,
        or the page's line where the text is the script of a ``[sudo] sh -c "..."`` line
        (hunt CE #3: ``sudo sh -c "echo 1 > FILE"`` was said as ``sudo echo 1 > FILE``, a
        line no page has, and one that fails as typed)."""
        step = self.step
        said = step.verbatim if step is not None and not step.joined else None
        if said and self.body == "true" and said.strip() not in ("true", ":"):
            return said  # (a block that runs nothing of its own, a function's definition, a
            # trap: 'true' stands for it; hunt CP: check said '[2] true' ... '[11] true')
        if not said or "\n" in said:
            return self.text
        script = shell_script(said.removeprefix("sudo "))
        return said if script is not None and script.strip() == self.body.strip() else self.text


_PLAIN = re.compile(r"[^\s\"'\\#|&;<>()$`*?\[\]{}~!]*(?:\s+[^\s\"'\\#|&;<>()$`*?\[\]{}~!]*)*")


def every_netns_script(names: Sequence[str], command: str) -> str:
    """What runs for ``ip -all netns exec CMD``: CMD in each of ``names`` (the lab's), each
    headed as ip heads it (``netns: NAME`` after an empty line), ending 0 as ip does
    whatever CMD returned."""
    parts = [
        f"printf '\\nnetns: %s\\n' {shlex.quote(n)}; ip netns exec {shlex.quote(n)} {command}"
        for n in names
    ]
    return "; ".join([*parts, ":"])


#: what runs for ``ip -all netns delete``: one ``netns del NAME`` line per namespace of the
#: lab, on stdin; ``-force`` goes on past a namespace already gone, as ``-all`` does
ALL_NETNS_ARGV = ("ip", "-force", "-batch", "-")


def split(text: str) -> tuple[str, ...]:
    """Split as a POSIX shell would (shlex), with a fast path for plain words."""
    if _PLAIN.fullmatch(text):
        return tuple(text.split())
    return tuple(shlex.split(text))


def bundled_templates() -> Path:
    return data_dir("templates")


@cache
def _template_cache_class() -> type[jinja2.FileSystemBytecodeCache]:
    import jinja2

    class _TemplateCache(jinja2.FileSystemBytecodeCache):
        """Compiled templates kept between runs; a cache that cannot be read or written is
        only slower, never an error. Its directory is private (as the state directory): what
        jinja loads from it is code."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # an entry cut short or damaged (jinja unpickles and unmarshals it)
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return _TemplateCache


def _compiled_as(env: jinja2.Environment) -> str:
    """What the compiled code of a template depends on besides its source: the class (a
    sandbox intercepts operators in the code itself), the syntax and whitespace options."""
    import jinja2

    options = (
        type(env).__module__, type(env).__qualname__, jinja2.__version__,
        sorted(getattr(env, "intercepted_binops", ())),
        sorted(getattr(env, "intercepted_unops", ())),
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
        env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.autoescape, env.optimized,
    )  # fmt: skip
    return hashlib.sha256(repr(options).encode()).hexdigest()[:16]


def template_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept: ``$XDG_CACHE_HOME/iplab/templates`` (default
    ``~/.cache``), a directory only its owner can write, or no cache at all
    (``IPLAB_NO_CACHE=1``, or a directory that is not private).

    Compiling the templates cost each run 40 ms of the 0.6 s ``iplab run`` of the blog
    lab takes. Jinja keys each entry by the template's path and checks its source's
    checksum, so a changed template is compiled again; an entry's name says how it was
    compiled (:func:`_compiled_as`: sandboxed, operators intercepted, these options), so
    code compiled otherwise is never taken for it.
    """
    from iplab import memo

    directory = memo.directory("templates")  # the cache's rules: iplab.memo
    if directory is None:
        return None
    return _template_cache_class()(str(directory), f"iplab-{_compiled_as(env)}-%s.cache")


#: why a user's template's line does not do what its op says (None: it does); the line
#: grammar's :func:`iplab.lineparse.reads_back_as`, handed in by whoever gives template
#: directories (the grammar renders lines to read them: it sits above this module)
ReadsBackAs = Callable[[Op, str], str | None]


class Renderer:
    """A cached Jinja environment over the template search path."""

    def __init__(
        self, template_dirs: Sequence[Path] = (), reads_back_as: ReadsBackAs | None = None
    ) -> None:
        for directory in template_dirs:
            if not directory.is_dir():
                raise UsageError(f"--templates {directory}: no such directory")
        search = [str(d) for d in template_dirs] + [str(bundled_templates())]
        #: names of the templates a user's directory overrides (their output is checked)
        try:
            self.overridden = frozenset(
                p.name for d in template_dirs for p in d.iterdir() if p.name.endswith(".j2")
            )
        except OSError as exc:
            raise UsageError(f"--templates {exc.filename}: {exc.strerror}") from None
        if self.overridden and reads_back_as is None:
            raise AssertionError("a user's templates are rendered only with their check")
        self.reads_back_as = reads_back_as
        import jinja2

        from iplab import sandbox

        # sandboxed and bounded: a --templates file runs as root's text, never as code
        self.env = sandbox.Sandbox(
            loader=jinja2.FileSystemLoader(search),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            autoescape=False,
            auto_reload=False,  # templates do not change while iplab runs: no stat per render
        )
        self.env.bytecode_cache = template_cache(self.env)
        self.env.filters["q"] = shlex.quote
        self._templates: dict[str, jinja2.Template] = {}

    def text(self, op: Op) -> str:
        """The op's command line, without sudo (a line read by the grammar: as written)."""
        import jinja2

        from iplab import sandbox

        name = op.template if op.text is None else LINE_TEMPLATE
        try:
            template = self._templates.get(name)
            if template is None:
                template = self._templates[name] = self.env.get_template(name)
            text = sandbox.render_bounded(template, op.context())
        except jinja2.TemplateNotFound as exc:
            raise UsageError(f"template {exc.name} not found in the template path") from None
        except jinja2.TemplateSyntaxError as exc:
            raise UsageError(
                f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}"
            ) from None
        except jinja2.TemplateError as exc:
            raise UsageError(f"template {name}: {exc}") from None
        except Exception as exc:  # a user's template may raise anything (1/0)
            raise UsageError(
                f"template {name}: cannot render: {type(exc).__name__}: {exc}"
            ) from None
        text = text.strip()
        if not text or "\n" in text:
            raise UsageError(f"template {name} must render exactly one line, rendered {text!r}")
        return text

    def command(self, op: Op, sudo: bool, step: Step | None = None, number: int = 0) -> Command:
        body = self.text(op)
        with_options, said = False, "sudo "
        if isinstance(op, Raw) and (lead := sudo_said(op.command)) is not None:
            # a raw step written with sudo (or /usr/bin/sudo: hunt EY #4): keep the text as
            # written (the policy adds no second sudo), run the rest; with sudo's own
            # options (sudo -E, sudo -u x), through bash (where a root without sudo finds
            # a sudo that does as sudo would: runner._SUDO_AS_ROOT)
            sudo, body, said = True, body[len(lead) :], lead
            with_options = body.lstrip().startswith("-")
        if with_options:
            argv: tuple[str, ...] = ("bash", "-c", f"sudo {body}")
        elif isinstance(op, Raw) and op.sets:
            argv = ("bash", "-c", reporting(body, op.sets))
        elif isinstance(op, Raw) and op.shell:
            argv = ("bash", "-c", body)
        else:
            try:
                argv = assigned_run(split(body), body)  # (LC_ALL=C ip: env LC_ALL=C ip)
            except ValueError as exc:
                where = step.loc if step else None
                raise ScenarioError(f"rendered {body!r} cannot be split: {exc}", where) from None
            if argv[:1] == ("command",) and argv[1:2] and not argv[1].startswith("-"):
                # ``command ip netns add x`` (a script's way past its own ip() function):
                # bash's builtin, no program; what it runs is the rest (hunt AW: the
                # preflight said this host does not have command)
                argv = argv[1:]
        if isinstance(op, NetnsDelAll):
            # what runs is the lab's namespaces (ALL_NETNS_ARGV), never the words; a user's
            # template may still only spell the command
            written = op.text is not None and runs_sudo(argv)
            bare = strip_sudo(argv) if runs_sudo(argv) else argv
            if op.text is None and bare != ("ip", "-all", "netns", op.verb):
                raise UsageError(
                    f"template {op.template} must render ip -all netns {op.verb}, "
                    f"rendered {body!r}", hint=_TEMPLATE_HINT,
                )  # fmt: skip
            return Command(
                text=body if written else ("sudo " if sudo else "") + body,
                argv=ALL_NETNS_ARGV, sudo=sudo or written, privileged=True, observe=False,
                op=op, step=step, number=number,
                stdin="".join(f"netns del {name}\n" for name in op.names),
            )  # fmt: skip
        if isinstance(op, NetnsExecAll):
            # what runs is CMD in the lab's namespaces (every_netns_script), never the words
            written = op.text is not None and runs_sudo(argv)
            return Command(
                text=body if written else ("sudo " if sudo else "") + body,
                argv=("bash", "-c", every_netns_script(op.names, op.command)),
                sudo=sudo or written, privileged=True, observe=True,
                op=op, step=step, number=number,
            )  # fmt: skip
        if op.text is not None and runs_sudo(argv):
            # a line written with its own sudo (``sudo  ip``, ``sudo -E ip``): printed as
            # written, run without it (the runner adds ``sudo -n`` when not root)
            return Command(
                text=body, argv=strip_sudo(argv), sudo=True, privileged=True,
                observe=is_observation(op), op=op, step=step, number=number,
            )  # fmt: skip
        ip_template = isinstance(op, IpOp) and op.text is None and op.template not in NOT_IP
        if ip_template and argv[:1] != ("ip",):
            raise UsageError(f"template {op.template} must render an ip command, rendered {body!r}")
        if self.reads_back_as is not None and (
            op.template in self.overridden or "_ip.j2" in self.overridden
        ):
            problem = self.reads_back_as(op, body)
            if problem:
                raise UsageError(f"template {op.template} {problem}", hint=_TEMPLATE_HINT)
        return Command(
            text=(said if sudo else "") + body,
            argv=argv,
            sudo=sudo,
            privileged=needs_privilege(op) or sudo,
            observe=is_observation(op),
            op=op,
            step=step,
            number=number,
        )


_TEMPLATE_HINT = "a template may change how a command is spelled, never what it does"

# -- shell variables a step sets for the steps after it (``MAC=$(ip -n a cat ...)``) --------

_STATUS = "__iplab_status"
_DECLARED = re.compile(r"declare -[-\w]* ([A-Za-z_][A-Za-z0-9_]*)(?:=|$)")


def reporting(body: str, names: Sequence[str]) -> str:
    """The script that runs ``body``, then reports the variables it set: after the
    command's own output, for each name a NUL and bash's ``declare -p`` of it (which bash
    reads back as it was: a string, an export, an array). The status is the command's."""
    said = "".join(f"printf '\\0%s' \"$(declare -p {n} 2>/dev/null)\"\n" for n in names)
    return f"{body}\n{_STATUS}=$?\n{said}exit ${_STATUS}"


def reported(stdout: str, names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """What :func:`reporting` printed: the command's own output, and the declaration of each
    variable it set (a name it left unset is left out)."""
    if not names:
        return stdout, {}
    parts = stdout.rsplit("\0", len(names))
    if len(parts) != len(names) + 1:  # (cut short: the command was stopped)
        return stdout, {}
    own, said = parts[0], parts[1:]
    out: dict[str, str] = {}
    for name, declaration in zip(names, said, strict=True):
        match = _DECLARED.match(declaration)
        if match is not None and match[1] == name:
            out[name] = declaration
    return own, out


def prelude(values: dict[str, str]) -> str:
    """The lines that set, in a later step's bash, the variables earlier steps set; exported,
    so that a command it runs in a namespace's shell has them too (``ip netns exec ns1 bash
    -c 'ip link set $IF up'``: the line the author typed in that shell)."""
    return "".join(f"{declaration}\nexport {name}\n" for name, declaration in values.items())


def shown(declaration: str) -> str:
    """``MAC="02:42:ac:11:00:02"`` for bash's ``declare -- MAC="02:42:ac:11:00:02"``."""
    return declaration.split(" ", 2)[2] if declaration.count(" ") >= 2 else declaration


def template_hashes(template_dirs: Sequence[Path]) -> dict[str, str]:
    """The SHA-256 of each template file of the directories, by absolute path."""
    out: dict[str, str] = {}
    try:
        for directory in template_dirs:
            for path in sorted(directory.resolve().iterdir()):
                if path.name.endswith(".j2") and path.is_file():
                    out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise UsageError(f"template {exc.filename}: {exc.strerror}") from None
    return out


#: the template of every line read by the grammar (``line:``): the line as written
LINE_TEMPLATE = "line.j2"
#: templates of ops run through another program than ``ip`` (``bridge``, ``brctl``)
NOT_IP = frozenset({"bridge-ports.j2", "bridge-vlan.j2", LINE_TEMPLATE})


@lru_cache(maxsize=8)
def renderer(
    template_dirs: tuple[Path, ...] = (), reads_back_as: ReadsBackAs | None = None
) -> Renderer:
    return Renderer(template_dirs, reads_back_as)
