"""Lines that run another tool's recipe: ``make up``, ``make -C topo wire``, ``$(MAKE)``,
``just up``, ``vagrant up``, ``vagrant provision``, ``ansible-playbook site.yml``, ``docker
compose up``, ``tox``.

The commands such a line runs are in a file iplab does not read (a Makefile, a justfile,
a Vagrantfile, a playbook, a compose file): it can neither check, rename (``--prefix``),
journal nor undo them (hunt AD: a pasted ``sudo make up`` made ``hDmk1`` under ``--prefix
hDp``; verify said 0 namespaces, down ran 0 undo commands and left it). Each tool but
Vagrant, Ansible and compose prints the commands it would run, which iplab reads well
(``make -n up | iplab import -``). A line that only prints (``make -n``, ``just --dry-run``,
``ansible-playbook --check``) is no recipe run, nor is a build (``make``, ``make -j4``,
``make install``). Pure.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from iplab.records import Record, frozen
from iplab.words import each_run, positionals
from iplab.wrappers import program_name, script_of

__all__ = ["Recipe", "recipe_run"]


@frozen
class Recipe(Record):
    """A line's run of another tool's recipe: the command as written, what reads it (``a
    Makefile``), and the way to get its commands out."""

    command: str
    what: str
    way: str


#: ``$(MAKE)`` as a word of a raw step: make's variable, copied from a recipe
_MAKE_WORDS = frozenset({"make", "gmake", "$(MAKE)", "${MAKE}", "$MAKE"})
#: make's short options that take a value (``-C dir``, ``-f file``), and its long options
#: that only print or answer (``--dry-run``, ``--question``, ``--version``)
_MAKE_VALUED = frozenset("CfIoWE")
_MAKE_PRINTS = frozenset({"--dry-run", "--just-print", "--recon", "--question", "--version"})
_MAKE_PRINTS |= {"--help"}
_JUST_PRINTS = frozenset(
    {"-n", "--dry-run", "-l", "--list", "--summary", "-s", "--show", "--evaluate", "--dump"}
    | {"-h", "--help", "-V", "--version", "--variables", "--fmt", "--init", "--completions"}
)
_PLAYBOOK_PRINTS = frozenset(
    {"-C", "--check", "--syntax-check", "--list-tasks", "--list-hosts", "--list-tags"}
    | {"-h", "--help", "--version"}
)
#: vagrant's commands that run a Vagrantfile's provisioners (or make its machine)
_VAGRANT_RUNS = frozenset({"up", "provision", "reload", "resume"})
#: compose's commands that make containers and networks
_COMPOSE_RUNS = frozenset({"up", "run", "start", "restart", "create", "exec"})
_COPY = "copy the shell commands it runs into a .sh file (or a Markdown page) and import that"


def recipe_run(command: str, depth: int = 0) -> Recipe | None:
    """The first simple command of ``command`` that runs another tool's recipe, past
    wrappers (``sudo``, ``timeout``), ``ip netns exec NS`` and a shell's ``-c`` script;
    None: none (``make -n up``, ``echo make up``)."""
    for argv in each_run(command):
        if not argv:
            continue
        script = script_of(argv)
        if script is not None and depth < 4:
            if (inner := recipe_run(script, depth + 1)) is not None:
                return inner
            continue
        if (found := _recipe(argv)) is not None:
            return found
    return None


def _recipe(argv: Sequence[str]) -> Recipe | None:
    """What a simple command's recipe run is, or None."""
    program, args = program_name(argv[0]), list(argv[1:])
    said = shlex.join(["make" if argv[0] in _MAKE_WORDS else argv[0], *args])
    if argv[0] in _MAKE_WORDS or program in ("make", "gmake"):
        if _make_prints(args) or _make_builds(args):
            return None
        printed = shlex.join(["make", "-n", *args])
        way = f"print the commands it runs and import those: {printed} | iplab import -"
        way += " (in make -n output, a sub-make's line comes before the commands it prints:"
        way += " delete the line)"
        return Recipe(said, "a Makefile", way)
    if program == "just" and not _JUST_PRINTS & set(args):
        printed = shlex.join(["just", "--dry-run", *args])
        way = f"print the commands it runs and import those: {printed} | iplab import -"
        return Recipe(said, "a justfile", way)
    if program in ("ansible-playbook", "ansible-pull") and not _PLAYBOOK_PRINTS & set(args):
        return Recipe(said, "an Ansible playbook", _COPY)
    if program == "vagrant" and _first_word(args) in _VAGRANT_RUNS:
        return Recipe(said, "a Vagrantfile's provisioners", _COPY)
    compose = args[1:] if program in ("docker", "podman") and args[:1] == ["compose"] else None
    if program in ("docker-compose", "podman-compose"):
        compose = args
    if compose is not None and _first_word(compose, ("-f", "--file", "-p")) in _COMPOSE_RUNS:
        return Recipe(said, "a compose file", _COPY)
    if program == "tox" and not {"-l", "--listenvs", "-a", "--help", "--version"} & set(args):
        return Recipe(said, "a tox.ini", _COPY)
    return None


def _make_prints(args: Sequence[str]) -> bool:
    """make only prints or answers: ``-n``, ``-q``, ``-v``, ``-h``, joined (``-ns``, ``-nC
    dir``) or long (``--dry-run``); a short option's value (``-Cnet``) is not read."""
    for word in args:
        if word == "--":
            return False
        if word.startswith("--"):
            if word.split("=", 1)[0] in _MAKE_PRINTS:
                return True
            continue
        if not word.startswith("-"):
            continue
        for letter in word[1:]:
            if letter in "nqvh":
                return True
            if letter in _MAKE_VALUED:
                break
    return False


#: the targets that build, test or install the program of a source tree (``./configure &&
#: make -j4 && make install``), not a lab: hunt AG #7
_BUILD_TARGETS = frozenset(
    {"all", "install", "build", "check", "test", "tests", "compile", "default", "install-strip"}
)
#: make's long options whose value is the next word (``--directory DIR``)
_MAKE_LONG_VALUED = frozenset(
    {"--directory", "--file", "--makefile", "--include-dir", "--old-file", "--assume-old"}
    | {"--new-file", "--assume-new", "--what-if"}
)


def _make_builds(args: Sequence[str]) -> bool:
    """make with no target, or only targets that build a program (``make``, ``make -j4``,
    ``make -C src all``, ``make PREFIX=/usr install``): a tool built before the lab, no
    lab's recipe (hunt AG #7: ``./configure && make -j4`` was refused under --prefix)."""
    named = any(a.startswith(("--file", "--makefile")) or _short_f(a) for a in args)
    targets = _make_targets(args)
    return not named and targets is not None and set(targets) <= _BUILD_TARGETS


def _short_f(word: str) -> bool:
    """``-f FILE`` (``-sf FILE``, ``-fFILE``): a makefile named, whose first target may be
    a lab's."""
    if not word.startswith("-") or word.startswith("--"):
        return False
    letters = word[1:]
    cut = next((k for k, c in enumerate(letters) if c in _MAKE_VALUED), None)
    return cut is not None and letters[cut] == "f"


def _make_targets(args: Sequence[str]) -> list[str] | None:
    """The targets make's ``args`` name (past its options, their values and ``VAR=value``);
    None: a word iplab cannot place (a variable's value: ``make $T``)."""
    targets: list[str] = []
    valued = False
    for i, word in enumerate(args):
        if valued:
            valued = False
        elif "$" in word or "`" in word:
            return None
        elif word in _MAKE_LONG_VALUED:
            valued = True
        elif word.startswith("-") and not word.startswith("--"):
            letters = word[1:]
            cut = next((k for k, c in enumerate(letters) if c in _MAKE_VALUED), None)
            valued = cut is not None and cut == len(letters) - 1  # (-C DIR, -f FILE)
            if letters.endswith(("j", "l")) and args[i + 1 : i + 2] != []:
                valued = args[i + 1].isdigit()  # (-j 4; -j alone: as many as it likes)
        elif not word.startswith("-") and "=" not in word:
            targets.append(word)
    return targets


def _first_word(args: Sequence[str], valued: Sequence[str] = ()) -> str | None:
    """The first word that is no option (nor an option's value)."""
    return next(iter(positionals(args, valued)), None)
