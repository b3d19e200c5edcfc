"""Reading tutorials: the lines of a page's code blocks or of a shell script -> notes and
command lines (the page itself is read by :mod:`iplab.importer.markdown`).

The first stage of ``iplab import``. A line is a command when it starts with a
prompt or a known program; the lines a tutorial prints under an observation
command are its output, not commands; prompts, ``\\`` continuations, trailing
comments and the script's own shell variables are dealt with here.

Why this module is long: one state machine over a tutorial's lines (prompts, continuations,
output, shell syntax through tree-sitter-bash: loops, ``bash -c``, here-documents,
variables); its methods share the reader's state.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import itertools
import posixpath
import re
import shlex
import shutil
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from iplab import ipgrammar, ipwords, jobs, linklisting, linksources, names
from iplab.editors import opens_editor
from iplab.errors import ScenarioError
from iplab.handed import printed_text
from iplab.importer import arith, formats, listing, makeout, piped, printed, remarks, roothash
from iplab.importer import shell as shellread
from iplab.importer.budget import LoopBudget, TooLarge
from iplab.importer.elsewhere import HOST_TOOLS, SHELL_VARIABLE, opened_shell, shell_elsewhere
from iplab.importer.prose import failure_shown, is_label, is_sentence, labels_output
from iplab.importer.stops import author_stops
from iplab.lineparse import LineError, Parsed, as_written, classify, split_sudo
from iplab.model import Judge, effects_of
from iplab.pids import with_job_pids
from iplab.programs import programs
from iplab.records import Record, frozen
from iplab.state import State, ns_label
from iplab.state import after as state_after
from iplab.steps import (
    AddrDel,
    LinkDel,
    NetnsAdd,
    NetnsDel,
    NetnsDelAll,
    NetnsExec,
    Op,
    Probe,
    Raw,
    RouteDel,
    is_observation,
)
from iplab.words import (
    INTERACTIVE_ALIASES,
    QUIETING,
    SHELL_SYNTAX,
    background_job,
    command_slot,
    interactive_alias,
    listing_of_netns,
    namespace_entry,
    reads_only,
    shell_tokens,
    simple_commands,
    strip_sudo,
)
from iplab.wrappers import program_name, runs_sudo, unwrapped

Kind = Literal["markdown", "html", "rst", "asciidoc", "org", "notebook", "session", "shell"]
#: (``skipped``: code iplab does not import, said in a warning: no step's prose, hunt R)
NoteKind = Literal["heading", "paragraph", "comment", "fence", "trailing", "skipped"]

#: the first word of a line that is a command (after an optional ``sudo``)
KNOWN_PROGRAMS = frozenset(
    {
        *("sudo", "ip", "ping", "ping6", "arping", "bridge", "tc", "sysctl", "echo", "printf"),
        *("brctl", "ethtool", "iptables", "ip6tables", "iptables-save", "iptables-restore"),
        *("nft", "modprobe", "lsmod", "conntrack", "ovs-vsctl", "ovs-ofctl", "tcpdump"),
        *("traceroute", "tracepath", "ss", "netstat", "arp", "ifconfig", "route", "hostname"),
        *("cat", "ls", "mkdir", "rm", "touch", "tee", "ln", "mount", "umount", "unshare"),
        *("nsenter", "lsns", "docker", "podman", "curl", "wget", "nc", "ncat", "socat"),
        *("iperf", "iperf3", "dig", "nslookup", "dhclient", "python3", "python", "bash", "sh"),
        *("export", "set", "sleep", "cd", "grep", "systemctl", "readlink", "chmod", "kill"),
        *("exit", "logout", "for", "source", "trap", "wait", "pidof", "pgrep", "pkill"),
        *("killall", "make", "timeout", "env", "true", "jobs", "which", "doas", "pkexec"),
        # hunt Q: a server started at a # root prompt through these was read as output
        *("nohup", "setsid", "disown", "stdbuf", "dnsmasq", "dhcpd", "radvd", "ssh", "scp"),
        *("telnet", "ip6tables-save", "xargs", "awk", "sed", "journalctl", "resolvectl"),
        *("read", "local", "declare", "readonly", "eval", "unset", "shift", "mapfile"),
        # hunt Y: the host's own network tools, in a block after a command's output
        *("nmcli", "netplan", "networkctl", "ifup", "ifdown", "ovs-appctl", "tshark"),
        # hunt Q: libteam's, at a # root prompt in Red Hat's guide
        *("teamd", "teamdctl"),
        # hunt AH #2: container runtimes and the files of a bundle, in a block without
        # prompts after a command's output (runc spec was the output of a tar)
        *("runc", "crun", "ctr", "nerdctl", "crictl", "cnitool", "umoci", "buildah"),
        *("skopeo", "cp", "mv", "tar", "jq", "chroot", "ps"),
    }
)
#: programs that print nothing when they work, unless told to (``-v``): what follows them
#: in a block without prompts is typed, not their output (hunt AH #2: ``tar -xzf ...``
#: after ``mkdir rootfs`` was read as mkdir's output)
_QUIET_PROGRAMS = frozenset(
    {"mkdir", "rmdir", "cp", "mv", "rm", "touch", "ln", "chmod", "chown", "mount", "umount"}
)
#: ``sudo`` then a program (``sudo: unable to resolve host`` is sudo's own output)
_SUDO_WORD = re.compile(r"(?:sudo|doas)\s+(?:-\w+\s+)*[\w./-]")
#: programs a line of a block begins with that no program's output line begins with, besides
#: KNOWN_PROGRAMS (which more decisions read): in a block without prompts, a line after a
#: command's output that began with one was taken for more of the output, and lost
_MORE_PROGRAMS = frozenset(
    {
        *("seq", "yes", "head", "tail", "sort", "uniq", "wc", "cut", "tr", "find", "diff"),
        *("stat", "uname", "date", "dd", "base64", "xxd", "od", "hexdump", "column", "less"),
        *("modinfo", "busybox", "dmesg", "lsof", "strace", "bpftool", "ebtables", "ipset"),
        *("arptables", "nstat", "hping3", "nmap", "mtr", "iw", "openssl", "printenv"),
        *("nproc", "lspci", "tcpreplay", "ifstat", "bmon", "watch", "tmux", "screen"),
        *("git", "perl", "ruby", "node", "npm", "gcc", "cargo", "vim", "vi", "nano"),
        *("ssh-keygen", "useradd", "chown", "mknod", "mkfifo", "realpath", "basename"),
        *("dirname", "ulimit", "umask", "pushd", "popd"),
    }
)  # (not bash's words that begin lines of ip's or nft's output, alias, type, nor the
#   installers, roothash.INSTALLERS: a line typed in a container a page entered stays hers)
#: the start of a line that is bash's compound command or test, not a program's output:
#: ``if``/``while``/``until`` (not Python's, which ends with a colon), ``case X in``,
#: ``[ ... ]`` with its closing word (dmesg's ``[ 12.345] ...`` has none), ``[[ ... ]]``,
#: ``! CMD``, ``time CMD``, ``test -e F``
_SHELL_OPENS = re.compile(
    r"(?:if|elif|while|until)\s+\S(?:.*[^:\s])?\s*$|case\s+\S+\s+in\b|\[\[\s.*\s\]\]"
    r"|\[\s.*\s\](?:\s|;|$)|(?:!|time)\s+[a-z\[]|test\s+[-\"'$!]"
)
#: a script's first line that lost its ``!`` (``#/bin/bash``, ``#/usr/bin/env bash``): the
#: interpreter, not the title of the steps after it (hunt CE #5)
_BROKEN_SHEBANG = re.compile(r"#\s*/(?:usr/)?(?:local/)?bin/(?:env\s+)?(?:ba|da|k|z)?sh\b[^\n]*")
#: fenced code blocks whose lines are commands (besides a block with no language)
SHELL_LANGS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "terminal"})
#: fenced code blocks that hold no commands, whatever they look like
NOT_SHELL_LANGS = frozenset(
    {
        *("text", "txt", "plaintext", "plain", "output", "log", "none", "nohighlight", "raw"),
        *("json", "yaml", "yml", "toml", "ini", "conf", "cfg", "xml", "html", "diff", "patch"),
        *("python", "py", "c", "go", "rust", "js", "javascript", "dockerfile", "makefile"),
        *("mermaid", "dot", "graphviz", "sql", "properties", "csv", "ascii", "asciiart"),
        *("markdown", "md", "rst", "asciidoc", "adoc", "latex", "tex", "org"),
        *("emacs-lisp", "elisp", "lisp"),
        # a recipe, a playbook, a workflow, a template, another language: its lines are
        # not bash's (a Makefile's ${OUT} is make's variable: rm -rf ${OUT}/* as shell
        # deletes from /), even where they look like commands
        *("make", "mk", "gnumakefile", "just", "justfile", "ansible", "gitlab-ci", "hcl"),
        *("terraform", "tf", "nix", "groovy", "jenkinsfile", "jinja", "jinja2", "j2"),
        *("json5", "jsonc", "ps1", "powershell", "pwsh", "posh", "bat", "batch", "cmd"),
        *("dos", "doscon", "ruby", "rb", "vagrantfile", "golang", "perl", "lua", "java"),
        *("kotlin", "typescript", "ts", "php", "cpp", "c++", "csharp", "cs", "swift"),
        *("docker", "docker-compose", "compose", "nginx", "systemd", "starlark", "cue"),
    }
)
#: "when (you are) done:", "once you're finished, delete ...": the end of the lab, said as
#: a time (hunt L: "When done:" before a cleanup block was read as more setup, and up left
#: both ports out of the bridge); a colon right after it, or a removal in its sentence (not
#: "when done, ping again:")
_WHEN_DONE = (
    r"\b(?:when|once|after)\s+(?:(?:you|we)(?:['\u2019]re|['\u2019]ve| are| have)?\s+"
    r"|it['\u2019]s\s+|everything\s+is\s+|all\s+is\s+)?(?:(?:all\s+)?done|finished|through)"
    r"(?:\s+(?:with\s+(?:it|this|the\s+lab|the\s+demo|the\s+exercise|the\s+experiment)"
    r"|experimenting|playing(?:\s+around)?|testing))?"
    r"(?:\s*:|[,-][^.!?:\n]*?\b(?:remove|delete|destroy|tear|clean|undo|reset)\b)"
)
CLEANUP = re.compile(
    r"\b(?:clean(?:ing)?[\s-]?up|teardown|tear(?:ing)?[\s-]down|delete everything"
    # "tear it all down", "to remove everything", "deleting the lab"
    r"|tear(?:ing)?\s+(?:it|everything|the\s+lab)(?:\s+all)?\s+down"
    r"|(?:remov|delet|destroy)(?:e|es|ing)?\s+(?:everything|it\s+all|all\s+of\s+it"
    r"|the\s+(?:whole\s+)?(?:lab|setup|topology)(?!['\u2019]s))"
    # the same heading in the languages tutorials are written in
    r"|nettoyage|nettoyer|limpieza|limpiar|limpeza|aufr(?:ä|ae)umen|pulizia|opruimen"
    r"|очистка|уборка|удаление)\b"
    r"|清理|清除|後片付け|片付け|クリーンアップ|정리"
    rf"|{_WHEN_DONE}",
    re.I,
)

#: the git branch a prompt shows after its directory (`` (main)``, `` (main *)``)
_BRANCH = r"(?: \([^)\n]{1,40}\))?"
#: what a prompt may start with: a tag a shell's PS1 shows (``(venv) ``, ``[ns1] ``)
_TAG = r"(?:[\[(][^\]()\n]{1,40}[\])] ?)?"
_PROMPTS = (
    rf"{_TAG}(?:\$>?|[\w.-]+@[\w.-]+:\S*{_BRANCH}[$#]|\[[^\]\n]+\][$#]"
    # a namespace's shell with PS1='(ns1)# ' (hunt N: its commands were the output of the
    # one before, and its exit lost): a one-word tag, never a subshell's ``( ... ) #``
    r"|\([\w.@:~/-]{1,40}\) ?#"
    # a bare word and # (``host#``, ``router#``, ``R1#``: a handout's own prompts; hunt V:
    # not one was read, and the file had no command)
    # (a name may start with digits: EPITA's ``42sh#``/``42sh$``, hunt CA: every line of the
    # page was a raw step, prompt and all, and the lines after each block's first were lost
    # as its output)
    r"|\d{0,4}[A-Za-z][\w.-]{0,30}#"
    # and a bare host name and $ (hunt AS: ``host1$ ip netns show`` was a raw step, prompt
    # and all, and the veth pairs typed at ``host1$sudo ...`` were lost)
    r"|\d{0,4}[A-Za-z][\w.-]{0,30}\$"
    # openSUSE's (``mytux:~ #`` as root, ``tux@mytux:~>`` as a user; hunt BY: a page whose
    # every line sat at ``mytux:~ #`` was refused, "no command found")
    r"|[A-Za-z][\w.-]{0,30}:[~/][^\s#$>]* #|[\w.-]+@[\w.-]+:[~/][^\s#$>]*>"
    # busybox ash's (``/ #``, ``/root #``: a container's shell, docker run -it busybox sh)
    r"|[/~][\w.~/-]{0,40} #"
    # bash's own as root with PS1='\w\$ ' (``/# ip rule show``, ``~/lab# ...``; hunt CJ #3:
    # deepakk's block of them was prose, its four lines lost with no word)
    r"|[/~][\w.~/-]{0,40}#"
    rf"|[\w.-]+@[\w.-]+ \S+{_BRANCH} [%$#]"
    # user@host and its $ or # with no path (PS1='\u@\h \$ ': ``kuznet@kaiser $ ip -b -``,
    # ``root@router#``; hunt DR: the ip reference's page was "no command found")
    r"|[\w.-]+@[A-Za-z][\w.-]* ?[$#]"
    # fish's (user@host path (branch)>, ~/path>), bash's own (bash-5.1#, sh-4.2$), Kali's
    # second line (\u2514\u2500$)
    rf"|[\w.-]+@[\w.-]+ \S+{_BRANCH}>|~[^\s>]*>|(?:ba|z|k|da)?sh-\d+(?:\.\d+)*[$#]"
    "|\u2514\u2500+[$#])"
    # zsh's own (%), and its themes': pure/starship's \u276f, oh-my-zsh's \u279c (robbyrussell:
    # an arrow, the directory, maybe git:(branch) and a cross), a lambda, and a guillemet
    # (hunt EX, cni#907's ``\u00bb sudo ip netns add testing``: "no command found")
    "|%|\u276f+|\u03bb|\u00bb|\u279c +\\S+(?: git:\\([^)\\n]*\\))?(?: \u2717)?"
)
_PROMPT = re.compile(rf"(?:{_PROMPTS})(?: |$)")
#: a host's prompt with the command typed against it (``host1$sudo ip ...``), a program after it
_GLUED_PROMPT = re.compile(r"[\w.-]+@[\w.-]+:\S*?[$#]|[A-Za-z][\w.-]{0,30}\$(?=[a-z])")
#: the first line of a two-line prompt (Kali's, ``\u250c\u2500\u2500[root@h]-[~]``): the
#: prompt's, above the line the command is typed on (hunt DC: it was read as the output of
#: the command before, and each block's commands as the output of a raw step of it)
_PROMPT_HEAD = re.compile(r"\s*\u250c\u2500")
#: Kali's second line, the command typed on it maybe glued to it (``\u2514\u2500$ip ...``)
_KALI_LINE = re.compile(r"\s*\u2514\u2500+[$#] ?")
#: a ``$`` prompt glued to the program typed at it (``$sudo ip rule add ...``), as its
#: variable's name would be (``$IP link set ...``): :meth:`Reader._glued_dollars` tells them
_GLUED_DOLLAR = re.compile(r"\$([a-z][a-z0-9_.-]*)(?=\s|$)")
#: busybox ash's prompt alone: a container's shell, a prompt only once a command opened one
_CONTAINER_PROMPT = re.compile(r"[/~][\w.~/-]{0,40} #(?: |$)")
#: a ``$`` prompt a page's code plugin escaped (WordPress's CodeColorer, ``[cc
#: lang='bash']``: ``\$ ping 2.2.2.2 -c 1``; hunt CL #3: the page was "no command found")
_ESCAPED_PROMPT = re.compile(r"^(\s*)\\\$(?= )")
#: a prompt a page typeset with a no-break space after it (``$&nbsp;ip a``): a space
_TYPESET_PROMPT = re.compile(rf"^(\s*(?:{_PROMPTS}|#))[\u00a0\u202f]")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NAMED = re.compile(_NAME)
#: a line of code with the number a page showed beside it (``12  ip link``, ``3\tip a``)
#: (or nothing after it: a magazine's listing shows a blank line as its number, ``14``;
#: hunt AS)
_NUMBERED = re.compile(r"^\s*(\d{1,5})(?:\s{2,}|\t|\s*[|:.]\s+|\s*$)")
#: one space after the number: a listing whose numbers grew a digit (``9  ip``, ``10 ip``),
#: its lines starting in one column
_NUMBERED_TIGHT = re.compile(r"^\s*(\d{1,5}) (?=\S)")
#: the time ``history`` shows before each command with HISTTIMEFORMAT="%F %T "
#: a packet a capture printed, its frame number before it (tshark's ``    1 0.000000000
#: 10.0.0.1 → 10.0.0.2 ICMP 98 ...``, ``->`` in older ones): output, whose numbers are
#: tshark's, not the page's line numbers (hunt CL #4)
_CAPTURED_FRAME = re.compile(r"\d+\.\d+\s+\S+\s+(?:->|\u2192)\s+\S")
_HISTORY_TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?\s+")
#: a script's argument: ``$1``, ``"${1}"``, ``${1:-up}``, ``${1-}``
_POSITIONAL = re.compile(r"\$(?:[1-9]|\{[1-9](?:[:-][^}]*)?\})")
_ASSIGN = re.compile(
    rf"(?:(?:export|readonly|declare|local|typeset)(?:\s+-[a-zA-Z]+)*\s+)?({_NAME})=(.*)"
)
_SET_NAME = re.compile(rf"(?<![\w$])({_NAME})(?:\[[^\]]*\])?\+?=")
_SET_BY_COMMAND = re.compile(rf"\b(?:printf\s+-v|read(?:\s+-\w+)*)\s+({_NAME})")
_APPEND = re.compile(rf"(?P<name>{_NAME})\+=(?P<value>.*)", re.S)
#: bash arrays: ``NS=(a b)``, ``declare -A IP=([a]=10.0.0.1)``, ``IP[b]=10.0.0.2``, and the
#: expansions ``${NS[1]}``, ``${IP[$ns]}``, ``${NS[@]}``, ``${#NS[@]}``, ``${!IP[@]}``
_ARRAY = re.compile(rf"(?:local\s+|readonly\s+)?({_NAME})=\((.*)\)", re.DOTALL)
_DECLARE_ARRAY = re.compile(
    rf"(?:declare|local|typeset|readonly)\s+-(?P<flags>\w*[aA]\w*)\s+(?P<name>{_NAME})"
    r"(?:=\((?P<items>.*)\))?",
    re.DOTALL,
)
#: an array assignment whose ``(`` may close on a later line: ``NS=(``, ``declare -A IP=(``
_ARRAY_OPENS = re.compile(rf"(?:(?:declare|local|typeset|readonly)(?:\s+-\w+)*\s+)?{_NAME}\+?=\(")
#: ``declare -i``, ``local -ri``: a declaration of integers
_INTEGER_DECLARED = re.compile(r"(?:declare|local|typeset)(?:\s+-\w+)*\s+-\w*i")
#: how a statement that only sets variables starts
_DECLARING = re.compile(rf"(?:local|export|readonly|declare|typeset)\s|{_NAME}=")
#: the statements that only set variables: ``A=1``, ``A=1 B=2``, ``local a=$1 b``
_DECLARATIONS = frozenset({"variable_assignment", "variable_assignments", "declaration_command"})
_ELEMENT = re.compile(rf"({_NAME})\[([^\]]+)\]=(.*)")
_KEYED_ITEM = re.compile(r"\[([^\]]+)\]=(.*)", re.DOTALL)
#: ``${NAME:-WORD}`` and its kin (``-``, ``:=``, ``=``, ``:+``, ``+``, ``:?``, ``?``)
_DEFAULT = re.compile(rf"(?P<name>{_NAME}|[0-9]+)(?P<how>:?[-=+?])(?P<word>.*)", re.DOTALL)
#: ``${#NAME}``, ``${NAME:1:2}``, ``${NAME%PAT}``, ``${NAME/PAT/TO}``, ``${NAME^^}``
_OPERATED = re.compile(
    rf"#(?P<length>{_NAME})"
    rf"|(?P<name>{_NAME}|[0-9]+)(?P<op>:|%%|%|##|#|//|/|\^\^|,,|\^|,)(?P<arg>.*)",
    re.DOTALL,
)
#: what a user's environment sets, which a script read here cannot know
_ENVIRONMENT = frozenset({"HOME", "USER", "LOGNAME", "PWD", "SHELL", "TERM", "LANG", "HOSTNAME"})
_ELEMENT_REF = re.compile(rf"(?P<how>[#!]?)(?P<name>{_NAME})\[(?P<sub>[^\]]+)\]")
_ALL_ELEMENTS = re.compile(rf'"\$\{{(?P<keys>!?)(?P<name>{_NAME})\[[@*]\]\}}"')
#: ``${NS[@]:1}``, ``${NS[@]: -1}``, ``${NS[@]:1:2}``: elements from an index on (how many)
_ARRAY_SLICE = re.compile(rf"(?P<name>{_NAME})\[[@*]\]:(?P<start>[^:]+)(?::(?P<count>.+))?")
_REF = re.compile(rf"\$(?:\{{({_NAME})\}}|({_NAME}))")
_REF_NAME = re.compile(_NAME)
#: the pid of the last job run in the background: ``$!``, ``${!}``
_JOB_PID = re.compile(r"\$(?:!|\{!\})")
#: a variable a text uses: ``$NAME``, ``${NAME}``, ``${NAME:-x}``, ``${NAME[1]}``, ``${#NAME[@]}``
_USED = re.compile(rf"\$\{{?[#!]?({_NAME})")
_QUOTED_REF = re.compile(rf'"\$(?:\{{({_NAME})\}}|({_NAME}))"')
_OTHER_REF = re.compile(r"\$(?:\([^)]*\)?|\{[^}]*\}?|[0-9?#@*!$-])")
#: loops iplab runs the arithmetic of: c-style ``for ((...))``, ``while``/``until``
_COUNTED = frozenset({"c_style_for_statement", "while_statement"})
_LOOPS = _COUNTED | {"for_statement"}
#: the iterations of a loop iplab unrolls, at most (as ``seq`` and ``{1..N}``)
LOOP_LIMIT = 4096
#: how deep calls of the input's own functions may nest (a recursion stops there)
FUNCTION_DEPTH = 16
#: the words that are a function's arguments, each a word of its own
_ALL_ARGUMENTS = frozenset({'"$@"', '"${@}"', "$@", "${@}"})
#: ``"$@"`` or ``"${@:2}"`` whole, in double quotes
_QUOTED_ARGUMENTS = re.compile(r'"(\$@|\$\{@\}|\$\{@:[0-9]+(?::[0-9]+)?\})"')
#: ``"${@:2}"``, ``${@:2:1}``: the arguments from the Nth on (how many)
_SLICED_ARGUMENTS = re.compile(r'"?\$\{@:([0-9]+)(?::([0-9]+))?\}"?')
_HEREDOC = re.compile(r"(?<!<)<<-?(?!<)\s*(['\"]?)(\w+)\1")
_OPENERS = frozenset({"for", "while", "until", "select", "if", "case"})
_CLOSERS = frozenset({"done", "fi", "esac", "}"})
#: ``host:``, ``blue:``, ``router1:``: a page's label above the lines typed on that host
_LABEL = re.compile(r"[A-Za-z][\w.@-]*:")
#: a function's name as bash takes it: more than a variable's (``remove-all-veth() {``,
#: ``ns.add() {``: hunt EH, UCLM-ESI's net-book-code; it was read as a subshell and refused)
_FUNCTION_NAME = r"[A-Za-z_][\w.:@-]*"
_FUNCTION = re.compile(rf"(?:function\s+{_FUNCTION_NAME}(?![\w.:@-])|{_FUNCTION_NAME}\s*\(\))")
#: a function defined after a check joined to it (``declare -F log >/dev/null || log() {``)
_FUNCTION_AFTER = re.compile(rf"(?:\|\||&&)\s*{_FUNCTION.pattern}")
#: a program's name, as a command starts with it (``teamdctl``, ``ip6tables-restore``)
_PROGRAM_NAME = re.compile(r"[a-z][a-z0-9_.+-]*")
#: prose that opens another terminal (``At another shell``, ``in a second terminal``, ``open
#: a new tab``): the shells opened so far stay in the first one
ANOTHER_TERMINAL = re.compile(
    r"\b(?:another|a\s+second|a\s+separate)\s+(?:shell|terminal|tab|window|console)\b"
    r"|\ba\s+new\s+(?:terminal|tab|window|console)\b",
    re.IGNORECASE,
)
#: a label that names the terminal the next lines are typed in (``Terminal 2:``, ``Back in
#: terminal 1:``, ``In the first terminal``)
_ORDINALS = ("first", "second", "third", "fourth")
_TERMINAL_NAMED = re.compile(
    r"\b(?:terminal|shell|tab|window|console)\s*#?\s*(\d+)\b"
    rf"|\b({'|'.join(_ORDINALS)})\s+(?:terminal|shell|tab|window|console)\b",
    re.IGNORECASE,
)
#: the shells a page logs in with to the machine it then works on (``vagrant ssh``, ``ssh
#: node1``): a heading does not leave them, unless it says so (:data:`_LEAVES_LOGIN`)
_LOGGED_IN = frozenset({"a virtual machine", "another host"})
#: a heading that says the page is back where the login was typed (``On the host``, ``Back
#: on your laptop``, ``Clean up``: ``vagrant destroy`` is the host's) or in another terminal
_LEAVES_LOGIN = re.compile(
    r"\b(?:host|laptop|workstation|local(?:ly)?|terminal|clean\s*-?\s*up|cleanup|tear\s*down"
    r"|teardown|exit|logout|destroy)\b",
    re.IGNORECASE,
)
#: a function's definition as typed (``up() {``, ``function up {``, ``function up() {``)
_FUNCTION_START = re.compile(
    r"(?:function\s+)?[A-Za-z_][\w-]*\s*\(\)\s*\{|function\s+[A-Za-z_][\w-]*\s*\{"
)
#: the key that ends a shell's input, as pages write it in the shell's place of ``exit``
#: (``^D``, ``Ctrl-D``, ``Ctrl+D``, ``<Ctrl-D>``, ``[CTRL+D]``: hunt EA)
_EOF_KEY = re.compile(r"[<\[(]?\s*(?:\^D|(?:ctrl|control)\s*[-+ ]\s*d)\s*[>\])]?", re.I)


def leaves_shell(text: str) -> bool:
    """``text`` leaves the shell it is typed in: ``exit [N]``, ``logout``, or the end of
    its input written as the key (``^D``, ``Ctrl-D``)."""
    words = text.split()
    return words[:1] in (["exit"], ["logout"]) or bool(_EOF_KEY.fullmatch(text.strip()))


_DECORATION = re.compile(r"^[-=*~_#]{2,}\s*|\s*[-=*~_#]{2,}$")
_SHELL_OPTIONS = re.compile(r"(?:set\s+[-+]\w|shopt\s)")
#: a line that only makes the rest of the session root: ``sudo -i``, ``sudo su -``, ``su``
_ROOT_SHELL = re.compile(
    r"sudo(?:\s+-[isE]+)+(?:\s+(?:bash|sh|zsh))?|sudo\s+(?:bash|sh|zsh)"
    r"|(?:sudo\s+)?su(?:\s+(?:-|-l|--login|root))*"
)
#: a redirection that only quiets a command: its output to /dev/null, or one stream to the other
_NULL = re.compile(r"(?:[12&]?>>?\s*/dev/null|[12]?>&[12])")
FENCE = re.compile(r"(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_HEADING = re.compile(r" {0,3}(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_REF_DEF = re.compile(r" {0,3}\[[^\]]+\]:\s*\S")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
TITLE_MAX = 100


# -- what the reader finds -----------------------------------------------------------------------


@frozen
class Note(Record):
    """Text around the commands: a heading, a paragraph, a comment, a code block of prose."""

    kind: NoteKind
    text: str
    line: int
    end: int


@dataclass
class Cmd:
    """One command line of the input, as the scenario renders it, with what it printed."""

    text: str
    line: int
    parsed: Parsed
    output: list[str] = field(default_factory=list)
    #: the author let it fail (``CMD || true``)
    may_fail: bool = False
    #: a server meant to run on in another terminal (``iperf3 -s``): run in the background
    background: bool = False
    #: the input's own line of a command a function of the input runs, where it differs
    #: from ``line`` (the line of the call: hunt EM #2)
    written: int | None = None
    #: the lines of the calls between ``written`` and ``line``, innermost first, when a
    #: function calls the function that runs it (``setup() { mk ns1; }``: hunt EO #4)
    calls: tuple[int, ...] = ()
    #: the file it is written in, when a lab is read from two (``import setup.sh --cleanup
    #: teardown.sh``: hunt EW); None: the one input
    file: str | None = None

    def said_at(self) -> str:
        """``line 13``; a command of a function: ``line 6, called at line 13``; of a
        function another one calls: ``line 2, called at line 5, called at line 9``; of a
        lab read from two files, the file first: ``teardown.sh line 3``."""
        named = f"{self.file} " if self.file else ""
        if self.written is None or self.written == self.line:
            return f"{named}line {self.line}"
        chain = "".join(f", called at line {n}" for n in (*self.calls, self.line))
        return f"{named}line {self.written}{chain}"


@dataclass
class Block:
    """The author's shell text (a loop, ``bash -c "..."``, commands typed after ``nsenter``),
    kept as written, and the commands it runs, one per iteration, as the model sees them."""

    text: str
    line: int
    end: int
    cmds: list[Cmd]
    output: list[str] = field(default_factory=list)
    #: the script's own teardown starts here (``down)`` of ``case "$1" in up) ... down)``)
    cleanup: bool = False
    #: the input's variables the text uses, as it had set them there (a printed script sets
    #: them first): a value, or an array's elements by subscript
    variables: dict[str, str | dict[str, str]] = field(default_factory=dict)
    #: False: the text does not run by itself in a script (typed at the shell an earlier
    #: line opened, half of a ``case``)
    standalone: bool = True
    #: a function's definition (``up() { ip link set "$1" up; }``): it runs nothing; its
    #: text is printed before the next block's (:func:`_definitions_joined`)
    defines: bool = False


Event = Note | Cmd | Block


# -- one line at a time -------------------------------------------------------------------------


#: what a command printed, run on after it on its line: ip's links (`` 1: lo: <LOOPBACK,UP>``,
#: `` 1: lo: mtu 65536`` when the page's HTML took the flags), ifconfig's (`` vxlan1:
#: flags=4163<UP``), route's and arp's tables, ping's first line, iptables' chains (hunt EC);
#: ip rule's rules (`` 0: from all lookup local``, hunt ET: ``$ ip rule show 0: from all
#: lookup local 32766: ...`` was one step, ip's "Error: argument "0:" is wrong")
IP_PRINTED = re.compile(
    r"\s\d+:\s[\w@.-]+:\s(?:<[A-Z0-9_,-]*>|mtu\s\d)"
    r"|\s\d+:\s+(?:not\s+)?from\s\S+\s"
    r"|\s[\w@.-]+:\sflags=\d+<"
    r"|\sKernel\sIP\srouting\stable\b"
    r"|\sAddress\s+HWtype\s+HWaddress\b"
    r"|\sPING\s\S+\s\("
    r"|\sChain\s[A-Z]+\s\(policy\b"
)


#: ``ip route show [table N]`` and a route as it prints one after it (``default via
#: 192.0.2.1 dev lab0 onlink``, ``10.0.0.0/24 dev v0 proto kernel scope link src ...``):
#: words ip would read as selectors too, so a glue only a page that glues elsewhere makes
_ROUTE_SHOWN = re.compile(
    r"(?P<typed>(?:sudo\s+)?ip\s+(?:-[46]\s+)?(?:-n\s+\S+\s+)?r(?:o|ou|out|oute)?"
    r"\s+(?:show|list|ls|sh|lst)(?:\s+table\s+\S+)?)"
    r"\s+(?P<route>(?:default|[\d.]+(?:/\d+)?|[\da-f:]+/\d+)\s+(?:via\s+\S+\s+)?dev\s+\S+.*)"
)


def printed_after(typed: str, glued: bool = False) -> tuple[str, str] | None:
    """A prompted line's command and what it printed, run on after it on the line (``ifconfig
    vxlan1 vxlan1: flags=4163<UP,...> mtu 1450``: ``ifconfig vxlan1``; hunt EC: read whole,
    ifconfig's ``<``/``>`` were redirections to the host's files); None when nothing is.
    ``glued``: the page runs what its commands print on after them elsewhere (an ``ip rule
    show 0: from all ...``): a route after ``ip route show [table N]`` is one too (hunt
    EV, simplified.guide's ``$ ip route show table 100 default via 192.0.2.1 dev lab0
    onlink``, a step ip refuses, "any valid prefix is expected rather than onlink")."""
    if glued and (route := _ROUTE_SHOWN.fullmatch(typed.strip())) is not None:
        return route["typed"], route["route"]
    found = IP_PRINTED.search(typed)
    start = found.start() if found is not None else len(typed)
    # (hunt EN, a wiki page as stored: ``$ sudo tcpdump -tn -i any icmp tcpdump: verbose
    # output suppressed, ... 192.168.122.243 > 8.8.8.8: ...``; tcpdump's ``>`` were read as
    # redirections to the host's files): a program's own name and a colon, as it starts
    # what it says (``ping: connect: ...``, ``ls: cannot access ...``), after its words
    program = first_program(typed)
    if program and (said := re.search(rf"\s{re.escape(program)}:(?:\s|$)", typed)):
        start = min(start, said.start())
    if start == len(typed) or not typed[:start].strip():
        return None
    return typed[:start].strip(), typed[start:].strip()


def printed_after_said(number: int, typed: str, printed: str) -> str:
    """The warning for :func:`printed_after`'s cut."""
    return (
        f"line {number}: {typed!r} is followed on its line by what it printed"
        f" ({printed[:40]!r}...): read without it"
    )


def strip_prompt(line: str, root_hash: bool = False) -> str | None:
    """The command after a shell prompt (``$ ``, ``user@host:~$ ``, ``[root@h ~]# ``), or None.

    With ``root_hash``, ``# `` followed by a known program is a root prompt too.
    """
    said = prompt_of(line, root_hash)
    return None if said is None else line.lstrip(" ")[len(said) :].strip()


#: the user and host a prompt names (``alice@laptop:~$``, ``[root@h ~]#``)
_PROMPT_HOST = re.compile(r"[\w.-]+@([\w.-]+)")


def prompt_host(prompt: str | None) -> str | None:
    """The host a prompt names (``laptop`` of ``alice@laptop:~$``), or None: it names none
    (``$``, ``/ #``, ``[ns1] #``)."""
    found = _PROMPT_HOST.search(prompt or "")
    return found[1] if found else None


def prompt_of(line: str, root_hash: bool = False) -> str | None:
    """The prompt a line starts with (``alice@laptop:~$``, ``[ns1] root@h:~#``), or None."""
    line = line.lstrip(" ")
    match = _PROMPT.match(line)
    if match:
        return line[: match.end()]
    if kali := _KALI_LINE.match(line):  # (never a variable's $, whatever is typed at it)
        return line[: kali.end()]
    glued = _GLUED_PROMPT.match(line)
    if glued and first_program(line[glued.end() :]) in KNOWN_PROGRAMS:
        return line[: glued.end()]  # (host1$sudo ip link add ...: no space after it)
    if (
        root_hash
        and line.startswith("# ")
        and (
            first_program(line[2:]) in KNOWN_PROGRAMS | roothash.INSTALLERS
            or _ROOT_ASSIGN.fullmatch(line[2:].strip())
        )
    ):  # (# C1=$! after # sleep infinity &: the job's pid, set at the prompt; ``# yum install
        # frr`` alone in its block, hunt CJ #1: the block was prose, the page's line lost)
        return line[:2]
    return None


#: a variable set at a root prompt: a value with no space (a comment's ``# X=1 means...``
#: has words after it)
#: what bash prints for a command it runs in the background: ``[1] 3113`` (job 1's pid)
_JOB_PRINTED = re.compile(r"\[[0-9]+\]\s+([0-9]+)")
_ROOT_ASSIGN = re.compile(rf"(?:export\s+)?{_NAME}=(?:\$!|\$\(.*\)|'[^']*'|\"[^\"]*\"|\S*)")


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` inside quotes or a word stays)."""
    quote: str | None = None
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and quote != "'":
            i += 2
            continue
        if quote is not None:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
        i += 1
    return line.rstrip()


def continues(line: str) -> bool:
    """The line ends with a ``\\`` that joins the next line (an odd number of them)."""
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


#: a page's running header or footer: its title and its number, far apart (``42      Chapter
#: 3: Namespaces``, ``Linux Networking Cookbook      87``), or ``Page 3 of 5``
_PAGE_LINE = re.compile(
    r"\d{1,4}\s{3,}\S.*|.*\S\s{3,}\d{1,4}|(?:page\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}", re.I
)


def _page_furniture(filled: Sequence[tuple[int, str]]) -> set[int]:
    """The lines of a numbered listing that are a page's header or footer (:data:`_PAGE_LINE`):
    without them, the listing's other lines count up by one (``4  ip ...``, the footer, ``5
    ip ...``). Empty when there are none, or the rest is no such listing."""
    pages = {n for n, t in filled if _PAGE_LINE.fullmatch(t.strip())}
    found = [_line_number(t) for n, t in filled if n not in pages]
    if not pages or len(found) < 2 or not all(found):
        return set()
    counted = [int(m[1]) for m in found if m]
    return pages if counted == list(range(counted[0], counted[0] + len(counted))) else set()


def _line_number(text: str) -> re.Match[str] | None:
    """The number a page printed beside a line of code (``12  ip link``, ``01: ip``, ``10
    ip``), as :meth:`Reader._unnumbered` takes it off."""
    return _NUMBERED.match(text) or _NUMBERED_TIGHT.match(text)


def _number_off(text: str) -> str:
    found = _line_number(text)
    return text[found.end() :] if found else text


def listing_number(text: str) -> tuple[int, str] | None:
    """A line of a listing a page printed with its line numbers: the number and the line
    (``01: ip netns add a`` -> 1, ``ip netns add a``); None: no number before it."""
    found = _line_number(text)
    return (int(found[1]), text[found.end() :]) if found else None


def _under_prompt(prompted: str, following: str) -> bool:
    """``following`` is bash's ``> `` prompt (PS2) as far in as ``prompted``'s prompt is: a
    listing indented as a whole (``   $ ip link add a type veth \\`` then ``   > peer name
    b``: hunt AP, run as a redirection to a file named peer)."""
    indent = len(prompted) - len(prompted.lstrip(" "))
    return following[:indent] == " " * indent and following[indent:].startswith("> ")


def join_continuation(line: str, following: str) -> str:
    """``line`` (ending in ``\\``) joined with the next line, as one line, one space between."""
    head = line[:-1]
    if head[-1:].isspace() or following[:1].isspace():
        return f"{head.rstrip()} {following.strip()}"
    return head + following.strip()


def first_program(line: str) -> str:
    """The program a command line runs: its first word, after ``sudo`` and sudo's options,
    read by :func:`iplab.wrappers.program_name` (``/sbin/ip``: ``ip``)."""
    words = line.split()
    if runs_sudo(words):
        words = [w for w in words[1:] if not w.startswith("-")] or [""]
    return program_name(words[0]) if words else ""


@dataclass
class ShellVars:
    """Variables a script sets (``NS=ns1``, ``NS_EXEC="ip netns exec ns0"``), to expand later.

    A value of None: set from something we cannot evaluate (``$(...)``, an unknown variable).
    """

    values: dict[str, str | None] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    #: arrays (``NS=(a b)``, ``declare -A IP=([a]=10.0.0.1)``): their elements by index or key
    arrays: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the associative ones (their subscripts are strings, not arithmetic)
    keyed: set[str] = field(default_factory=set)
    #: the variables a command sets when the lab runs (``MAC=$(...)``, see Reader._runtime)
    runtime: set[str] = field(default_factory=set)
    #: how many commands the input ran in the background so far (``server &``), shared by
    #: every copy: ``$!`` is ``%N``, the job a run's ``kill $!`` stops (see iplab.jobs)
    background: list[int] = field(default_factory=lambda: [0])
    #: the variables declared integers (``declare -i n``): what they are set to is arithmetic
    integers: set[str] = field(default_factory=set)
    #: the variables a construct iplab skipped sets: its line and what it is (``until``)
    skipped: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: the variables set to the script's argument (``cmd=$1``, ``ACTION="${1:-up}"``): a
    #: ``case "$cmd" in up) ...`` is the script's own up and down, as ``case "$1"`` is
    arguments_of: set[str] = field(default_factory=set)
    #: of those, the argument each was set from (``NS1=$1``: ``$1``), to name it when no
    #: argument was given (``iplab import SCRIPT -- ARG...``)
    argument_read: dict[str, str] = field(default_factory=dict)

    def assign(self, line: str, number: int) -> bool:
        """Record ``NAME=VALUE`` (or ``export NAME=VALUE``), an array or one of its elements;
        False when the line is not one."""
        if _INTEGER_DECLARED.match(line.strip()):
            return self._declare_integers(line.strip(), number)
        if self._assign_array(line.strip(), number):
            return True
        if appended := _APPEND.fullmatch(line.strip()):  # NAME+=VALUE, NAME+=(W...)
            return self._append(appended["name"], appended["value"], number)
        match = _ASSIGN.fullmatch(line)
        if match is None:
            return self._assign_each(line, number)  # local x, export A=1 B
        if _runs_a_command(line):
            return False  # NAME=x cmd $NAME: a command (hunt Y #3: it was taken for NAME's value)
        if match[1] in self.integers:  # n=i+1 for a declare -i n: 1 more than i
            self._set_integer(match[1], match[2], number)
            return True
        if _POSITIONAL.fullmatch(match[2].strip('"')):
            self.arguments_of.add(match[1])
            self.argument_read[match[1]] = match[2].strip('"')
        else:
            self.arguments_of.discard(match[1])
            self.argument_read.pop(match[1], None)
        value, unresolved = self.expand(match[2])
        words: list[str] | None = []
        if not unresolved:
            words = _split(value)
            if words is None or len(words) > 1:  # local a=$1 b=$2, or NAME=x cmd (a command
                return self._assign_each(line, number)  # run with NAME in its environment)
        self.values[match[1]] = None if unresolved else (words[0] if words else "")
        self.lines[match[1]] = number
        self.runtime.discard(match[1])
        return True

    def _append(self, name: str, value: str, number: int) -> bool:
        """``NS+=("red")`` adds elements to an array (one made if there is none), ``X+=zz``
        adds to a string, as bash does."""
        if value.startswith("(") and value.endswith(")"):
            if name not in self.arrays:
                self.arrays[name] = {}
                if (first := self.values.get(name)) is not None and name in self.values:
                    self.arrays[name]["0"] = first  # a string is the array's element 0
            keys = [int(k) for k in self.arrays[name] if k.isdigit()]
            text, unresolved = self.expand(value[1:-1])
            words = None if unresolved else _split(text)
            if words is None:
                self._unknown(name, number)
                return True
            start = max(keys, default=-1) + 1
            for k, word in enumerate(words):
                self.arrays[name][str(start + k)] = word
            self.values[name] = self.arrays[name].get("0", "")
            self.lines[name] = number
            return True
        before = self.values.get(name, "")
        if name in self.integers:  # declare -i n=0; n+=1: 1, not "01" (hunt K)
            self._set_integer(name, f"{before or 0} + ({value})", number)
            return True
        text, unresolved = self.expand(value)
        words = None if unresolved else _split(text)
        if before is None or words is None or len(words) > 1:
            self._unknown(name, number)
            return True
        self.values[name] = before + (words[0] if words else "")
        self.lines[name] = number
        self.runtime.discard(name)
        return True

    def _declare_integers(self, line: str, number: int) -> bool:
        """``declare -i n=0 m``, ``local -i n``: integers, their values arithmetic as bash
        has them (an integer array's elements: unknown). False: not a declaration."""
        found = shellread.statements(root := shellread.parse(line))
        if shellread.has_error(root) or len(found) != 1 or found[0].type != "declaration_command":
            return False
        node = found[0]
        flags = "".join(shellread.source(c) for c in node.named_children if c.type == "word")
        for part in node.named_children:
            if part.type == "variable_name":
                self.integers.add(shellread.source(part))
            if part.type != "variable_assignment":
                continue
            name = shellread.source(part.named_children[0])
            value = part.child_by_field_name("value")
            if "a" in flags or "A" in flags or value is None:
                self._unknown(name, number)
                continue
            self.integers.add(name)
            self._set_integer(name, shellread.source(value), number)
        return True

    def _set_integer(self, name: str, text: str, number: int) -> None:
        """An integer's new value: ``text`` as arithmetic (None: iplab cannot evaluate it)."""
        expanded, unresolved = self.expand(text)
        words = None if unresolved else _split(expanded)  # (its quotes taken off)
        found = None
        if words:
            found = arith.arithmetic(f"$(({' '.join(words)}))", self.values, self.known)
        self.values[name] = None if found is None or found[1] is None else str(found[1])
        self.lines[name] = number
        self.runtime.discard(name)

    def _assign_each(self, line: str, number: int) -> bool:
        """A declaration of several names (``local name=$1 ip=$2``, ``A=1 B=2``, ``local x``),
        read with the shell grammar: each name as bash sets it. False: not a declaration."""
        if not _DECLARING.match(line):
            return False
        root = shellread.parse(line)
        found = shellread.statements(root)
        if shellread.has_error(root) or len(found) != 1:
            return False
        node = found[0]
        if node.type not in ("declaration_command", "variable_assignments"):
            return False
        local = node.children[0].type == "local"
        for part in node.named_children:
            text = shellread.source(part)
            if part.type == "variable_assignment":
                if not self.assign(text, number):
                    self._unknown(text.split("=", 1)[0], number)
            elif part.type == "variable_name" and local:  # local x: empty in the function
                self.values[text], self.lines[text] = "", number
        return True

    def _assign_array(self, line: str, number: int) -> bool:
        """``NAME=(W...)``, ``declare -a/-A NAME[=(...)]``, ``NAME[KEY]=VALUE``."""
        if match := _DECLARE_ARRAY.fullmatch(line):
            name, keyed = match["name"], "A" in match["flags"]
            if keyed:
                self.keyed.add(name)
            self.arrays[name] = {}
            self.lines[name] = number
            if match["items"] is not None:
                self._elements(name, match["items"])
            return True
        if match := _ARRAY.fullmatch(line):
            self.arrays[match[1]] = {}
            self.lines[match[1]] = number
            self._elements(match[1], match[2])
            return True
        if (match := _ELEMENT.fullmatch(line)) and match[1] in self.arrays:
            key = self._subscript(match[1], match[2])
            value, unresolved = self.expand(match[3])
            words = _split(value) if not unresolved else None
            if key is None or words is None or len(words) != 1:
                self._unknown(match[1], number)
            else:
                self.arrays[match[1]][key] = words[0]
            return True
        return False

    def _elements(self, name: str, items: str) -> None:
        """The elements of ``(W...)``: in order, or ``[KEY]=VALUE`` each."""
        text, unresolved = self.expand(items)
        words = None if unresolved else _split(text)
        if words is None:
            self._unknown(name, self.lines[name])
            return
        elements = self.arrays[name]
        for word in words:
            keyed = _KEYED_ITEM.fullmatch(word)
            key = keyed[1] if keyed else str(len(elements))
            elements[key] = keyed[2] if keyed else word
        self.values[name] = elements.get("0", "")  # $NAME is ${NAME[0]}

    def _unknown(self, name: str, number: int) -> None:
        self.arrays.pop(name, None)
        self.values[name] = None
        self.lines[name] = number

    def _subscript(self, name: str, text: str) -> str | None:
        """An element's key: an associative array's subscript as a word, an indexed one's
        as arithmetic (``i``, ``$i + 1``); None: iplab cannot evaluate it."""
        expanded, unresolved = self.expand(text)
        if unresolved:
            return None
        if name in self.keyed or expanded.isdigit():
            return expanded
        found = arith.arithmetic(f"$(({expanded}))", self.values, self.known)
        if found is None or found[1] is None:
            return None
        if found[1] >= 0:
            return str(found[1])
        # ${NS[-1]}: counted back from the last index, as bash does (hunt K: it was "")
        indices = [int(k) for k in self.arrays.get(name, {}) if k.isdigit()]
        back = max(indices, default=-1) + 1 + found[1]
        return None if back < 0 else str(back)

    def slice(self, part: re.Match[str]) -> list[str] | None:
        """``${NAME[@]:START:COUNT}``: the elements whose index is START or more (counted back
        from the last with a negative one), COUNT of them, as bash has them; None when
        iplab cannot evaluate them (an associative array, a negative COUNT)."""
        name = part["name"]
        if name in self.keyed:
            return None
        found = [self._arithmetic(part[k]) for k in ("start", "count")]
        start, count = found
        if start is None or (part["count"] is not None and (count is None or count < 0)):
            return None
        indexed = sorted((int(k), v) for k, v in self.arrays[name].items() if k.isdigit())
        if start < 0:
            start += indexed[-1][0] + 1 if indexed else 0
        chosen = [v for k, v in indexed if k >= start] if start >= 0 else []
        return chosen if count is None else chosen[:count]

    def _arithmetic(self, text: str | None) -> int | None:
        if text is None:
            return None
        expanded, unresolved = self.expand(text)
        found = (
            None if unresolved else arith.arithmetic(f"$(({expanded}))", self.values, self.known)
        )
        return None if found is None else found[1]

    def element_words(self, text: str) -> list[str] | None:
        """``"${NAME[@]}"`` (or ``"${!NAME[@]}"``, the keys, or ``"${NAME[@]:1}"``, some):
        one word an element; None when ``text`` is not that."""
        if (
            text.startswith('"${')
            and text.endswith('}"')
            and (part := _ARRAY_SLICE.fullmatch(text[3:-2]))
            and part["name"] in self.arrays
        ):
            return self.slice(part)
        match = _ALL_ELEMENTS.fullmatch(text)
        if match is None or match["name"] not in self.arrays:
            return None
        elements = self.arrays[match["name"]]
        return list(elements) if match["keys"] else list(elements.values())

    def take(self, other: ShellVars) -> None:
        """Hold what ``other`` (a copy of these, read on) holds now."""
        self.values, self.lines, self.arrays = other.values, other.lines, other.arrays
        self.keyed, self.runtime = other.keyed, other.runtime
        self.integers = other.integers

    def returned(self, frame: ShellVars, local: set[str]) -> None:
        """After a call: what the function set holds here, as in bash (hunt K: ``LAST=$1``
        in a function was unknown after it), but for its ``local`` variables and its
        arguments (``frame``: the function's copy of these)."""
        kept = local | {"#", "@", "*"}
        for name in (self.values.keys() | frame.values.keys()) - kept:
            if name.isdigit():
                continue
            self.keyed.discard(name)
            self.runtime.discard(name)
            self.integers.discard(name)
            self.arrays.pop(name, None)
            if name not in frame.values:
                self.values.pop(name, None)
                self.lines.pop(name, None)
                continue
            self.values[name] = frame.values[name]
            if name in frame.lines:
                self.lines[name] = frame.lines[name]
            if name in frame.arrays:
                self.arrays[name] = frame.arrays[name]
            if name in frame.keyed:
                self.keyed.add(name)
            if name in frame.runtime:
                self.runtime.add(name)
            if name in frame.integers:
                self.integers.add(name)

    def copy(self) -> ShellVars:
        return ShellVars(
            dict(self.values), dict(self.lines), {k: dict(v) for k, v in self.arrays.items()},
            set(self.keyed), set(self.runtime), self.background, set(self.integers),
            dict(self.skipped), set(self.arguments_of), dict(self.argument_read),
        )  # fmt: skip

    def arguments(self) -> list[str] | None:
        """The arguments of the function call being read (``"$@"``), None outside one."""
        count = self.values.get("#")
        if count is None or not count.isdigit():
            return None
        found = [self.values.get(str(n)) for n in range(1, int(count) + 1)]
        return None if any(a is None for a in found) else [a for a in found if a is not None]

    def knows(self, name: str) -> bool:
        return name in self.values

    def ifs_splits(self, value: str) -> bool:
        """``IFS`` is set (``IFS=$'\n\t'``, ``IFS=:``), and bash may split ``value`` unquoted
        at other places than iplab, which splits at blanks."""
        if "IFS" not in self.values:
            return False
        ifs = self.values["IFS"]
        if ifs is not None and ifs.startswith("$"):  # $'\n\t', as the assignment kept it
            ifs = ifs[1:].encode().decode("unicode_escape")
        if ifs == " \t\n":
            return False
        return any(c.isspace() for c in value) or any(c in value for c in ifs or "")

    def shift(self, count: int | None) -> None:
        """``shift N`` in a function: its arguments move down N, as bash moves them (none
        when N is over ``$#``: bash's shift fails); ``count`` None (iplab cannot evaluate
        N): none of them is known after it."""
        given = self.arguments()
        for key in [k for k in self.values if k.isdigit() and k != "0"]:
            del self.values[key]
        if given is None or count is None:
            self.values |= dict.fromkeys(["#", "@", "*", *map(str, range(1, 10))])
            return
        rest = given[count:] if count <= len(given) else given
        self.values |= {str(n): arg for n, arg in enumerate(rest, 1)}
        self.values |= {"#": str(len(rest)), "@": " ".join(rest), "*": " ".join(rest)}

    def known(self, text: str) -> str | None:
        """``text`` expanded (``${#NS[@]}``, ``${NS[$i]}``), None when a part is unknown: an
        operand of bash's arithmetic (``for ((i = 0; i < ${#NS[@]}; i++))``)."""
        value, unresolved = self.expand(text)
        return None if unresolved else value

    def expand(self, text: str) -> tuple[str, list[str]]:
        """The text with every known ``$NAME``/``${NAME}`` replaced (not inside single quotes),
        and the expansions it could not resolve. ``"$NAME"`` whose value is one plain word
        loses its quotes, so that the line can still be typed."""
        out: list[str] = []
        unresolved: list[str] = []
        i, in_double = 0, False
        while i < len(text):
            c = text[i]
            if c == "'" and not in_double:
                close = text.find("'", i + 1)
                end = len(text) if close < 0 else close + 1
                out.append(text[i:end])
                i = end
            elif c == "\\":
                out.append(text[i : i + 2])
                i += 2
            elif c == '"' and not in_double and (word := self._quoted_word(text, i)):
                out.append(word[0])
                i = word[1]
            elif (
                c == '"'
                and not in_double
                and (every := _QUOTED_ARGUMENTS.match(text, i))
                and (given := self.arguments()) is not None
            ):  # "$@", "${@:2}": each argument a word of its own, as bash hands them on
                if sliced := _SLICED_ARGUMENTS.fullmatch(every[1]):
                    given = _sliced(given, sliced)
                out.append(shlex.join(given))
                i = every.end()
            elif c == '"':
                in_double = not in_double
                out.append(c)
                i += 1
            elif c == "$" and (arithmetic := arith.arithmetic(text[i:], self.values, self.known)):
                token, number = arithmetic  # $((i + 10)) in a loop: its value, as bash has it
                if number is None:
                    unresolved.append(token)
                out.append(token if number is None else str(number))
                i += len(token)
            elif (text.startswith("$(", i) and not text.startswith("$((", i)) or c == "`":
                # a command the shell runs: the variables in it are known here, its output
                # only when it runs (echo $(ip netns exec $NS cat ...): $NS filled in)
                end = _closing(text, i)
                opening = 1 if c == "`" else 2
                inner, inner_unresolved = self.expand(text[i + opening : end])
                if (base := _basename(inner)) is not None:  # $(basename /sys/class/net/x)
                    out.append(base)
                    i = end + 1
                    continue
                if not inner_unresolved and (said := _printed(inner)) is not None:
                    out.append(said)  # ns$(printf '%02d' $i) in a loop: ns07
                    i = end + 1
                    continue
                closed = text[end : end + 1]
                out.append(text[i : i + opening] + inner + closed)
                unresolved.append(text[i : end + 1])
                i = end + 1
            elif c == "$":
                token, value = self._reference(text, i)
                if value is not None and not in_double and self.ifs_splits(value):
                    value = None  # IFS=$'\n\t' set: bash splits it otherwise (hunt K)
                if value is None and token != "$":
                    unresolved.append(token)
                out.append(token if value is None else value)
                i += len(token)
            else:
                out.append(c)
                i += 1
        return "".join(out), unresolved

    def _quoted_word(self, text: str, i: int) -> tuple[str, int] | None:
        match = _QUOTED_REF.match(text, i)
        if match is None:
            return None
        value = self.values.get(match[1] or match[2])
        if not value or names.has_shell_meta(value):
            return None
        return value, match.end()

    def _reference(self, text: str, i: int) -> tuple[str, str | None]:
        """The ``$...`` token at ``i`` and its value (None: unknown, or not a variable).
        Inside a function the input defines, ``$1``, ``${2}``, ``$#``, ``$@`` and ``$*``
        are its call's arguments."""
        match = _REF.match(text, i)
        if match is not None:
            return match[0], self.values.get(match[1] or match[2])
        other = _OTHER_REF.match(text, i)
        token = other[0] if other else "$"
        if text.startswith("${", i):  # (to its own brace: ${2:-${ns}v})
            token = text[i : _brace_end(text, i) + 1]
        key = token[2:-1] if token.startswith("${") and token.endswith("}") else token[1:]
        if (element := _ELEMENT_REF.fullmatch(key)) and element["name"] in self.arrays:
            return token, self._element(element["how"], element["name"], element["sub"])
        if (part := _ARRAY_SLICE.fullmatch(key)) and part["name"] in self.arrays:
            elements = self.slice(part)
            return token, None if elements is None else " ".join(elements)
        if key.isdigit() or key in ("#", "@", "*"):
            return token, self.values.get(key, self._past_arguments(key))
        if (sliced := _SLICED_ARGUMENTS.fullmatch(token)) and (given := self.arguments()):
            return token, " ".join(_sliced(given, sliced))  # ${@:2}: from the second on
        if token.startswith("${") and (default := _DEFAULT.fullmatch(key)):
            return token, self._defaulted(default["name"], default["how"], default["word"])
        if token.startswith("${") and (operated := _OPERATED.fullmatch(key)):
            return token, self._operated(operated)
        if key == "!" and self.background[0]:
            return token, f"%{self.background[0]}"
        return token, None

    def _past_arguments(self, key: str) -> str | None:
        """``$3`` when the script or function has fewer arguments (``$#`` known): empty, as
        bash has it (hunt DS: ``while [[ -n $1 ]]; do ...; shift; done`` never ended, the
        loop skipped and the arguments it read lost); None: not known."""
        count = self.values.get("#")
        if key.isdigit() and key != "0" and count is not None and count.isdigit():
            return "" if int(key) > int(count) else None
        return None

    def _defaulted(self, name: str, how: str, word: str) -> str | None:
        """``${NAME:-WORD}``, ``${NAME-WORD}``, ``${NAME:=WORD}``, ``${NAME:+WORD}`` (and
        ``${3:-24}`` in a function) as bash has them; None when iplab cannot know: the
        value is unknown, the name one the environment sets (``HOME``), the word quoted."""
        if name in _ENVIRONMENT or any(c in word for c in "'\"`\\"):
            return None
        value = self.values.get(name)
        if name in self.values and value is None:
            return None
        empty = not value if how.startswith(":") else name not in self.values
        if how.endswith("?"):  # ${1:?usage}: bash stops the script when it is unset
            return None if empty else value
        if how.endswith("+"):
            if empty:
                return ""
            said, unresolved = self.expand(word)
            return None if unresolved else said
        if not empty:
            return value
        said, unresolved = self.expand(word)
        if unresolved:
            return None
        if how.endswith("=") and not name.isdigit():
            self.values[name] = said
        return said

    def _operated(self, found: re.Match[str]) -> str | None:
        """``${#NAME}``, ``${NAME:1:2}``, ``${NAME%PAT}`` (``%%``, ``#``, ``##``),
        ``${NAME/PAT/TO}`` (``//``), ``${NAME^^}`` (``,,``, ``^``, ``,``) as bash has them;
        None when the value, or a pattern, is not known."""
        if found["length"]:
            length = self.values.get(found["length"])
            return None if length is None else str(len(length))
        value = self.values.get(found["name"])
        op, arg = found["op"], found["arg"] or ""
        if value is None or (arg and any(c in arg for c in "'\"`\\")):
            return None
        arg, unresolved = self.expand(arg)
        if unresolved:
            return None
        if op in ("^^", ",,", "^", ","):
            if arg:
                return None
            upper = op.startswith("^")
            changed = value.upper() if upper else value.lower()
            return changed if len(op) == 2 else changed[:1] + value[1:]
        if op == ":":
            return _substring(value, arg)
        if op in ("%", "%%", "#", "##"):
            return _trimmed(value, op, arg)
        pattern, _, to = arg.partition("/")
        return _replaced(value, pattern, to, every=op == "//")

    def _element(self, how: str, name: str, sub: str) -> str | None:
        """``${NAME[SUB]}``, ``${NAME[@]}``, ``${#NAME[@]}``, ``${!NAME[@]}``."""
        elements = self.arrays[name]
        if sub in ("@", "*"):
            if how == "#":
                return str(len(elements))
            return " ".join(elements if how == "!" else elements.values())
        if how == "!":
            return None
        key = self._subscript(name, sub)
        value = None if key is None else elements.get(key, "")
        return str(len(value)) if how == "#" and value is not None else value

    def why(self, token: str) -> str:
        match = _REF.fullmatch(token)
        name = (match[1] or match[2]) if match else None
        if name is not None and self.values.get(name) is not None and "IFS" in self.lines:
            return (
                f"{token} is split at IFS, set at line {self.lines['IFS']}: iplab splits words"
                " at blanks only"
            )
        if name is not None and name in self.runtime and name in self.lines:
            return f"{token} is what a command prints when the lab runs, at line {self.lines[name]}"
        if name in self.skipped and self.skipped[name][0] >= self.lines.get(name, 0):
            line, what = self.skipped[name]
            return f"{token} is set by the {what} at line {line}, which iplab skipped"
        if name is not None and name in self.lines and name in self.argument_read:
            # (hunt DG: NS=$1 at the top of a script run as ./lab.sh red)
            read = self.argument_read[name]
            return f"line {self.lines[name]} reads {read}: {self._not_given(read)}"
        if name is not None and name in self.lines:
            return f"{token} is set at line {self.lines[name]} from something iplab cannot evaluate"
        if name is not None:
            return f"{token} is not set in the input"
        if _POSITIONAL.fullmatch(token.strip('"')) or token.strip('"') in ("$*", *_ALL_ARGUMENTS):
            # (hunt BU: namespace.sh run as `./namespace.sh red 10.0.0.1`)
            return f"{token} is {self._not_given(token)}"
        return f"{token} is evaluated by the shell"

    def _not_given(self, token: str) -> str:
        """What to say of an argument of the script (``$2``) that has no value here."""
        n = int(next((c for c in token if c in "123456789"), "1"))
        count = self.values.get("#")
        values = " ".join(f"--arg V{i}" for i in range(1, n + 1))
        how = f"give {'it' if n == 1 else 'them'} with iplab import SCRIPT {values}"
        if count is None or not count.isdigit():
            return (
                f"an argument the script is run with, and iplab runs it with none: {how},"
                f" or give it a value at the top (ARG{n}=${{{n}:-value}}) and use that"
            )
        given = [self.values.get(str(i)) or "" for i in range(1, int(count) + 1)]
        return (
            f"an argument the script is run with, and it was given {count}"
            f" ({shlex.join(given) or 'none'}): {how}"
        )


# -- reading commands --------------------------------------------------------------------------


class Reader:
    """Turns code (a script, or the code blocks of a page, in order) into events.

    Shared by all the blocks of a page: the variables a block sets hold in the next.
    """

    def __init__(
        self,
        markdown: bool,
        base: Path | None = None,
        keep_variables: bool = True,
        arguments: Sequence[str] | None = None,
    ) -> None:
        self.markdown = markdown
        #: the block being read starts with ``#!`` (a script file, shown whole: no line of
        #: it is typed at bash's PS2 prompt, so a ``> `` in it is the script's own text)
        self._shebang = False
        #: a line using the script's variables is printed as written (False: as expanded)
        self.keep_variables = keep_variables
        #: the directory of the input (``. ./env.sh`` is read from there)
        self.base = base
        #: the variables set to the script's own folder or path, each with its line
        #: (``DIR=$(dirname "$0")``, ``d=$(dirname $(realpath $0))``: hunt EI)
        self.own_folder: dict[str, int] = {}
        self.vars = ShellVars()
        #: the arguments the script is read as run with (``iplab import lab.sh -- up red``:
        #: ``$1`` is up, ``$#`` 2); None: none given, ``$1`` is not known (hunt DG)
        self.arguments = None if arguments is None else tuple(arguments)
        if self.arguments is not None:
            self.vars.values |= {str(n): a for n, a in enumerate(self.arguments, 1)}
            joined = " ".join(self.arguments)
            self.vars.values |= {"#": str(len(self.arguments)), "@": joined, "*": joined}
        self.events: list[Event] = []
        self.warnings: list[str] = []
        #: where a script ends as bash runs it (an ``exit``, a check that holds with the
        #: arguments given and calls ``usage``), said: the lines after it are not read (hunt EA)
        self.ended: str | None = None
        self.expanded: dict[str, int] = {}
        #: the pids the session printed for its jobs (``[1] 3113``), and each job's ``%N``
        self.printed_jobs: dict[str, str] = {}
        #: the variables as they were before the command being read
        self._before: ShellVars | None = None
        #: the aliases the page's shell sessions define (``alias nsx='ip netns exec'``)
        self.aliases: dict[str, str] = {}
        #: the shells opened in namespaces (``ip netns exec NS bash``), innermost last
        self.sessions: list[_Session] = []
        #: shells iplab cannot enter that the author left without exit, by the terminal
        #: they were left in and their prompt
        self.parked: dict[tuple[str, str], _Session] = {}
        #: the terminal the page types in, as its labels number it (``Terminal 2:``)
        self.terminal = "1"
        #: the prompt of the line being read (None: a block without prompts)
        self.prompt: str | None = None
        #: the shell functions the input defines (``create_host() { ... }``): their bodies
        self.functions: dict[str, shellread.Node] = {}
        #: the files the input writes from a here-document (``cat > lab.batch <<EOF``), by
        #: their path as written: their lines (``ip -batch lab.batch`` reads them)
        self.written: dict[str, list[str]] = {}
        #: the files of :attr:`written` whose lines began with an append the input makes to
        #: a file it never named before (``echo "netns add a" >> b.txt``, no ``rm -f``
        #: first): taken as new; an ``ip -batch`` of one says so (hunt DH #1)
        self.started: set[str] = set()
        #: the commands :meth:`_forget_written` has seen, in order (a file one of them named
        #: is not taken as new by a later append: its lines are not known)
        self._seen: list[str] = []
        #: the calls of the input's functions being read, innermost last (a recursion stops
        #: at 16): each function's name, the line it is defined at, the line calling it (in a
        #: function that calls it, the call's own line: hunt EO #4)
        self._frames: list[tuple[str, int, int]] = []
        #: the own line of the statement of a function being read (None: not in one)
        self._statement_line: int | None = None
        #: how deep the reader is in a group of lines read whole (:meth:`_group`)
        self._grouped = 0
        #: > 0 while the script's own flow is read (a function called at its top level, a
        #: group): an ``exit`` reached there ends the script (:class:`_Exited`)
        self._flow = 0
        #: the functions the script calls by name (``setup`` at its bottom, in another one)
        self.called: set[str] = set()
        #: the functions run as the script's up or down (``./lab.sh setup``, ``main "$@"``)
        self._ran: set[str] = set()
        #: a variable a ``case "$1" in setup | teardown) CMD="$1"`` puts the argument in:
        #: the words of that branch, and the case's line (``$CMD`` runs the function)
        self.job_vars: dict[str, tuple[frozenset[str], int]] = {}
        #: the line each function is defined at
        self.function_lines: dict[str, int] = {}
        #: the functions a sourced file defines (``source tests/libtest.sh``), each with
        #: the file as the line names it (their lines are that file's, not the input's)
        self.sourced: dict[str, str] = {}
        #: the sourced files found nowhere: the index of the warning said, its line, the
        #: file (the calls of its functions, raw steps, are named there at the end)
        self._unsourced: list[tuple[int, int, str]] = []
        #: how many loops iplab unrolls around the statement being read (continue, break)
        self._loops = 0
        #: the namespace a loop's ``$(ip link ...)`` lists (None: the root's)
        self._listing_in: str | None = None
        #: how many loops iplab could not tell the values of (skipped, said), and how many
        #: it found iterate over nothing (``for i in $(ip -br link | grep ^dum)``, none made)
        self._untold_loops = 0
        #: the statement read last, and the one before the one being read (``if [ $? -eq 0
        #: ]`` asks how it ended)
        self._statement_before: shellread.Node | None = None
        self._asked_before: shellread.Node | None = None
        self._empty_loops = 0
        #: the trap's handler bash runs when the script ends (``trap cleanup EXIT``): its
        #: text, line, where, and how many events there were when it was set
        self.trap: tuple[str, int, str, int] | None = None
        #: the notes a script's ``echo``/``printf`` narration made, with the line as written
        #: and where it is: one after the script's last step is said (:meth:`_said_last`)
        self._narration: list[tuple[Note, str, str]] = []
        #: a teardown written before the setup (a case's down branch, ``if [ "$1" = down ];
        #: then ...; exit 0; fi``): what to say of it, its statements' text, their line;
        #: read at the end of the input (:meth:`_teardown_later`), after the setup
        self.later: list[tuple[str, str, int]] = []
        #: of those (by their index), the variables that hold the word that selects the
        #: branch (``$1`` is ``down`` in ``case "$1" in ... down)``; :func:`_selected_by`)
        self._later_selected: dict[int, dict[str, str | None]] = {}
        #: the ip commands kept raw for a name that is not ASCII: (its warning's index, the
        #: lines, the names), said once for all
        self._foreign: tuple[int, list[int], list[str]] | None = None
        #: the same for names ip takes that iplab does not (``web:1``: hunt AJ)
        self._odd: tuple[int, list[int], list[str]] | None = None
        #: the same for quoted names with a blank or a shell character (``"red blue"``)
        self._blank: tuple[int, list[int], list[str]] | None = None
        #: the last line of a session read as the author's words (:meth:`_chat`)
        self._chatting = 0
        #: the line of a page's ``# or`` (``# alternatively:``) just after a command: the
        #: command after it is another spelling of the one before (hunt BD #2)
        self._or_line, self._or_said = 0, ""
        #: a page's: whether it has code blocks (None: not a page read in parts)
        self.code_on_page: bool | None = None
        #: a page's: whether a command at a prompt is followed on its line by what it
        #: printed, somewhere on it (:func:`printed_after`)
        self.glues_output = False
        #: the script's shell stops at a failing command (``set -e``, ``set -o errexit``)
        self.errexit = False
        #: the lines where that changed, and what it became (see :mod:`.slate`)
        self.errexit_set: list[tuple[int, bool]] = []
        #: the loops being unrolled, bounded as a scenario's (hunt R: 1000 x 1000 ran minutes)
        self.budget = LoopBudget()
        #: the ``ip netns del A B`` said (where, A, B...): a line and its command, said once
        self._said_ignored: set[tuple[str, str, tuple[str, ...]]] = set()

    def _trap(self, args: Sequence[str], number: int, where: str) -> None:
        """``trap cleanup EXIT`` (INT, TERM...): the handler bash runs when the script ends or
        its reader stops it is the script's own teardown (:meth:`finish` reads it there);
        ``trap - EXIT`` takes it back. Other signals' handlers are said, not run."""
        words = list(args[1:] if args[:1] == ["--"] else args)
        if len(words) == 1 and words[0].upper().removeprefix("SIG") in _ENDING_SIGNALS:
            self._untrap()  # trap EXIT alone: bash resets it
        if len(words) <= 1 or words[0] in ("-p", "-l"):
            return  # (trap -p, trap -l: they print)
        handler, signals = (words[0], words[1:]) if words else ("", [])
        ending = {s.upper().removeprefix("SIG") for s in signals} & _ENDING_SIGNALS
        if not ending:
            self.warnings.append(
                f"{where}: a trap's handler is not run: iplab undoes the lab from its journal"
                " (iplab down, or at the end of iplab run); printed as written"
            )
            return
        if handler in ("", "-"):
            self._untrap()
            return
        self.trap = (handler, number, where, len(self.events))
        self.warnings.append(f"{where}: {_TRAP_SAID.format(handler=handler)}")

    def _untrap(self) -> None:
        """``trap - EXIT``: the handler set before is no teardown any more, nor said to be
        (hunt AB: "is the teardown" stayed, though none was imported)."""
        if self.trap is not None:
            stale = f"{self.trap[2]}: {_TRAP_SAID.format(handler=self.trap[0])}"
            self.warnings[:] = [w for w in self.warnings if w != stale]
        self.trap = None

    def finish(self) -> None:
        """The end of the input: a trap's handler still set runs now (:meth:`_trapped`);
        each function's definition joins the text of the block after it."""
        self._trapped()
        self.events = _definitions_joined(self.events)

    def _trapped(self) -> None:
        """A trap's handler still set runs now, as bash runs it at the
        script's exit: the teardown, with no line of its own to print. Not when the script
        deletes what it made by itself after setting the trap (bash would run the handler
        a second time, and it would find nothing left)."""
        self._teardown_later()
        self._left_untyped()
        self._said_last()
        self._uncalled()
        self._shown_scripts()
        self._own_folder_unread()
        self._unsourced_calls()
        if self.trap is None:
            return
        handler, number, where, at = self.trap
        self.trap = None
        if _NAMED.fullmatch(handler) and handler not in self.functions:
            self.warnings.append(
                f"{where}: the trap's handler ({handler}) is no function the input defines;"
                " not imported (iplab undoes the lab from its journal)"
            )
            return
        # (not a teardown read after it: ./lab.sh teardown, another run of the script)
        kept = [e for e in self.events[at:] if not (isinstance(e, Block) and e.cleanup)]
        later = [c for e in kept for c in _cmds_of(e)]
        if any(isinstance(c.parsed.op, LinkDel | NetnsDel | NetnsDelAll) for c in later):
            self.warnings.append(
                f"{where}: the script deletes what it made after setting the trap; its handler"
                f" ({handler}) is not imported a second time"
            )
            return
        # no text of its own: the script's lines are all printed where they are (a printed
        # script ends, and bash runs the handler as the trap says)
        self._cleanup_block(
            handler, number, f"the handler of the trap at line {number}: {handler}",
            f"{where}: the trap's handler ({handler}) runs no command iplab can read",
        )  # fmt: skip

    def _uncalled(self) -> None:
        """A function the input defines whose body makes the lab (``ip``, ``brctl``...), and
        that no line calls: bash only defines it, so none of its commands runs. Said, with
        how to run it (hunt CW: a blog's whole lab was one function,
        ``create_3_namespaces_and_1_bridge() { ... }``, never called on the page; the run
        made nothing and said ``OK: 1 command, 0/0 claims hold``). Nothing is said when the
        input runs what its arguments name (``"$@"``, ``$1``): any function may run. A
        ``$1`` inside a function's body is that function's argument, not the script's
        (hunt DF: a library of NS_Setup, NS_Destroy and NS_Run, whose calls at the bottom
        were commented out, imported as "model: OK" with no word: NS_Run's ``$1`` and
        ``${@}`` hid it)."""
        texts = [e.text for e in self.events if isinstance(e, Cmd | Block)]
        bodies = [shellread.source(body) for body in self.functions.values()]
        outside = [functools.reduce(lambda t, b: t.replace(b, ""), bodies, t) for t in texts]
        if any(_POSITIONAL.search(t) or re.search(r"\$\{?[@*]", t) for t in outside):
            return
        for name, body in self.functions.items():
            if name in self.called or name in self._ran or name in self.sourced:
                continue  # (a sourced file's: a library, whose functions the input picks)
            named = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])(?!\s*\(\s*\))")
            keyword = re.compile(rf"\bfunction\s+{re.escape(name)}\b")
            if any(named.search(keyword.sub("", t)) for t in texts):
                continue  # (called somewhere iplab did not expand: a trap, a loop it kept)
            makes = [w for w in _run_programs(body) if w in _LAB_PROGRAMS]
            if not makes:
                continue
            programs = ", ".join(dict.fromkeys(makes))
            said = (
                f"none of its {len(makes)} commands ({programs}) runs"
                if len(makes) > 1
                else f"its command ({programs}) does not run"
            )
            self.warnings.append(
                f"line {self.function_lines.get(name, 0)}: {name}() is defined but no line of"
                f" the input calls it: bash only defines it, and {said}; printed as written."
                f" To run it, call {name} on a line of its own after it"
            )

    def _shown_scripts(self) -> None:
        """``cat F`` shown printing a script (``#!/bin/sh`` and its lines) that the input
        never writes: the page shows its lab as the file's content (hunt CW: a blog's
        ``cat root/dhcp/create_itf.sh`` and the script under it; the run failed at the line,
        "No such file or directory", and none of the script's commands was a step). Said,
        with how to run that lab."""
        for event in self.events:
            if not isinstance(event, Cmd) or not event.output:
                continue
            words = _split(event.text) or []
            words = words[1:] if runs_sudo(words) else words
            if len(words) != 2 or words[0] != "cat" or not event.output[0].startswith("#!"):
                continue
            path = words[1]
            if posixpath.normpath(path) in {posixpath.normpath(k) for k in self.written}:
                continue
            self.warnings.append(
                f"line {event.line}: {event.text} shows a script of {len(event.output)} lines"
                " that the input never writes: it is printed output, not the lab's steps, and"
                f" the run fails at this line unless {path} is on this host. To run the lab"
                f" it shows, save those lines as {posixpath.basename(path)} and import that"
                f" file: iplab import {posixpath.basename(path)}"
            )

    def _said_last(self) -> None:
        """A script's narration after its last command (``echo "End of script..."``): a
        note says the step after it, and none follows; said, not lost without a word (hunt
        CP)."""
        last = max((i for i, e in enumerate(self.events) if not isinstance(e, Note)), default=-1)
        after = {id(e) for e in self.events[last + 1 :]}
        for note, text, where in self._narration:
            if id(note) in after:
                self.warnings.append(
                    f"{where}: {text!r} only prints, after the script's last command: no step"
                    " follows for it to be said with; not imported"
                )

    def _cleanup_block(
        self,
        body: str,
        number: int,
        said: str,
        none: str,
        selected: Mapping[str, str | None] | None = None,
    ) -> None:
        """The commands of ``body`` (a trap's handler, a teardown written first), kept as a
        cleanup block of no text of its own, under the note ``said``; when it runs none
        iplab can read, the warning ``none``. ``selected``: variables that hold other
        values while it is read (:meth:`_with_values`)."""
        nodes = shellread.statements(shellread.parse(body))
        try:
            cmds = self._with_values(selected or {}, nodes, number)
        except _Jump:
            cmds = []
        if not cmds:
            self.warnings.append(f"{none}; not imported")
            return
        self.note("comment", said, number)
        self._keep(Block("", number, number, cmds, cleanup=True, standalone=False))

    def _teardown_later(self) -> None:
        """The teardowns written before the setup (:attr:`later`), read now: after the
        setup, as the user runs them (``./lab.sh``, later ``./lab.sh down``)."""
        for index, (said, body, number) in enumerate(self.later):
            none = f"line {number}: {said} runs no command iplab can read"
            self._cleanup_block(body, number, said, none, self._later_selected.get(index))
        self.later.clear()
        self._later_selected.clear()

    def _with_values(
        self, selected: Mapping[str, str | None], nodes: list[shellread.Node], number: int
    ) -> list[Cmd]:
        """The commands of ``nodes``, read with the variables of ``selected`` holding its
        values (a case's branch on the script's argument: ``$1`` holds the word that
        selects it, :func:`_selected_by`); after them, those variables hold what they did
        before, and what the statements set is kept."""
        if not selected:
            return self._statements(nodes, self.vars, number, None)
        before = {name: self.vars.values[name] for name in selected if name in self.vars.values}
        scope = self.vars.copy()
        scope.values.update(selected)
        try:
            return self._statements(nodes, scope, number, None)
        finally:
            self.vars.take(scope)
            for name in selected:
                if name in before:
                    self.vars.values[name] = before[name]
                else:
                    self.vars.values.pop(name, None)

    def _branch_read(self, case: shellread.Node, item: shellread.Node, number: int) -> list[Cmd]:
        """The commands of a branch of a case on the script's argument, read as the script
        run with the branch's word reads them (hunt DG's leftover: ``$1`` in a ``down)``
        branch held the word given to import, ``up``)."""
        return self._with_values(_selected_by(case, item, self.vars), _item_body(item), number)

    def _keep(self, block: Block) -> None:
        """A block, with the values of the input's variables its text uses, as they were
        before it (a loop's body may change them: ``i=$((i + 1))``)."""
        before = self._before if self._before is not None else self.vars
        if self.arguments is not None and block.standalone and _reads_arguments(block.text):
            # ip netns add "$1", read with the arguments given to import: a printed script
            # has none, so it runs the commands as read (hunt DG), as a case's halves do
            block.standalone = False
        for match in _USED.finditer(block.text):
            name = match[1]
            if name in before.arrays:  # (its $NAME is its first element, in values too)
                block.variables[name] = dict(before.arrays[name])
            elif (value := before.values.get(name)) is not None:
                block.variables[name] = value
        self.events.append(block)

    # -- notes and output --

    def note(self, kind: NoteKind, text: str, line: int, end: int | None = None) -> None:
        if kind == "heading" and self.sessions:  # a new section: back on the host
            self._new_section(line, text)
        if kind != "fence" and (named := _TERMINAL_NAMED.search(text)):
            terminal = named[1] or str(_ORDINALS.index(named[2].lower()) + 1)
            if terminal != self.terminal:
                self._left_running()
            self.terminal = terminal
        if text.strip():
            self.events.append(Note(kind, text, line, line if end is None else end))

    def _new_section(self, line: int, text: str = "") -> None:
        """A heading (a session's label: ``Terminal 2 (the host):``) with a shell open: back
        on the host. A shell whose lines have a prompt of their own (``root@lab:/home/
        vagrant#`` after ``$ sudo unshare --net --uts /bin/bash``) is left in its terminal:
        a line at that prompt later (``Back in terminal 1:``) is typed in it again, until
        its ``exit`` (hunt AH: they ran on the host); any other is left, said."""
        innermost = self.sessions[-1]
        if innermost.inner is not None and innermost.inner != innermost.prompt:
            self.another_terminal()
            return
        if innermost.away in _LOGGED_IN and not _LEAVES_LOGIN.search(text):
            # (a page logs in to the machine it works on, and goes on there: hunt EA)
            self.warnings.append(
                f"line {line}: the shell {innermost.opened!r} opened at line"
                f" {innermost.line} (in {innermost.away}) is never left with exit, and the"
                " prompts do not tell where the page goes on: read as still typed there"
                " after this heading (write exit where the page leaves it)"
            )
            return
        self.warnings.append(
            f"line {line}: the shell {self.sessions[0].opened!r} opened above is never"
            " left with exit; read as left before this heading"
        )
        self._left_untyped()

    def _left_untyped(self) -> None:
        """Shells opened in a namespace that nothing was typed in, left: each opening line
        said (hunt AV: ``sudo ip netns exec foo bash`` was lost from
        the printed lines with no word; run, it would wait for what the reader types)."""
        for session in self.sessions:
            if session.block is None and not session.away and session.lead:
                self.warnings.append(
                    f"line {session.line}: {session.opened!r} opens a shell in"
                    f" {session.call.inside} and the page types nothing in it; not run"
                    " (run, it would wait for input): write the commands after it, or"
                    f" ip netns exec {session.call.inside} CMD"
                )
        self.sessions.clear()

    def comment(self, body: str, line: int) -> None:
        text = _DECORATION.sub("", body.lstrip("#").strip())
        if self.markdown and ANOTHER_TERMINAL.search(text):
            self.another_terminal()  # (docker's ``# At another shell, start another ...``)
        last = self.events[-1] if self.events else None
        if (
            self.markdown
            and isinstance(last, Cmd | Block)
            and (said := _ALTERNATIVE.fullmatch(text))
        ):
            rest = text[said.end(1) :].strip(" ,:.")
            if not rest or not self.looks_like_command(rest):
                self._or_line, self._or_said = line, body.strip()
        if isinstance(last, Note) and last.kind == "comment" and last.end == line - 1 and text:
            self.events[-1] = Note("comment", f"{last.text} {text}", last.line, line)
            if self._or_line == line - 1:  # (# or / # with the old net-tools:)
                self._or_line, self._or_said = line, f"{self._or_said} {body.strip()}"
        elif text:
            self.note("comment", text, line)

    def _output_said(self, text: str, start: int) -> Cmd | Block | None:
        """The command whose output a block's ``# Output:`` comment line says the lines
        after it are (``# Expected output:``, ``# Expected tcpdump output:``): the one just
        above, or the block's last that runs the program named (hunt BS #1: they were the
        next command's prose). None: no such line, or no command above it."""
        said = _OUTPUT_SAID.fullmatch(text.strip())
        if said is None:  # (most lines: the block's commands are not gathered for them)
            return None
        shown = [e for e in self.events[start:] if isinstance(e, Cmd | Block)]
        if not shown:
            return None
        if said[1] is None:
            last = self.events[-1]
            return last if isinstance(last, Cmd | Block) else None
        named = [e for e in shown if said[1].lower() in _lower_words(e.text)]
        return named[-1] if named else None

    def output(self, text: str, line: int) -> None:
        """Attach a printed line to the command just before (a warning when there is none)."""
        last = self.events[-1] if self.events else None
        if isinstance(last, Cmd | Block):
            last.output.append(text.rstrip())
            printed = _JOB_PRINTED.fullmatch(text.strip())
            if printed and self.vars.background[0] and background_job(last.text):
                self.printed_jobs[printed[1]] = f"%{self.vars.background[0]}"
        elif self.sessions and self.sessions[-1].away and isinstance(last, Note):
            return  # printed by a line typed where iplab cannot go (a note, said at its shell)
        elif _SHELL_SAID.fullmatch(text.strip()) and isinstance(last, Note):
            return  # (sudo's password prompt after ``sudo -i``, bash's ``logout`` after
            # ``exit`` of a login shell: both notes; they were "neither a command nor...")
        elif text.strip():
            self.warnings.append(
                f"line {line}: {text.strip()!r} is neither a command nor the output of one; ignored"
            )

    def fence(self, lang: str, lines: Sequence[tuple[int, str]], line: int) -> None:
        """A code block that holds no commands: output of the command just before, or prose;
        a file's content when the words just before ask to save it (:meth:`_saved`)."""
        body = [text.rstrip() for _, text in lines]
        while body and not body[-1]:
            body.pop()
        last = self.events[-1] if self.events else None
        if body and lang in _DATA_LANGS and isinstance(last, Note) and self._saved(last, body):
            return
        if isinstance(last, Cmd | Block) and not last.output:
            last.output.extend(body)
        elif body and self._labelled_output(body):
            return
        elif body:
            end = lines[-1][0] + 1 if lines else line
            self.note("fence", "\n".join([f"```{lang}", *body, "```"]), line, end)

    def _labelled_output(self, body: list[str]) -> bool:
        """A block after ``Expected output:`` (``Sample output:``, ``You should see:``) right
        after a command's block: what that command printed, the label taken out when it is
        all its paragraph (hunt AO: a ping shown with ``100% packet loss`` so was a probe
        that must succeed, the block the next step's prose). False: no such label."""
        if len(self.events) < 2:
            return False
        said, shown = self.events[-1], self.events[-2]
        if not isinstance(said, Note) or said.kind != "paragraph":
            return False
        label, alone = labels_output(said.text)
        if not label or not isinstance(shown, Cmd | Block) or shown.output:
            return False
        shown.output.extend(body)
        if alone:
            self.events.pop()
        return True

    def _saved(self, said: Note, body: list[str]) -> bool:
        """ "Save this as ``/etc/cni/net.d/10-mynet.conf``:" (create a file named X with the
        following content, put this in X) then a ```json block: the file, written by a step
        as ``cat > X <<'EOF'`` writes it (hunt AH #6: the block was prose, and the step
        that reads the file failed). False: the words ask for no file."""
        if said.kind != "paragraph" or not said.text.rstrip().endswith(":"):
            return False
        found = _SAVE_AS.search(said.text.rstrip().rsplit(". ", 1)[-1])
        path = found and (found["quoted"] or found["plain"])
        if not path or any(row.strip() == "EOF" for row in body):
            return False
        if formats.by_content(list(enumerate(body)), in_page=True) is not None:
            return False  # (a workflow, a compose file, a playbook: another tool's, not
            # the lab's: "Put this in .github/workflows/netlab.yml:")
        start = said.end + 1
        if path.startswith("~") or ".." in PurePosixPath(path).parts:
            self.warnings.append(
                f"line {said.line}: the page asks to save the block at line {start} as"
                f" {path}, outside the lab's directory and the host files iplab puts back"
                " (a home's file, a path up through ..): not written; write it yourself"
                " if the lab needs it"
            )
            return False
        self.warnings.append(
            f"line {said.line}: the page asks to save the block at line {start} as {path}:"
            f" written by a step, cat > {path} <<'EOF'"
        )
        written = [(start, f"cat > {shlex.quote(path)} <<'EOF'"), *[(start, r) for r in body]]
        self.block([*written, (start, "EOF")], shell_lang=True)
        return True

    def file_block(self, path: str, body: Sequence[tuple[int, str]], said: str) -> None:
        """A block the page names as a file a later command reads (``said``: where and how):
        written by a step, ``cat > F <<'EOF'`` (:mod:`iplab.importer.fileblocks`); a home's
        file or a path up through ``..``, or a block holding a line ``EOF``: not written."""
        start = body[0][0] - 1 if body else 0
        if path.startswith("~") or ".." in PurePosixPath(path).parts:
            self.warnings.append(
                f"{said}, outside the lab's directory and the host files iplab puts back"
                " (a home's file, a path up through ..): not written; write it yourself"
            )
            self.fence("", body, start)
            return
        if any(text.strip() == "EOF" for _, text in body):
            self.warnings.append(f"{said}; it holds a line EOF: not written")
            self.fence("", body, start)
            return
        self.warnings.append(f"{said}: written by a step, cat > {path} <<'EOF'")
        lines = [(n, text.rstrip()) for n, text in body]
        written = [(start, f"cat > {shlex.quote(path)} <<'EOF'"), *lines]
        self.block([*written, (lines[-1][0] + 1 if lines else start, "EOF")], shell_lang=True)

    # -- commands --

    def looks_like_command(self, body: str) -> bool:
        if body[:1] == "(" or body[:2] == "{ ":  # ((echo hi; sleep 1) | nc ...: a group of
            inner = body[1:].lstrip()  # commands, not output after a job's line: hunt BL)
            closed = ")" in inner if body[0] == "(" else "}" in inner
            return closed and not inner.startswith("(") and self.looks_like_command(inner)
        program = first_program(body)
        if program in KNOWN_PROGRAMS or _ASSIGN.fullmatch(body) or program.startswith("./"):
            return True  # (./lab.sh: a script of the tutorial's own)
        if program in _MORE_PROGRAMS or _SHELL_OPENS.match(body):
            return True  # after a command's output: seq 3 | xargs ..., if ! ip ...; then
        if _SUDO_WORD.match(body):  # sudo nmcli con up br0: no program prints that (hunt Y:
            return True  # after a command's output, it was taken for more of it)
        if program in self.aliases or program in self.functions:
            return True  # nsx a ip -br link (alias nsx=...), mkns a (mkns() { ... })
        if _FUNCTION.match(body):
            return True  # cleanup() {: a function the lines after call
        ref = _REF.match(program)
        return ref is not None and self.vars.knows(ref[1] or ref[2])

    def _checks_and_stops(
        self, node: shellread.Node, check_only: bool = True, scope: ShellVars | None = None
    ) -> bool:
        """``A && B`` or ``A || B`` whose last part only says something and stops (``exit``,
        ``return``, or a function of the input that does only that: ``die``, ``usage``).
        ``check_only``: and A changes nothing. ``scope``: the variables A is read with (a
        function's: ``"$@" || die``; default: the input's). Not ``check_only`` (A is a
        change), ``|| return 1`` stops too: in a function, the author's "stop at the first
        failure" (hunt EO: ``ip netns add "$1" || return 1`` in a function was a raw step)."""
        parts = [c for c in node.named_children if c.type != "comment"]
        if (
            len(parts) == 2
            and check_only
            and (
                self._makes(_said_after(parts[0]), scope)
                or self._runs_inside(_said_after(parts[0]), scope)
            )
        ):
            return False  # ip netns add a || exit 1: a step (hunt AC #7: not run)
        if len(parts) == 2 and _reruns_as_root(parts[1]):
            return True  # [[ $EUID -ne 0 ]] && exec sudo "$0" "$@": bash stops here too
        if len(parts) != 2 or (
            "exit" not in shellread.source(node)
            and not any(p in self.functions for p in _programs(parts[1]))
            and (check_only or "return" not in _programs(parts[1]))
        ):
            return False
        stops = False
        for program in _programs(parts[1]):
            body = self.functions.get(program)
            if body is not None and self._says_only(program):
                continue  # || { err "Missing dependency: $1"; exit 127; } (hunt DY: a raw step)
            if body is not None:
                if not self._function_stops(program):
                    return False
                stops = True
            elif program in ("exit", "return"):
                stops = True
            elif program not in _NARRATION:
                return False
        return stops

    def _function_stops(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """The input's function ``name`` only says something and stops the script: its
        commands narrate (``echo``), leave a directory (hunt CX's ``error_exit``), or delete
        what the lab made (``ip netns del``, ``iptables -D``: a cleanup, which is what iplab's
        rollback does when a step fails), and it exits, itself or by calling a function of
        the input that does (hunt DO: ``cleanup() { ip netns del a; ...; done_now; }`` with
        ``done_now() { echo; exit 0; }``)."""
        body = self.functions.get(name)
        if body is None or name in seen:
            return False
        exits = False
        for command in _commands_under(body):
            words = _unsudoed_words(command)
            program = words[0] if words else ""
            if program == "exit":
                exits = True
            elif program in self.functions and self._cleans_up(program, seen | {name}):
                continue  # abort() { cleanup; exit 1; } (hunt EO: rlite's || abort, raw steps)
            elif program in self.functions:
                if not self._function_stops(program, seen | {name}):
                    return False
                exits = True
            elif not (program in _NARRATION or program in _BEFORE_EXIT or _deletes(words)):
                return False
        return exits

    def _cleans_up(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """The input's function ``name`` deletes what the lab made (``ip netns delete``,
        ``ip link del``), and makes nothing iplab reads as a change: a cleanup, which
        iplab's rollback stands for when a step fails (rlite's ``cleanup() { pkill
        rinaperf; ...; ip netns delete ${cont} || ret=1; ...; }``, called by ``abort``).
        What else it runs (``pkill``, ``rm -f``) is the failure path's only."""
        body = self.functions.get(name)
        if body is None or name in seen:
            return False
        deletes = False
        for command in _commands_under(body):
            words = _unsudoed_words(command)
            program = words[0] if words else ""
            if program in self.functions:
                if not self._cleans_up(program, seen | {name}):
                    return False
                deletes = True
            elif _deletes(words):
                deletes = True
            elif self._makes(command):
                return False
        return deletes

    def _tool_check(self, node: shellread.Node) -> bool:
        """``command -v ip || { echo "install iproute2"; exit 1; }``: a check that a program
        is there, whose other side only says so and exits, no function of the input's: one
        raw step, run by bash as one line (it passes where iplab runs: iplab needs ip, and
        says a missing program first), and printed as the page's line (hunt CL #5: it was
        a note, and the rendered script lost the line). A page's only: a script's stays
        the note hunt S made it."""
        parts = [c for c in node.named_children if c.type != "comment"]
        if not self.markdown or len(parts) != 2 or "\n" in shellread.source(node):
            return False  # (a script's: a note, as hunt S made it)
        words = shellread.source(parts[0]).split()
        asks = words[:2] in (["command", "-v"], ["command", "-V"]) or words[:1] in (
            ["which"],
            ["type"],
            ["hash"],
        )
        said = _programs(parts[1])
        return asks and "exit" in said and all(p in _NARRATION or p == "exit" for p in said)

    def _or_stops(
        self,
        node: shellread.Node,
        number: int,
        where: str,
        scope: ShellVars | None = None,
        inside: _Call | None = None,
    ) -> list[Cmd] | None:
        """``ip netns add a || exit 1``, ``ip netns add a || exec sudo "$0" "$@"``: the
        change a step, the rest the author's check (hunt AC #7: all of it a check, not
        run). A step that may fail when the script would run again as root. In a function
        (``scope``, ``inside``): ``run() { "$@" || die "failed: $*"; }`` (hunt CX: each call
        was "a check of the author's; not run", the lab's commands lost)."""
        parts = [c for c in node.named_children if c.type != "comment"]
        said = [c.type for c in node.children if not c.is_named]
        if len(parts) != 2 or said != ["||"]:
            return None
        # ip netns add a && echo ok || { echo failed; exit 1; }: the change is the first
        # part; the rest says it worked (hunt DO: all of it "a check; not run", a step lost)
        parts[0] = _said_after(parts[0])
        call = self._call(parts[0], scope or self.vars) if parts[0].type == "command" else None
        if (
            call is not None
            and call.program in self.functions
            and call.inside is None
            and not call.sudo
            and self._checks_and_stops(node, check_only=False)
        ):  # setup_net || exit 1: the function's commands, each a step that stops the run
            # when it fails (hunt EO: the whole function was "a check of the author's; not
            # run", the lab's steps lost)
            return self._function(call, scope or self.vars, number, inside) or None
        raw = not self._makes(parts[0], scope)
        if raw and not self._runs_inside(parts[0], scope):
            return None
        again = _reruns_as_root(parts[1])
        if not again and not self._checks_and_stops(node, check_only=False):
            return None
        cmds = None if raw else self._sequence(parts[0], number, where, scope, inside)
        if cmds is None:  # ip netns exec rA /bin/bash -c .zrA || exit 1, sysctl -w ... ||
            # exit 1: the program, a raw step
            text, unresolved = (scope or self.vars).expand(
                shellread.one_line(shellread.source(parts[0]))
            )
            self._unresolved(unresolved, scope or self.vars, where)
            cmds = self._commands([text], inside, number, where)
            return [replace(c, may_fail=True) for c in cmds] if again else cmds
        return [replace(c, may_fail=True) for c in cmds or ()] if again else cmds

    def _or_leaves(
        self,
        node: shellread.Node,
        scope: ShellVars,
        number: int,
        where: str,
        inside: _Call | None,
    ) -> list[Cmd] | None:
        """``ip netns add $n || break`` (or ``|| continue``) in a loop iplab unrolls: the
        author's "stop at the first failure". The change is a step, as ``|| exit 1`` makes
        it (hunt CO: one raw step each time round, which the model could not follow:
        ``namespace ns01 does not exist``, and ``--prefix`` refused the page); a failure
        stops the run there, said once at import. None: not such a line."""
        parts = [c for c in node.named_children if c.type != "comment"]
        said = [c.type for c in node.children if not c.is_named]
        if node.type != "list" or len(parts) != 2 or said != ["||"]:
            return None
        jump = _jump_word(parts[1])
        if jump is None:
            return None
        cmds = self._sequence(parts[0], number, where, scope, inside)
        if not cmds or any(is_observation(c.parsed.op) for c in cmds):
            return None
        text = shellread.one_line(shellread.source(node))
        bash = "leave the loop" if jump == "break" else "skip the rest of this turn"
        warning = (
            f"{where}: {text!r}: if the change fails, the run stops there and undoes what"
            f" it did (bash would {bash} and go on)"
        )
        if warning not in self.warnings:
            self.warnings.append(warning)
        return cmds

    def _runs_inside(self, node: shellread.Node, scope: ShellVars | None = None) -> bool:
        """``ip netns exec NS PROGRAM ...`` where PROGRAM does more than read (a daemon's
        start-up, a script of the lab's): the lab's work, not a check of the author's (hunt
        CX: ``ip netns exec rA /bin/bash -c .zrA || exit 1`` was "a check; not run")."""
        text = (scope or self.vars).expand(shellread.one_line(shellread.source(node)))[0]
        words = split_sudo(text)[1].split()
        return (
            words[:3] == ["ip", "netns", "exec"]
            and len(words) > 4
            and not reads_only(" ".join(words))
        )

    def _makes(self, node: shellread.Node, scope: ShellVars | None = None) -> bool:
        """An ip command (or more) iplab reads that changes something: not a check.
        ``scope``: the variables it is read with (default: the input's)."""
        text = (scope or self.vars).expand(shellread.one_line(shellread.source(node)))[0]
        try:
            op = classify(QUIETING.sub("", text).strip()).op
        except LineError:
            return False
        if isinstance(op, Raw):  # sysctl -w ... || exit 1, iptables -A ... || exit 1: a lab
            # tool's change, kept raw (hunt EO: "a check of the author's; not run")
            words = split_sudo(op.command)[1].split()
            return (
                words[:1] != []
                and program_name(words[0]) in _LAB_TOOLS
                and not reads_only(op.command)
            )
        return _silent(op)

    def block(self, lines: Sequence[tuple[int, str]], shell_lang: bool) -> None:
        """One block of code: a whole script (``shell_lang``), or a fenced block of a page."""
        lines = [(number, _TYPESET_PROMPT.sub(r"\1 ", text)) for number, text in lines]
        if self.markdown:  # (no script's line starts with '\$ ': a command named '$')
            lines = [(number, _ESCAPED_PROMPT.sub(r"\1$", text)) for number, text in lines]
        filled = [text for _, text in lines if text.strip()]
        self._shebang = bool(filled) and filled[0].startswith("#!")
        lines = self._unnumbered(lines) if self.markdown else lines
        lines = self._angle_prompts(lines) if self.markdown else lines
        lines = self._glued_dollars(lines) if self.markdown else lines
        prompted = self._prompted(lines)
        if not prompted and (shut := [(n, t) for n, t in lines if self._unopened(t)]):
            self.warnings += [_unopened_said(n, t) for n, t in shut]  # (a container's session
            self.fence("", lines, lines[0][0] - 1)  # shown: its lines typed in no shell here)
            return
        if (
            self.markdown
            and not prompted
            and not shell_lang
            and not any(self.looks_like_command(text.strip()) for _, text in lines)
        ):
            self.fence("", lines, lines[0][0] - 1 if lines else 0)
            return
        state = "start"  # "silent" after a command that prints nothing, else "speaking"
        configuring = False  # (a router's configuration line read in the block: hunt EX)
        # a block whose prompts are all ``# `` (a root shell, Red Hat's style): ``# teamd
        # -o ...`` is typed at it too, whatever the program
        root_block = prompted and not any(_PROMPT.match(t.lstrip(" ")) for _, t in lines)
        # a block whose $ prompt makes the lab's links with no sudo (``$ ip link add ...``):
        # the author is root there, so a ``# `` line is no root prompt but a comment (hunt AS:
        # ``# set IP addresses`` was the command set, run as a step); a root shell opened in
        # the block (``$ sudo -i``) makes its ``# `` lines commands again
        dollar_root = prompted and not root_block and self._root_at_dollar(lines)
        bare: set[str] = set()  # commands typed without a prompt before the session's first
        typed = dropping = False  # (a prompt typed at; a run of a line typed already shown)
        start, showing = len(self.events), None  # (the command a ``# Output:`` is under)
        i = 0
        while i < len(lines):
            number, text = lines[i]
            i += 1
            text = self._unremarked(text, number)
            if _PROMPT_HEAD.match(text) and i < len(lines) and _KALI_LINE.match(lines[i][1]):
                continue  # (the prompt's first line; the command is on the next)
            if showing is not None and _commented(text):
                showing.output.append(_uncommented(text))
                continue
            showing = None if prompted else self._output_said(text, start)
            if showing is not None:
                if on_it := _uncommented(text).split(":", 1)[1].strip():
                    showing.output.append(on_it)  # (# Output: ns1)
                continue
            if prompted and self._unopened(text):
                self.warnings.append(_unopened_said(number, text))
                self.comment(text.strip(), number)
                # (what it printed goes with it, shown: hunt EG, each line of it was said
                # "neither a command nor the output of one")
                typed, dropping = True, True
                continue
            body = self._command_text(text, prompted)
            self.prompt = prompt_of(text, root_hash=True) if prompted else None
            if prompted and self.prompt is not None and body:
                typed, dropping = True, False
                if self._typed_above(body, bare, number):
                    dropping = True
                    continue
            elif prompted and body is None and dropping:
                continue  # (what that run printed)
            elif (
                prompted
                and body is None
                and not typed
                and self.markdown
                and _configures_a_router(text, configuring)
            ):
                body = text.strip()  # (a router's, before the prompt: said below, not run)
            elif prompted and body is None and not typed and self._bare_command(text):
                body = text.strip()  # (sudo ip netns add $NS1 above host1$ ip netns show:
                bare.add(" ".join(body.split()))  # nothing ran yet to print it)
                self.warnings.append(
                    f"line {number}: {body!r} has no prompt, before the block's first one:"
                    " read as a command typed (nothing ran before it to print it)"
                )
            if prompted and text.lstrip(" ").startswith("# ") and not _PROMPT.match(text):
                body, said = self._root_hash(text, number, body, root_block, dollar_root)
                self.prompt = "# " if body is not None else None
                if said:
                    continue
            if prompted and body and (glued := printed_after(body, self.glues_output)):
                self.warnings.append(printed_after_said(number, *glued))
                body = glued[0]  # (a pasted session's ``# ifconfig vxlan1 vxlan1: flags=...``)
            if body is None and prompted and state != "speaking" and _commented(text):
                # a comment between commands that print nothing (CSDN's ``# 配置 IP 并启动``
                # in a ``[root@localhost ~]#`` block): the author's, not their output
                self.comment(text.strip(), number)
                continue
            if (
                prompted
                and body
                and "!!" in body
                and i < len(lines)
                and lines[i][1].strip()
                and prompt_of(lines[i][1], root_hash=True) is None
            ):  # sudo !!: bash echoes the line it made of it, and ran that
                self.warnings.append(
                    f"line {number}: {body!r} read as bash ran it: {lines[i][1].strip()!r}"
                )
                body, i = lines[i][1].strip(), i + 1
            if body is None and prompted and state == "silent" and self._chat(lines, i, text):
                # after a command that prints nothing, the author's words, not its output
                # (hunt X: "Oh wait, sorry, it actually works..." was netns del's output)
                # ignored, as the words before the session's first command are
                self.warnings.append(
                    f"line {number}: {text.strip()!r} is the author's words, not the output"
                    " of the command before (it prints nothing); ignored"
                )
                self._chatting = number
            elif body is None:
                self.output(text, number)
            elif not body:  # a blank line, or an empty prompt
                if not prompted and state == "speaking":
                    self.output(text, number)
                self._bare_prompt()
            elif (
                prompted
                and body.endswith(("^C", "^D"))
                and self.prompt is not None
                and not (self.sessions and _EOF_KEY.fullmatch(body))  # (^D leaves a shell)
            ):
                # a line the author left with Ctrl-C at the prompt (never ran), or ^D
                self.warnings.append(f"line {number}: {body!r} left at the prompt: not run")
            elif (slot := command_slot(body)) is not None:
                self.warnings.append(
                    f"line {number}: {body!r} is a command's form, not a command ({slot} is"
                    " left to the reader): shown, not a step"
                )
                self.note("skipped", body, number, number)
            elif self.markdown and _ELIDED.fullmatch(body):
                # (hunt EX, Entware#3: ``CONFIG_NAMESPACES=y``, ``...``, ``CONFIG_NET_NS=y``:
                # the dots were a raw step iplab cannot undo)
                self.warnings.append(
                    f"line {number}: {body!r} marks lines the page leaves out: not a command"
                )
                self.note("skipped", body, number, number)
            elif self.markdown and _configures_a_router(body, configuring):
                # (hunt EX, vyos-1x#2007: ``set interfaces virtual-ethernet veth10 peer-name
                # 'veth100'``, then ``commit``: raw steps iplab cannot undo, bash's own set
                # of the positional parameters and a program this host does not have)
                configuring = True
                self.warnings.append(
                    f"line {number}: {body!r} is a router's configuration command (VyOS, Junos,"
                    " EdgeOS: typed in its own shell, not bash): shown, not run"
                )
                self.note("skipped", body, number, number)
            elif state == "usage" and _usage_text(text):
                self.output(text, number)  # (ip netns help's "\tip netns add NAME": no step)
            elif body.startswith("#"):
                if body.startswith("#!"):
                    continue
                if _BROKEN_SHEBANG.fullmatch(body) and not any(
                    t.strip() for _, t in lines[: i - 1]
                ):
                    self.warnings.append(
                        f"line {number}: {body!r} is a script's first line without its '!'"
                        " (#!/bin/bash): not the title of the steps after it"
                    )
                    continue
                self.comment(body, number)
            elif not prompted and self.markdown and state != "speaking" and _LABEL.fullmatch(body):
                self.warnings.append(
                    f"line {number}: {body!r} names where the lines after it are typed (the"
                    " page's label), not a command; ignored: they are read as typed here"
                )  # (hunt P: a tab under it made a Makefile of the block, every command lost)
            elif not prompted and makeout.make_says(body):
                continue  # (make -n's "make[1]: Entering directory '/lab/topo'": make's own)
            elif not prompted and makeout.sub_make(
                body, (lines[j][1] for j in range(i, len(lines)))
            ):
                self.warnings.append(
                    f"line {number}: {body!r} is a sub-make: make -n printed the commands it"
                    " runs after it, which are read; the line itself is not a step (run, it"
                    " would run them too)"
                )
            elif not prompted and not self._is_command(body, state, shell_lang):
                self.output(text, number)
                state = "speaking"
            else:
                written = [body]  # the lines as the page prints them (its prompts aside)
                raw = number, text
                while continues(body) and i < len(lines):
                    self._spaced_backslash(*raw)
                    raw = lines[i]
                    following = lines[i][1]
                    # bash's PS2 prompt before each continued line (after a \\ or in an open
                    # quote), also in a page that took the PS1 prompts off ("> peer name b"
                    # run as a redirection left a file named peer); in an indented listing
                    # (a slide's, a PDF's), under its prompt, as far in as the prompt is
                    if (prompted or self._ps2_kept()) and following.startswith("> "):
                        following = following[2:]
                    elif prompted and _under_prompt(text, following):
                        following = following.lstrip(" ")[2:]
                    written.append(following)
                    body = join_continuation(body, following)
                    i += 1
                body = self._typed_as_ascii(body, number)
                kept = len(self.events)
                i, state = self.command(strip_comment(body), number, lines, i, prompted)
                self._trailing_comment(body, kept, number)
                if self._or_line and self._or_line == number - 1:
                    self._alternative(kept, number, i, lines)
                    continue
                if not prompted and self.markdown and _asks_for_help(body):
                    state = "usage"  # what it prints looks like the commands it describes
                if len(written) > 1 and self.keep_variables:  # (expanded: one line, as 0.1)
                    cut = len(body) - len(strip_comment(body))  # (its comment: not printed)
                    written[-1] = written[-1][: len(written[-1]) - cut].rstrip()
                    self._as_written(kept, "\n".join(written), number + len(written) - 1)

    def _alternative(
        self, kept: int, number: int, i: int, lines: Sequence[tuple[int, str]]
    ) -> None:
        """The command just read came after a page's ``# or`` (``# alternatively:``) below
        another: a second way to do what that one did (``ip link set veth0 up``, ``# or``,
        ``ifconfig veth0 up``). A reader runs one: the first; the other is kept as a note
        and said (hunt BD #2: both ran, the second address add failed the run)."""
        made = self.events[kept:]
        if not any(isinstance(e, Cmd | Block) for e in made):
            return
        if all(reads_only(split_sudo(e.text)[1]) for e in made if isinstance(e, Cmd | Block)):
            # (a command that only shows, or probes: ``# or the other way round`` then the
            # ping back; running both changes nothing twice, and the page's check runs)
            self._or_line, self._or_said = 0, ""
            return
        del self.events[kept:]
        said, line = self._or_said, self._or_line
        last = self.events[-1] if self.events else None
        if isinstance(last, Note) and last.kind == "comment" and last.end == line:
            self.events.pop()  # (the # or itself: no prose of the next step's)
        end = lines[i - 1][0] if 0 < i <= len(lines) else number
        text = "\n".join(t for n, t in lines if number <= n <= end).strip()
        self.warnings.append(
            f"line {number}: {' '.join(text.split())!r} follows {said!r} (line {line}): another"
            " way to do what the command before it did; not run, as a reader runs one of"
            " them (write it into the scenario to run it instead)"
        )
        self.note("skipped", text, number, end)
        self._or_line, self._or_said = 0, ""

    def _angle_prompts(self, lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
        """A block typed at a ``> `` prompt (``> sudo ip netns add earth``, then what the
        commands printed): its first line at it, and no other prompt in the block (then
        ``> `` is bash's second prompt, a line continued). Its ``> `` lines as typed at
        ``$`` (hunt AS: the page had no command)."""
        filled = [t for _, t in lines if t.strip()]
        if not filled or not filled[0].startswith("> ") or any(_PROMPT.match(t) for t in filled):
            return list(lines)
        if not self.looks_like_command(filled[0][2:].strip()):
            return list(lines)
        return [(n, "$ " + t[2:] if t.startswith("> ") else t) for n, t in lines]

    def _glued_dollars(self, lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
        """A block whose ``$`` prompts are glued to the commands (``$sudo ip rule add ...``,
        ``$ip rule list`` then what it printed): its lines as typed at ``$ `` (hunt BJ #3:
        "no command found"). Only when every line that begins with ``$`` is one, a program
        after it that no line of the page sets as a variable (``$ip link set ...`` after
        ``ip="sudo ip"`` is the variable's), the block's other ``$`` lines at a ``$ ``
        prompt."""
        glued = [m for _, t in lines if t.startswith("$") and (m := _GLUED_DOLLAR.match(t))]
        others = [t for _, t in lines if t.startswith("$") and not _GLUED_DOLLAR.match(t)]
        if not glued or not all(_PROMPT.match(t) for t in others):
            return list(lines)  # (a $VAR line, ${X}...: the shell's)
        for match in glued:
            word = match[1]
            sets = re.compile(rf"\s*(?:export\s+|local\s+|declare\s+)?{re.escape(word)}=")
            if (
                word not in KNOWN_PROGRAMS
                or self.vars.knows(word)
                or any(sets.match(t) for _, t in lines)
            ):
                return list(lines)
        return [(n, "$ " + t[1:] if _GLUED_DOLLAR.match(t) else t) for n, t in lines]

    def _root_at_dollar(self, lines: Sequence[tuple[int, str]]) -> bool:
        """The block's ``$`` prompts type changes without sudo, and none opens a shell (a
        root shell, ``sudo -i``; one in a namespace, ``ip netns exec foo bash``, whose
        prompt the page prints ``# ``: hunt AV, ``$ sudo ip netns exec foo bash`` then ``#
        ip addr show`` lost both lines with no word)."""
        changes = False
        for _, text in lines:
            said = prompt_of(text)
            if said is None or not said.rstrip().endswith("$"):
                continue
            body = text.lstrip(" ")[len(said) :].strip()
            if _ROOT_SHELL.fullmatch(body) or _opens_shell_text(body):
                return False
            if body.split()[:1] == ["sudo"]:
                continue  # (a change made with sudo: the author is no root at this $)
            if first_program(body) == "ip" and not changes:
                changes = self._makes_text(body)
        return changes

    @staticmethod
    def _makes_text(body: str) -> bool:
        """A line iplab reads that changes something (:meth:`_makes`, of a line's text)."""
        try:
            return _silent(classify(QUIETING.sub("", body).strip()).op)
        except LineError:
            return False

    def _bare_command(self, text: str) -> bool:
        """A line without a prompt in a block of prompts that is a command the author typed,
        when no command of the block ran before it to print it (hunt AS: a page listing its
        commands, then the session that ran them; they were ignored, and the lab refused)."""
        body = text.strip()
        if not body or body.startswith("#") or text[:1].isspace() or is_sentence(body):
            return False
        return self.looks_like_command(body) and not _printed_by_iproute(body)

    def _typed_above(self, body: str, bare: set[str], number: int) -> bool:
        """A prompted line that shows the run of a change the block typed above without a
        prompt (``ip link add br type bridge``, then ``root@h:~# ip link add br type
        bridge``): the same command, run once; True when it is skipped so."""
        if " ".join(body.split()) not in bare:
            return False
        changes = self._makes_text(body)
        if changes:
            self.warnings.append(
                f"line {number}: {body!r} shows the run of the same line typed above: run once"
            )
        return changes

    def _root_hash(
        self, text: str, number: int, body: str | None, root_block: bool, dollar_root: bool
    ) -> tuple[str | None, bool]:
        """``# REST`` in a block of prompts: the command typed at a root prompt (or None: a
        comment, or a printed line), and whether the line was said as a comment here. In a
        block of ``# `` prompts alone any program counts (:func:`roothash.verdict`);
        elsewhere only one iplab knows (a ``$`` block's ``# create a bridge``: a comment),
        and none where the ``$`` prompt is root's already (``dollar_root``)."""
        # (a shell the page opened, ``ip netns exec ns bash``, whose prompt is ``# ``: any
        # program counts there, as in a block of root prompts; hunt BD #3, its ``# apt-get
        # install -y iperf3`` was read as printed output and lost)
        rest = text.lstrip(" ")[2:].strip()
        called = rest.split()[0] if rest.split() else ""
        defines = _FUNCTION_START.match(rest) is not None and (
            root_block or bool(self.sessions) or shellread.complete(rest)
        )  # (in a $ block, a whole one: ``# up() { ...; }``, not a commented-out ``# f() {``)
        if defines or called in self.functions or called in self.aliases:
            # ``# up() {`` (its body on PS2's ``> `` lines), then ``# up lo``: a function the
            # page defines at root's prompt, and its calls; a comment defines none (hunt EA)
            return rest, False
        if not (root_block or self.sessions) and (body is None or dollar_root):
            return None, False
        if self.sessions and _EOF_KEY.fullmatch(rest):
            return rest, False  # ``# ^D``: the shell open is left (hunt EA)
        said = roothash.verdict(rest, body is not None)
        if said == "command":
            return rest, False
        if said == "comment":
            return None, False  # (a comment; after a command that prints, what it printed)
        self.warnings.append(
            f"line {number}: {text.strip()!r} may be a command typed at the root prompt or the"
            " author's comment; read as a comment, not run (if it is a command, write it"
            " with a $ prompt and sudo)"
        )
        self.comment(text.strip(), number)
        return None, True

    def in_a_shell_at(self, prompt: str | None) -> bool:
        """A shell is open that a line typed at ``prompt`` is typed in: the last one opened,
        or one left earlier whose prompt this is (``vagrant@server1:~$ ^D`` after the
        page's ssh to client2 came back: hunt EI)."""
        return bool(self.sessions) or self._parked_at(prompt) is not None

    def _parked_at(self, prompt: str | None) -> tuple[str, str] | None:
        """The shell left at ``prompt``: the one left in the terminal the page types in now
        (hunt AL: ``Back in terminal 1:``, where two shells had the prompt ``root@lab:~#``,
        typed terminal 1's lines in terminal 2's namespace), else the last one left."""
        if prompt is None:
            return None
        if (self.terminal, prompt) in self.parked:
            return self.terminal, prompt
        return next((k for k in reversed(self.parked) if k[1] == prompt), None)

    def _unopened(self, text: str) -> bool:
        """A line at a container's busybox prompt (``/ # hostname``) when no command opened a
        shell there: the page shows what a container prints (hunt R: run on the host, it
        was the host's hostname and addresses)."""
        said = prompt_of(text)
        if said is None or not _CONTAINER_PROMPT.fullmatch(said):
            return False
        return not self.sessions and all(said != prompt for _, prompt in self.parked)

    def _bare_prompt(self) -> None:
        """A prompt with nothing typed after it (``root@63f36fc01b5f:/#`` under ``docker
        run -it ... bash``) is the shell just opened: its prompt is the inner one, so a line
        at the opening line's prompt is back where it was opened (hunt Q: the first ``$``
        line after it set the inner prompt, and the rest of the page was in the container)."""
        session = self.sessions[-1] if self.sessions else None
        if session is not None and session.inner is None and self.prompt != session.prompt:
            session.inner = self.prompt

    def another_terminal(self) -> None:
        """The page opens another terminal (``At another shell:`` before a code block): the
        shells open so far stay in the first one, their prompts may come back to it. A
        command the author stops, typed last in the first one (``ping 10.11.12.2``), goes on
        there while the lines after run: in the background (hunt BQ: stopped after 3 s, the
        capture typed next in "another terminal/console" saw none of its ARP requests)."""
        self._left_running()
        while self.sessions:
            left = self.sessions.pop()
            if left.inner is not None:
                self.parked[self.terminal, left.inner] = left

    def _left_running(self) -> None:
        """The last command, one its author stops with Ctrl-C, runs on beside the lines
        typed in another terminal after it (see :meth:`another_terminal`)."""
        last = self.events[-1] if self.events else None
        if isinstance(last, Cmd) and not last.background and author_stops(last.text):
            last.background = True

    def _chat(self, lines: Sequence[tuple[int, str]], i: int, text: str) -> bool:
        """``lines[i - 1]``, a line without a prompt after a command that prints nothing, is
        the author's words: a sentence after a blank line (or after such words: the line
        ``_chatting``), not the words a failing command prints (``Cannot find device``)."""
        if not is_sentence(text.strip()) or failure_shown(text.strip()):
            return False
        return i >= 2 and (not lines[i - 2][1].strip() or self._chatting == lines[i - 2][0])

    def _spaced_backslash(self, number: int, text: str) -> None:
        """Said when a line joined to the next ends with ``\\`` and spaces: bash reads ``\\ ``
        as an escaped space and ends the command there; the page means a continuation
        (hunt C: copied so from a blog and a terminal, joined without a word)."""
        bare = text.rstrip(" \t")
        if bare != text and continues(bare):
            self.warnings.append(
                f"line {number}: spaces after the '\\' that ends the line: joined with the"
                " next line as the page means it (bash would read '\\ ' as an escaped space"
                " and end the command there)"
            )

    def commented(self, body: str, number: int) -> None:
        """A command a paragraph's line holds, with or without a trailing ``# comment``
        (``ip netns add a1  # the client``): run without it, its words saying the step.
        Right under a ``# or`` the prose offered (:meth:`or_offered`): another way to do
        what the command above it did, as in a code block."""
        kept = len(self.events)
        self.command(strip_comment(body), number, [], 0)
        self._trailing_comment(body, kept, number)
        if self._or_line and self._or_line == number - 1:
            self._alternative(kept, number, 1, [(number, body)])

    def or_offered(self, body: str, line: int) -> bool:
        """A page with no code blocks: its ``# or`` line (``# alternatively:``) right under a
        command read from the prose offers the next as another way to do the same (hunt
        DX, laitimes: ``$ brctl addbr br0``, ``# or``, ``$ ip link add name br0 type
        bridge``; both ran and the model refused the lab). True when it is one."""
        text = _DECORATION.sub("", body.lstrip("#").strip())
        said = _ALTERNATIVE.fullmatch(text)
        last = self.events[-1] if self.events else None
        if said is None or not isinstance(last, Cmd | Block):
            return False
        rest = text[said.end(1) :].strip(" ,:.")
        if rest and self.looks_like_command(rest):
            return False
        self._or_line, self._or_said = line, body.strip()
        return True

    def _trailing_comment(self, body: str, kept: int, line: int) -> None:
        """The author's ``# words`` after a command (``ip link set lo up  # loopback``):
        words its step is said with (its title when nothing above it gives one; see
        :func:`iplab.importer.assembly.title_and_prose`). A comment after a line that made
        no step (``NS=red  # the lab``) says nothing of the next one."""
        said = body[len(strip_comment(body)) :].strip()
        text = _DECORATION.sub("", said.lstrip("#").strip())
        made = self.events[kept:]
        if text and made and isinstance(made[-1], Cmd | Block):
            self.events.insert(kept, Note("trailing", text, line, line))

    def _as_written(self, kept: int, text: str, end: int) -> None:
        """A command the page wrote over several lines (``ip link add a type veth \\`` then
        ``peer name b``): printed as those lines, run as the one command they make (the
        events read for it since ``kept``: one command, or a block of its own)."""
        made = self.events[kept:]
        if made[:1] and isinstance(made[0], Note) and made[0].kind == "trailing":
            kept, made = kept + 1, made[1:]  # (its comment, said with it: hunt AK #5)
        if len(made) != 1:
            return
        event = made[0]
        if isinstance(event, Cmd):
            self.events[kept] = Block(text, event.line, end, [event], output=event.output)
            event.output = []
        elif isinstance(event, Block) and "\n" not in event.text:
            event.text, event.end = text, end

    def _unnumbered(self, lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
        """A block copied with the line numbers a page showed beside it (``1  sudo ip
        netns add a``, ``2  sudo ...``: every line numbered, counting up by one): the
        numbers taken off, and said. A page's header or footer inside it (a PDF's page
        break: ``Linux Networking Cookbook      87``) is no line of it, said and not read."""
        filled = [(n, t) for n, t in lines if t.strip()]
        if pages := _page_furniture(filled):
            for n, text in filled:
                if n in pages:
                    said = " ".join(text.split())
                    self.warnings.append(
                        f"line {n}: {said!r} inside a listing numbered around it: the page's"
                        " header or footer (a PDF's page break), not read"
                    )
            lines = [(n, "" if n in pages else t) for n, t in lines]
            filled = [(n, t) for n, t in filled if n not in pages]
        found = [_line_number(t) for _, t in filled]
        if len(filled) < 2 or not all(found):
            return list(lines)
        tight = any(not _NUMBERED.match(t) for _, t in filled)
        # (one space after a number: in a listing's column only, its lines starting in one
        # column, or its numbers all of one width, ``01 $ ip`` ... ``14``: hunt AS)
        starts = {m.end() for m, (_, t) in zip(found, filled, strict=True) if m and t[m.end() :]}
        if tight and len(starts) > 1 and len({len(m[1]) for m in found if m}) > 1:
            return list(lines)
        counted = [int(m[1]) for m in found if m]
        if all(_CAPTURED_FRAME.match(_number_off(t)) for _, t in filled):
            return list(lines)  # (tshark's frames: its own numbers, output)
        timed = all(_HISTORY_TIME.match(_number_off(t)) for _, t in filled)

        def bare(text: str) -> str:  # (history's time too, with HISTTIMEFORMAT="%F %T ")
            text = _number_off(text)
            return _HISTORY_TIME.sub("", text, count=1) if timed else text

        listed = counted == list(range(counted[0], counted[0] + len(counted)))
        # else history's listing (history | grep ip: numbers that count up with gaps),
        # each line a command
        rising = all(a < b for a, b in itertools.pairwise(counted))
        programs = [first_program(bare(t)) for _, t in filled]
        if not listed and not (
            rising and all(p in KNOWN_PROGRAMS or p == "history" for p in programs)
        ):
            return list(lines)
        if not listed:  # (history's own line, which printed the listing: not a step)
            lines = [(n, "" if first_program(bare(t)) == "history" else t) for n, t in lines]
        said = (
            "the page's line numbers, copied with the code,"
            if listed and not timed
            else ("the shell's history: its numbers" + (" and times" if timed else ""))
        )
        self.warnings.append(f"lines {filled[0][0]}-{filled[-1][0]}: {said} taken off")
        return [(n, bare(t) if t.strip() else t) for n, t in lines]

    def _typed_as_ascii(self, body: str, number: int) -> str:
        """A command copied from a typeset page, with the characters the page set in place of
        the author's (a dash for ``-``, curly quotes, a no-break space) typed back. A
        trailing ``# comment`` is the author's prose, kept as written and not said (hunt C:
        ``# it fails \u2014 another VLAN`` was reported as a dash the command would refuse)."""
        rest = body[len(strip_comment(body)) :]
        comment = rest.lstrip()
        text, changes = ascii_command(body[: len(body) - len(comment)])
        if changes:
            self.warnings.append(
                f"line {number}: {', '.join(changes)}: typeset characters where a command"
                f" has ASCII ones; read as {text + comment!r}"
            )
        if left := sorted({c for c in text if c in _DASHES}):
            inside = re.search(rf"\S[{_DASHES}]|[{_DASHES}]\S", text) is not None
            said = (
                "typeset dash inside a word; kept as written (the command reads that"
                " character, not '-')"
                if inside
                else "typeset dash that stands for no word; kept (the command will refuse it)"
            )
            self.warnings.append(
                f"line {number}: {', '.join(f'{c!r} (U+{ord(c):04X})' for c in left)}: a {said}"
            )
        return text + comment

    def _prompted(self, lines: Sequence[tuple[int, str]]) -> bool:
        """Lines with prompts: then only they are commands, the rest is what they printed."""
        if not self.markdown:
            return False
        lines = [(n, text) for n, text in lines if not self._unopened(text)]
        if any(_PROMPT.match(text.lstrip(" ")) for _, text in lines):
            return True
        roots = any(strip_prompt(text, root_hash=True) for _, text in lines)
        bare = any(
            self.looks_like_command(text.strip())
            for _, text in lines
            if not text.lstrip().startswith("#")
        )
        if roots and not bare:
            return True
        # a block that opens with ``# ip ...`` (the rest a command iplab types) is typed at a
        # root prompt, whatever its printed lines look like (``bridge name  bridge id`` under
        # ``# brctl show``); unless a line without the ``#`` is one iplab types too: then
        # the first is a command the author commented out (``# ip netns del blue``)
        # (a pasted session's title and sentences above its first command are neither: hunt
        # ET, ``Verify iproute2`` then ``# ip -V``, whose ``# ip rule add ...`` were all lost;
        # and its first command may be one iplab keeps as written, ``# ip -V``)
        first = next(
            (
                text.strip()
                for _, text in lines
                if text.strip()
                and (text.lstrip().startswith("#") or self.looks_like_command(text.strip()))
            ),
            "",
        )
        rest = strip_prompt(first, root_hash=True)
        if rest is None or not first.startswith("# ") or not self.looks_like_command(rest):
            return False
        # (or what a command printed, as ``# cat setup.sh`` shows a script: so when the
        # root prompts outnumber them, the block is a root shell's)
        unprompted = (t.strip() for _, t in lines if t.strip() and not t.lstrip().startswith("#"))
        typed = sum(1 for text in unprompted if _types(text))
        prompts = sum(1 for _, t in lines if strip_prompt(t.strip(), root_hash=True) is not None)
        return typed == 0 or prompts > 2 * typed

    def _unremarked(self, text: str, number: int) -> str:
        """The line without a ``// remark`` after its command (hunt DC: ``# ip netns exec
        net1 bash    // 在 net1 中打开一个shell终端`` ran ``bash //`` and failed, and the lines
        typed in that shell were read as the host's)."""
        line = text.strip()
        said = prompt_of(text, root_hash=True)
        if said is not None:
            line = text.lstrip(" ")[len(said) :].strip()
        elif line.startswith("# "):
            line = line[2:].strip()  # (a root prompt, or a comment: the same either way)
        if (off := remarks.without_remark(line)) is None:
            return text
        self.warnings.append(
            f"line {number}: {off[1]!r} after {off[0]!r} is the author's remark, not words"
            " of the command (bash would hand them to it, and it would fail): left out"
        )
        return text.rstrip()[: -len(off[1])].rstrip()

    def _command_text(self, text: str, prompted: bool) -> str | None:
        """The command on a line ("" for a blank line), or None: a printed line."""
        if prompted:
            if not text.strip():
                return None
            return strip_prompt(text, root_hash=True)
        return text.strip()

    def _is_command(self, body: str, state: str, shell_lang: bool) -> bool:
        if not self.markdown or body.startswith("#"):
            return True
        # judged as typed: a dash a page set (ip \u2013n, ip \u2014all) is an option's, and
        # the line no command's output (hunt C); the command itself says what was typed back
        body = ascii_command(body)[0]
        if state == "speaking" and _printed_by_iproute(body):
            return False  # ip -V: "ip utility, iproute2-6.1.0"; brctl show: "bridge name ..."
        if is_sentence(body):
            return False  # prose in a block (a man page's "Connect them with a veth pair:")
        if self.looks_like_command(body):
            return True
        # an unknown program: a command where nothing is printed, else printed output
        return state == "silent" or (state == "start" and shell_lang)

    def command(
        self,
        body: str,
        number: int,
        lines: Sequence[tuple[int, str]],
        i: int,
        prompted: bool = False,
    ) -> tuple[int, str]:
        """Read one command (a line, or the lines of a loop, a here-document, a quoted script);
        returns the index of the next line and the block's state."""
        if not body:
            return i, "silent"
        if not self.markdown and is_label(body) and not self.looks_like_command(body):
            # back on the host:, enter it for real (own shell): notes, never a command
            # (hunt W: a raw step, "this host does not have back")
            self.note("comment", body, number)
            return i, "speaking"
        self._before = self.vars.copy()  # (what a block's text uses, as it was before it)
        text, i = self._whole(body, lines, i, prompted)
        end = number + text.count("\n")
        if self.ended is not None:  # (bash never reads it: the script ended above)
            if self.ended not in self.warnings:  # (said once, when a command follows it)
                self.warnings.append(self.ended)
            self.note("skipped", text, number, end)
            return i, "speaking"
        while self.sessions and self.sessions[-1].back(self.prompt):
            left = self.sessions.pop()  # the author is back at the prompt that opened the shell
            if left.away and left.inner is not None:
                # (a second terminal; its prompt may come back)
                self.parked[self.terminal, left.inner] = left
        if not self.sessions and (parked := self._parked_at(self.prompt)) is not None:
            # "back in terminal 1": a line at the prompt of a shell iplab cannot enter
            self.sessions.append(self.parked.pop(parked))
        if self.sessions and self.sessions[-1].away:
            self._moved_elsewhere(number)
        if self.sessions:
            return i, self._in_session(text, number)
        if (word := text.split(maxsplit=1)[0]) in self.aliases:  # nsx a ip -br link
            expanded = self.aliases[word] + text[len(word) :]
            where = f"line {number}" if end == number else f"lines {number}-{end}"
            cmds = self._statements(
                shellread.statements(shellread.parse(expanded)), self.vars, number, None
            )
            return i, self._block(text, number, end, cmds, where, f"the alias {word}")
        root = shellread.parse(text)
        stmts = shellread.statements(root)
        self._asked_before = self._statement_before  # ($? in an if on this line: its status)
        self._statement_before = stmts[0] if len(stmts) == 1 else None
        if len(stmts) == 1 and not shellread.has_error(root) and not _backgrounded(stmts[0]):
            state = self._syntax(stmts[0], text, number, end)
            if state is not None:
                return i, state
            if "\n" in text and _group_over_lines(stmts[0]):
                return i, self._group(stmts[0], text, number, end)  # (: "label" && {)
            if (  # ip link add bridge0 type bridge; (a ; closes it): typed, as written
                "\n" not in text
                and text.rstrip().endswith(";")
                and not text.rstrip().endswith(";;")
                and (closed := self._sequence(stmts[0], number, f"line {number}"))
            ):
                return i, self._block(text, number, end, closed, f"line {number}", "")
            if (
                "\n" in text
                and stmts[0].type in _DECLARATIONS
                and self._set_over_lines(text, number)
            ):
                return i, "silent"
        elif (  # a; b: typed, one after the other (a & b: one raw step, as bash runs it)
            "\n" not in text
            and not shellread.has_error(root)
            and not any(map(_backgrounded, stmts))
        ):
            parts = _as_bash_goes_on(
                stmts, [self._sequence(s, number, f"line {number}") for s in stmts]
            )
            cmds = [c for part in parts for c in part or ()]
            if cmds and all(part is not None for part in parts):
                return i, self._block(text, number, end, cmds, f"line {number}", "")
        elif "\n" in text:
            return i, self._multi_line(text, number, end)
        if "\n" in text and len(stmts) == 1 and piped.loops_within(stmts[0]):
            # for ...; do\n...\ndone | tee log: skipped, said (hunt AC #5: its first line
            # alone was a raw step, a syntax error in bash, and no word why)
            return i, self._multi_line(text, number, end)
        if len(stmts) == 1 and (one := shellread.quoted_newlines(text)) is not None:
            # a quoted string over lines (echo -e "a, then b" > f at bash's PS2 prompt):
            # printed as written, run as the one line the shell read (hunt BD #1: its first
            # line alone could not be split, and the lines after it were lost)
            kept = len(self.events)
            state = self._simple(one, number)
            self._as_written(kept, text, end)
            return i, state
        return i, self._simple(body, number)

    def _ps2_kept(self) -> bool:
        """A line of the block may begin with bash's PS2 prompt though it shows no PS1: a
        page's block (its prompts taken off), but no script shown whole from its ``#!`` line
        (hunt BJ #1: ``echo -e "`` then ``> Route table"`` lost the script's ``> ``)."""
        return self.markdown and not self._shebang

    def _group(self, node: shellread.Node, text: str, number: int, end: int) -> str:
        """``: "start" && {``, its commands a line each, ``}`` (or ``{`` alone): the
        group's commands, read as a function's body is; printed as written. A group of
        narration and the shell's own settings only (``echo``, ``set -x``, ``trap handler
        ERR``) runs nothing (hunt DY: its first line alone was a raw step, the lines after
        it lost from render; a bare ``{`` group was skipped, "cannot be imported")."""
        where = f"lines {number}-{end}"
        self._grouped += 1
        try:
            cmds = self._flowing(lambda: self._statements([node], self.vars, number, None))
        finally:
            self._grouped -= 1
        if not cmds:
            cmds = self._commands(["true"], None, number, where)
        return self._block(text, number, end, cmds, where, "")

    def _multi_line(self, text: str, number: int, end: int) -> str:
        """A construct over lines iplab does not read: skipped, with a warning."""
        self.warnings.append(
            f"lines {number}-{end}: a multi-line shell construct"
            f" ({text.split(maxsplit=1)[0]} ...) cannot be imported; skipped"
            " (unroll it, or use a scenario 'loop')"
        )
        self.note("skipped", text, number, end)  # (no prose of the next step's)
        return "speaking"

    def _getopts(
        self,
        node: shellread.Node,
        name: str,
        scope: ShellVars,
        number: int,
        inside: _Call | None,
    ) -> list[Cmd] | None:
        """``while getopts "cdt" opt; do case "${opt}" in c) create_net ;; ... esac; done``
        with the script's arguments known (``iplab import SCRIPT --arg -c``): the loop as
        bash runs it, its body once for each option getopts finds, ``$opt`` and ``$OPTARG``
        set as getopts sets them (hunt DY: read as run without options, whatever was given,
        and the lab the option makes lost). None: the arguments are not known, or one is an
        option the spec lacks (bash's ``?``, which such a loop mostly stops on)."""
        given = scope.arguments()
        condition = next((c for c in node.named_children if c.type != "do_group"), None)
        body = node.child_by_field_name("body")
        if given is None or condition is None or body is None:
            return None
        spec = shellread.unquoted(shellread.words(condition)[1]) or ""
        read = _options_given(spec, given)
        if read is None:
            return None
        found, taken = read
        statements = [c for c in body.named_children if c.type != "comment"]
        out: list[Cmd] = []
        for option, value in found:
            scope.assign(f"{name}={shlex.quote(option)}", number)
            if value is None:
                scope.values.pop("OPTARG", None)
            else:
                scope.assign(f"OPTARG={shlex.quote(value)}", number)
            out += self._statements(statements, scope, number, inside)
        scope.assign(f"{name}='?'", number)  # what getopts leaves at the end
        scope.assign(f"OPTIND={taken + 1}", number)
        return out

    def _without_options(self, name: str, text: str, number: int, end: int, where: str) -> str:
        """``while getopts "n:p:" opt; do ... done``: the script run as ``bash script.sh``,
        with no options, as a run does: getopts finds none, the loop's body never runs and
        the defaults set before it stay (hunt AB #3: every variable the body sets was
        taken as unknown, and the lab's loops were skipped)."""
        self.vars.assign(f"{name}='?'", number)  # what getopts leaves at the end
        self.vars.assign("OPTIND=1", number)
        self.warnings.append(
            f"{where}: the options loop (getopts) is read as the script run without options:"
            " the values set before it stay; kept as a note, runs nothing"
        )
        self.note("fence", text, number, end)
        return "speaking"

    def _if_guard(
        self,
        node: shellread.Node,
        number: int,
        where: str,
        scope: ShellVars | None = None,
        inside: _Call | None = None,
    ) -> list[Cmd] | None:
        """``if ! ip netns list | grep -qw a; then ip netns add a; fi`` (or ``if CHECK; then
        ...``, no else): as ``CHECK || CMD`` is read, the change a step that may fail (hunt
        AB #5: the block was skipped, the model then missed the namespace it adds). CHECK
        may be a function of the script's that only asks (``exists_ns() { ip netns list |
        grep -qw x; }``, hunt AW: in a case's down branch the if was skipped, and the
        teardown with it). ``scope``, ``inside``: as :meth:`_sequence`'s."""
        scope = self.vars if scope is None else scope
        kinds = [c.type for c in node.children]
        if "elif_clause" in kinds or "else_clause" in kinds or "then" not in kinds:
            return None
        then = kinds.index("then")
        tests = [c for c in node.children[:then] if c.is_named]
        # (a comment in the body reads as no command: hunt DF, the whole if was skipped,
        # and with it the loop it was in, "a nested if is skipped")
        body = [c for c in node.children[then:] if c.is_named and c.type != "comment"]
        # (an ``echo "Deleting $NS"`` beside the change says what it does: hunt ED)
        body = [c for c in body if not all(p in _NARRATION for p in _programs(c))] or body
        said = _output_test(shellread.source(tests[0])) if len(tests) == 1 else ""
        found = shellread.statements(shellread.parse(said.removeprefix("!")))  # ! a | b
        asks = said.removeprefix("!").split()[:1] not in ([], ["true"], ["false"], [":"])
        check = found[0] if len(found) == 1 and asks and not _COMPARES.search(said) else None
        if check is None or not body or not self._asks(check, scope):
            return None
        cmds: list[Cmd] = []
        for child in body:
            read = self._sequence(child, self._line(number, child), where, scope, inside)
            if not read:
                return None
            cmds += [replace(c, may_fail=True) for c in read]
        return cmds

    def _if_absent(
        self,
        node: shellread.Node,
        number: int,
        where: str,
        scope: ShellVars | None = None,
        inside: _Call | None = None,
    ) -> list[Cmd] | None:
        """``if ip netns list | grep -q a; then echo "a exists"; else ip netns add a; ...;
        fi``, and the check on the line before it asked by ``if [ $? -eq 0 ]`` (orjail's
        torjail.sh, hunt CK: the block was skipped, "cannot evaluate", and the lab with it):
        one branch only says the thing is there, the other makes it; read as ``if ! CHECK;
        then BRANCH; fi`` is (:meth:`_if_guard`), its commands steps that may fail. In a
        function's body too (``ensure_ns() { if ns_exists; then log ...; else ip netns add
        "$NS"; fi; }``, hunt DY: "a nested if is skipped", the namespace lost); ``scope``,
        ``inside``: as :meth:`_sequence`'s."""
        scope = self.vars if scope is None else scope
        kinds = [c.type for c in node.children]
        if "elif_clause" in kinds or "else_clause" not in kinds or "then" not in kinds:
            return None
        then = kinds.index("then")
        tests = [c for c in node.children[:then] if c.is_named]
        clause = node.children[kinds.index("else_clause")]
        shown = [c for c in node.children[then:] if c.is_named and c.type != "else_clause"]
        other = [c for c in clause.children if c.is_named]
        said = _output_test(shellread.source(tests[0])) if len(tests) == 1 else ""
        status = _STATUS_TEST.fullmatch(said.strip())
        if status is not None:  # [ $? -eq 0 ]: how the statement before it ended
            check, present = self._asked_before, status["op"] in ("-eq", "=", "==")
        else:
            found = shellread.statements(shellread.parse(said.removeprefix("!")))
            asks = not _COMPARES.search(said) and len(found) == 1
            check, present = (found[0] if asks else None), not said.startswith("!")
        if check is None or not self._asks(check, scope):
            return None
        says, makes = (shown, other) if present else (other, shown)
        makes = [c for c in makes if c.type != "comment"]
        if not makes or not all(
            p in _NARRATION or self._says_only(p) for c in says for p in _programs(c)
        ):
            return None
        cmds = self._statements(makes, scope, number, inside)
        return [replace(c, may_fail=True) for c in cmds] or None

    def _if_else_stops(
        self,
        node: shellread.Node,
        number: int,
        scope: ShellVars | None = None,
        inside: _Call | None = None,
    ) -> list[Cmd] | None:
        """``if link_exists "$IF"; then ip link set "$IF" netns "$NS"; else err "not
        found"; exit 1; fi``: a check that only asks, one branch that only says something
        and stops the script; bash, in a run that works, takes the other branch: its
        commands (hunt DY: "a nested if is skipped", the move lost). None: another if."""
        scope = self.vars if scope is None else scope
        kinds = [c.type for c in node.children]
        if "elif_clause" in kinds or "else_clause" not in kinds or "then" not in kinds:
            return None
        then = kinds.index("then")
        tests = [c for c in node.children[:then] if c.is_named]
        said = _output_test(shellread.source(tests[0])) if len(tests) == 1 else ""
        found = shellread.statements(shellread.parse(said.removeprefix("!")))
        if len(found) != 1 or _COMPARES.search(said) or not self._asks(found[0], scope):
            return None
        clause = node.children[kinds.index("else_clause")]
        shown = [
            c
            for c in node.children[then:]
            if c.is_named and c.type not in ("else_clause", "comment")
        ]
        other = [c for c in clause.children if c.is_named and c.type != "comment"]
        if self._stops_only(other) and not self._stops_only(shown):
            taken = shown
        elif self._stops_only(shown) and not self._stops_only(other):
            taken = other
        else:
            return None
        return self._statements(taken, scope, number, inside) or None

    def _stops_only(self, nodes: Sequence[shellread.Node]) -> bool:
        """``nodes`` only ask, say something, and stop the script (``exit``): an error path
        (``if ! ns_link_exists "$IF"; then err "..."; exit 1; fi``)."""
        programs = [p for n in nodes for p in _programs(n)]
        if "exit" not in programs:
            return False
        for program in programs:
            if program in _NARRATION or program in ("exit", "[", "[[", "test", "!"):
                continue
            body = self.functions.get(program)
            asks = [] if body is None else shellread.statements(body)
            if body is not None and (
                self._says_only(program) or (asks and all(_a_check(c, self.vars) for c in asks))
            ):
                continue
            return False
        return True

    def _says_only(self, name: str) -> bool:
        """``name`` is a function of the script's that only prints (``log() { echo
        "[netns-veth] $*"; }``), and goes on (no ``exit``: ``usage``, a function that
        stops, is :meth:`_function_stops`')."""
        body = self.functions.get(name)
        found = [] if body is None else shellread.statements(body)
        said = [p for c in found for p in _programs(c)]
        return bool(said) and all(p in _NARRATION and p != "exit" for p in said)

    def _asks(self, check: shellread.Node, scope: ShellVars) -> bool:
        """``check`` only asks (:func:`_a_check`), itself, or as a list of calls (``a || b``)
        of the script's functions that only ask."""
        if _a_check(check, scope):
            return True
        if check.type == "list":
            parts = [c for c in check.named_children if c.type != "comment"]
            return all(self._asks(c, scope) for c in parts) if parts else False
        said = shellread.words(check) if check.type == "command" else []
        body = self.functions.get(shellread.source(said[0])) if said else None
        found = [] if body is None else shellread.statements(body)
        frame = scope
        if len(said) > 1:  # link_exists "$HOST_IF" (hunt DY: skipped, "cannot evaluate")
            given = [_word(w, scope) for w in said[1:]]
            if None in given:
                return False
            frame = scope.copy()
            for key in [k for k in frame.values if k.isdigit()]:
                del frame.values[key]
            frame.values.update({str(n): str(arg) for n, arg in enumerate(given, 1)})
            frame.values |= {"#": str(len(given)), "@": " ".join(map(str, given))}
            frame.values["*"] = frame.values["@"]
        return bool(found) and all(_a_check(c, frame) for c in found)

    def _as_root(self, node: shellread.Node, number: int) -> bool:
        """A check of who runs the script that only sets what the lines after it use
        (``if [ $EUID -ne 0 ]; then echo "using sudo"; SUDO=sudo; fi``): as root, which
        each step is, bash takes no branch of it, and what only its branches set is empty
        after it (``$SUDO ip ...`` runs ``ip ...``); a branch bash takes sets what it sets
        (``SUDO=""``). False when iplab cannot evaluate the check."""
        if not _checks_root(shellread.source(node)):
            return False
        taken = _branch(node, self.vars)
        if taken is None:
            return False
        for statement in taken:
            if statement.type == "variable_assignment":
                self.vars.assign(shellread.source(statement), number)
        set_here = {n for s in taken if s.type == "variable_assignment" for n in _assigned_names(s)}
        for name in sorted(_assigned_names(node) - set_here - set(self.vars.values)):
            self.vars.values[name], self.vars.lines[name] = "", number
            self.warnings.append(
                f"line {number}: ${name} is set only when the script does not run as root;"
                " iplab runs each step as root: empty after it"
            )
        return True

    def _if_makes(self, node: shellread.Node, number: int, where: str) -> list[Cmd] | None:
        """``if ! ip netns add a; then echo "failed"; exit 1; fi``, ``if ip link set x netns
        a; then echo moved; fi``: the condition makes something, the body only says so (hunt
        AC #4: a guard, prose only, the namespace lost). Its commands: steps (that may fail
        when the body does not stop). None: another if."""
        kinds = [c.type for c in node.children]
        if "elif_clause" in kinds or "else_clause" in kinds or "then" not in kinds:
            return None
        then = kinds.index("then")
        tests = [c for c in node.children[:then] if c.is_named]
        body = [c for c in node.children[then:] if c.is_named and c.type != "comment"]
        programs = [p for child in body for p in _programs(child)]
        if len(tests) != 1 or not all(p in _NARRATION or p == "return" for p in programs):
            return None
        said = shellread.source(tests[0])
        found = shellread.statements(shellread.parse(said.removeprefix("!")))
        if (
            len(found) != 1
            or _a_check(found[0], self.vars)
            or _programs(found[0])[:1]
            in ([p] for p in (*_NARRATION, "[", "[[", "test", "command", "which", "type", "id"))
        ):
            return None
        cmds = self._sequence(found[0], self._line(number, tests[0]), where)
        stops = said.startswith("!") and "exit" in programs  # bash stops where the step fails
        return None if not cmds else [c if stops else replace(c, may_fail=True) for c in cmds]

    def _shifts_nothing(self, node: shellread.Node) -> bool:
        """``shift 0`` (``shift $((OPTIND-1))`` with OPTIND 1): bash moves no argument."""
        said = [shellread.source(w) for w in shellread.words(node)]
        if len(said) != 2 or said[0] != "shift":
            return False
        count, unresolved = self.vars.expand(said[1])
        return not unresolved and count == "0"

    def _set_over_lines(self, text: str, number: int) -> bool:
        """``NS=(``, one item a line (a ``# comment`` after it), ``)``: the array bash sets
        (hunt AB #1: each item was a raw step, the loop over it skipped)."""
        return self.vars.assign("\n".join(map(strip_comment, text.split("\n"))), number)

    def _simple(self, body: str, number: int) -> str:
        """One line that is one command: typed, or kept verbatim as a raw step."""
        if _SHELL_OPTIONS.match(body):
            self.errexit = _errexit(body, self.errexit)
            self.errexit_set.append((number, self.errexit))
            # (pipefail is not kept: a step's pipeline fails as its last command does)
            said = "; without pipefail" if "pipefail" in body else ""
            self.warnings.append(
                f"line {number}: {body!r} skipped (each step runs on its own{said})"
            )
            return "silent"
        if _ROOT_SHELL.fullmatch(body.strip()):
            self.warnings.append(
                f"line {number}: {body!r} opens a root shell: skipped (iplab runs each"
                " command as root, or with sudo -n)"
            )
            return "silent"
        if (editor := opens_editor(body)) is not None:
            # (hunt BJ #2: sudoedit /etc/sysctl.d/x.conf, a plain step, waited for a person
            # until its time limit)
            named = "" if editor == body else f" ({editor})"
            self.warnings.append(
                f"line {number}: {body!r} opens an editor{named} for a person at a terminal;"
                " not run (run, it would wait until its time limit): write what the page"
                " puts in the file with a command (printf 'LINE\\n' | sudo tee -a FILE)"
            )
            self.note("comment", body, number)
            return "silent"
        if _DECLARING.match(body) and (made := self._by_function(body, number)) is not None:
            return self._block(body, number, number, made, f"line {number}", "")
        if _DECLARING.match(body) and (cmd := self._declared(body, number)) is not None:
            if self.keep_variables and cmd.text != body:  # printed as written: $NS in it
                self._keep(Block(body, number, number, [cmd]))
            else:
                self.events.append(cmd)
            return "silent"
        if _DECLARING.match(body) and (joined := self._set_then(body, number)) is not None:
            return joined
        if self.vars.assign(body, number):
            return "silent"
        if _SHIFT.fullmatch(body.strip()) and self.arguments is not None:
            # shift at the top of a script given its arguments (hunt DG: a raw step that
            # moved nothing, and "$@" after it still held the first)
            stmts = shellread.statements(shellread.parse(body))
            if len(stmts) == 1 and self._shift(stmts[0], self.vars, f"line {number}"):
                return "silent"
        root = shellread.parse(body)
        braced = self._braces(root, f"line {number}")  # spare{1..3}
        text, unresolved = self._expanded(root, braced, self.vars)
        written = text != shellread.one_line(body)  # (${L:-lo}, $((1+1)): printed as written)
        text = with_job_pids(text, self.printed_jobs)  # (ip netns attach web 3113)
        self._unresolved(unresolved, self.vars, f"line {number}")
        stmts = shellread.statements(root)
        call = self._call(stmts[0], self.vars) if len(stmts) == 1 else None
        where = f"line {number}"
        if call is not None and (batched := self._written_batch(call, where)) is not None:
            cmds = _forced(call, self._commands(batched, None, number, where))
            return self._block(body, number, number, cmds, where, "")
        # (``$!``: the job it names, %N, run with the job's pid; printed as written, as
        # bash reads %N nowhere but in job control: hunt AH #5, ip netns attach c1 %1)
        # (hunt BM: ${NS:-ns1}, ${NS:=ns1}, $((1+1)) use no variable the input sets, and
        # were printed as their values, ip link set lo up for ip link set ${L:-lo} up)
        known = braced != body or written or _JOB_PID.search(body) is not None
        for match in _REF.finditer(body):
            name = match[1] or match[2]
            if self.vars.values.get(name) is not None:
                self.expanded.setdefault(name, self.vars.lines.get(name, number))
                known = True
        try:
            parsed = classify(text)
        except LineError as exc:
            self.warnings.append(f"line {number}: cannot be imported: {exc}")
            return "speaking"
        may_fail = _lenient(text) or self._alias_typed(text, number)
        beside = jobs.beside(text)
        cmd = Cmd(text, number, _beside(parsed, text, beside), may_fail=may_fail, background=beside)
        self._forget_written(text)
        self._count_job(text)
        self._not_ascii(text, parsed.op, number)
        self._ignored(text, f"line {number}")
        self._own_functions(text, parsed.op, f"line {number}")
        if known and self.keep_variables and text != body:
            self._keep(Block(body, number, number, [cmd]))  # printed as written
        else:
            self.events.append(cmd)
        return "silent" if _silent(parsed.op) or _prints_nothing(text) else "speaking"

    def _alias_typed(self, text: str, number: int) -> bool:
        """``ll /var/run/netns/`` (hunt AZ): an alias of the author's interactive bash,
        which a run's shell has not; kept as written, a step that may fail, said (it was
        a program the preflight looked for, which refused the lab)."""
        if (alias := interactive_alias(text)) is None:
            return False
        self.warnings.append(
            f"line {number}: {_alias_said(alias)}; kept as written, a step that may fail"
            f" (write {INTERACTIVE_ALIASES[alias]} for its listing)"
        )
        return True

    def _not_ascii(self, text: str, op: Op, number: int) -> None:
        """Said when an ip command stays raw because a name in it is not ASCII (``ip netns
        add café``: hunt D, ten raw steps and no word why; ``up --prefix`` then refused them
        as steps iplab cannot read), or holds a letter iplab's names never do, though ip
        takes it (``ip netns add web:1``: hunt AJ, the same); once for all such lines."""
        if not isinstance(op, Raw | NetnsExec):
            return
        words = shell_tokens(text) or []
        program = next((w for w in words if w != "sudo"), "")
        if program not in ("ip", "bridge", "brctl"):
            return
        if foreign := [w for w in words if not w.isascii()]:
            self._foreign = self._kept_raw(self._foreign, number, foreign, "not ASCII")
        elif (odd := ipgrammar.odd_name(text)) is not None and len(odd) > names.NETNS_MAX:
            said = f"namespace name {odd!r} is {len(odd)} characters"
            if not any(said in w for w in self.warnings):  # (once a name: hunt BS #4)
                self.warnings.append(
                    f"line {number}: {said}: {names.NETNS_LIMIT_SAID}; its lines are kept"
                    " as raw steps (they run as written)"
                )
        elif odd is not None and names.has_shell_meta(odd):
            self._blank = self._kept_raw(
                self._blank, number, [odd], "hold a blank or a shell character"
            )
        elif odd is not None:
            self._odd = self._kept_raw(
                self._odd, number, [odd], "hold other letters (ip takes them)"
            )

    def _kept_raw(
        self, said: tuple[int, list[int], list[str]] | None, number: int, found: list[str],
        why: str,
    ) -> tuple[int, list[int], list[str]]:  # fmt: skip
        """One warning for all the lines kept raw for such names: (its index, the lines,
        the names)."""
        if said is None:
            said = (len(self.warnings), [], [])
            self.warnings.append("")
        at, lines, names_ = said
        lines.append(number)
        names_ += [w for w in found if w not in names_]
        where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"
        self.warnings[at] = (
            f"{where}: {', '.join(map(repr, names_))} {why}: iplab types ip commands whose"
            " names are ASCII letters, digits, '_', '.', '-'; kept as raw steps (they run as"
            " written; --prefix renames in them only the names other steps make, not these)"
        )
        return said

    def _unresolved(
        self, tokens: Sequence[str], scope: ShellVars, where: str, what: str = "a raw command"
    ) -> None:
        for token in dict.fromkeys(tokens):
            match = _REF.fullmatch(token)
            name = (match[1] or match[2]) if match else ""
            if name in scope.runtime and name in self.own_folder:  # (hunt EI: not so)
                self.warnings.append(
                    f"{where}: {token} is the script's own folder (line"
                    f" {self.own_folder[name]}), which the lab's shell does not have (its $0"
                    f" is not the script): kept as {what}, which runs with another value"
                )
                continue
            if name in scope.runtime:  # (MAC=$(...) at an earlier line: a step sets it)
                self.warnings.append(
                    f"{where}: {token} is what line {scope.lines[name]} prints when the lab"
                    f" runs: kept as {what}, which runs with that value"
                )
                continue
            self.warnings.append(
                f"{where}: cannot resolve {token} ({scope.why(token)}); kept as {what}"
            )

    def _set_then(self, body: str, number: int) -> str | None:
        """``X=$(cmd); ip netns add ns3``, ``PID=$(pgrep nginx) && ip netns attach web $PID``:
        a line that sets a variable, then runs commands, read statement by statement (hunt
        Z: the whole line was taken for one assignment, and vanished). None: one statement."""
        root = shellread.parse(body)
        stmts = shellread.statements(root)
        if shellread.has_error(root) or not (len(stmts) > 1 or (stmts and stmts[0].type == "list")):
            return None
        where = f"line {number}"
        cmds = self._statements(stmts, self.vars, number, None)
        return self._block(body, number, number, cmds, where, "") if cmds else "silent"

    def _by_function(self, body: str, number: int) -> list[Cmd] | None:
        """A line that sets a variable to what a function of the input echoes, once its
        commands ran (:meth:`_printed_by_function`), or None."""
        root = shellread.parse(body)
        found = shellread.statements(root)
        if shellread.has_error(root) or len(found) != 1:
            return None
        return self._printed_by_function(found[0], self.vars, number, None)

    def _declared(self, body: str, number: int) -> Cmd | None:
        """A line that sets variables from what commands print (see _runtime), or None."""
        root = shellread.parse(body)
        found = shellread.statements(root)
        if shellread.has_error(root) or len(found) != 1:
            return None
        return self._runtime(found[0], self.vars, number, f"line {number}")

    def _runtime(
        self,
        node: shellread.Node,
        scope: ShellVars,
        number: int,
        where: str,
        inside: _Call | None = None,
    ) -> Cmd | None:
        """``MAC=$(ip netns exec a cat /sys/class/net/v0/address)``: variables whose values
        a command prints when the lab runs. A step that sets them (``sets:``): the shell
        steps after it start with their values, as the author's one shell would have them.
        None: not such a statement (a value iplab evaluates itself, ``local`` in a function)."""
        found = shellread.substitutions(node)
        if node.type not in _DECLARATIONS:
            return None
        if not found:  # BPF_DIR=$BPF_FS/test_$TESTNAME, BPF_FS a step's (hunt CX: no step
            # set BPF_DIR, each later $BPF_DIR ran empty): a step that sets it, after BPF_FS's
            if not set(_RUNTIME_REF.findall(shellread.source(node))) & scope.runtime:
                return None
        elif all(_evaluated(shellread.source(s), scope) for s in found):
            return None  # n=$(printf '%02d' $i): a value iplab knows, as bash has it
        if node.children[0].type == "local" and not self._frames:
            return None  # (local outside a function: bash refuses it)
        parts = [node] if node.type == "variable_assignment" else node.named_children
        set_here = [
            shellread.source(named)
            for part in parts
            if part.type == "variable_assignment"
            and (named := part.child_by_field_name("name")) is not None
        ]
        if not set_here or any(map(names.shell_variable_problem, set_here)):
            return None
        text, unresolved = scope.expand(shellread.one_line(shellread.source(node)))
        self._unresolved([t for t in unresolved if not t.startswith(("$(", "`"))], scope, where)
        if inside is not None:  # typed in a namespace's shell: what it prints, printed there
            text = _rewrapped(text, inside.wrap)
        said = shellread.source(node)
        own = _SCRIPT_SELF.search(said) or any(
            re.search(rf"\$\{{?{name}\b", said) for name in self.own_folder
        )
        for name in set_here:  # (after the expansion: ``N=$(echo $N)`` reads the old one)
            scope.arrays.pop(name, None)
            scope.values[name], scope.lines[name] = None, self._line(number, node)
            scope.runtime.add(name)
            if own:  # (the script's own folder: a file named under it is beside the input)
                self.own_folder[name] = self._line(number, node)
            else:
                self.own_folder.pop(name, None)
        inner = shellread.substitutions(shellread.parse(text))
        try:
            parsed = classify(text)
        except LineError as exc:
            self.warnings.append(f"{where}: cannot be imported: {exc}")
            return None
        if not isinstance(parsed.op, Raw):  # pragma: no cover - an assignment is no ip command
            return None
        if all(reads_only(split_sudo(_substituted(s))[1]) for s in inner):
            op = Raw(command=parsed.op.command, shell=True, observes=True, sets=tuple(set_here))
        else:
            op = replace(parsed.op, shell=True, sets=tuple(set_here))
        # a command that fails leaves the variable empty, and the author's shell goes on
        # (``GONE=$(ip link show x 2>/dev/null)``): said, as a step that may fail; under
        # set -e it stops there, unless a builtin's status is the line's (``local X=$(...)``)
        passes = not self.errexit or node.type == "declaration_command"
        # MAC=$(iface_macaddr "$NS"): a function of the script's, which the step's shell
        # does not have (hunt CD: said by the preflight alone, "install what is missing")
        self._own_functions(text, op, where)
        return Cmd(text, number, replace(parsed, op=op), may_fail=passes)

    # -- shell syntax (tree-sitter-bash) --

    def _whole(
        self, body: str, lines: Sequence[tuple[int, str]], i: int, prompted: bool
    ) -> tuple[str, int]:
        """The statement that starts with ``body``: more lines while a loop, a quoted script or
        a here-document is open (as far as the shell reads it), else ``body`` alone."""
        if not _opens(body) or shellread.complete(body):
            return body, i
        text, j = body, i
        # bash's PS2 prompts: in a session, or on a page that took its PS1 prompts off
        # but kept them (sh -c ' then "> ip link set b up")
        ps2 = prompted or (self._ps2_kept() and i < len(lines) and lines[i][1].startswith("> "))
        while j < len(lines) and j - i < _MAX_STATEMENT_LINES:
            following = lines[j][1].rstrip()
            if ps2 and following.lstrip().startswith(">"):
                following = following.lstrip()[2:] if following.lstrip()[1:2] == " " else ""
            text += "\n" + following
            j += 1
            if shellread.complete(text):
                return text, j
        return body, i

    def _syntax(self, node: shellread.Node, text: str, number: int, end: int) -> str | None:
        """A statement the shell grammar tells apart; None: an ordinary line."""
        where = f"line {number}" if end == number else f"lines {number}-{end}"
        if node.type == "list" and self._down_if(node, text, number, where):
            return "speaking"  # [ "$1" = "cleanup" ] && { ip netns delete a; exit; }
        if node.type == "list" and (made := self._or_stops(node, number, where)):
            return self._block(text, number, end, made, where, "")
        # (the grammar gives ``[ "$#" -eq 0 ] && usage >&2`` the redirection, which bash
        # gives usage alone: hunt CD, a raw step, "this host does not have usage")
        checked = _redirected_list(node)
        if (
            checked is not None
            and self._checks_and_stops(checked)
            and not self._tool_check(checked)
        ):
            # [[ $EUID -ne 0 ]] && { echo "run as root"; exit 1; }, command -v brctl ||
            # die "no brctl": a check of the author's that says something and stops (run
            # as two steps, the check failed the run as root; its helper was "missing")
            again = " (it runs the script again as root; iplab runs each step as root)"
            rerun = again if _reruns_as_root(checked.named_children[-1]) else ""
            if self._check_stops(checked):
                self._ends_here(where, text, "the test before it holds")
                self.note("fence", text, number, end)
                return "speaking"
            self.warnings.append(f"{where}: a check of the author's{rerun}; not run ({text})")
            if self.arguments is None and _ARGUMENT_READ.search(_single_quotes_out(text)):
                # [ $# -lt 2 ] && { echo "usage: $0 NS1 NS2"; exit 1; } (hunt DG)
                self.warnings.append(
                    f"{where}: the check tests the script's arguments, and iplab reads it run"
                    " with none: give them with iplab import SCRIPT --arg V1 --arg V2..."
                )
            self.note("comment", text, number, end)
            return "speaking"
        if (node.type in ("list", "redirected_statement") or _brace_group(node)) and (
            cmds := self._sequence(node, number, where)
        ):  # (a line of narration alone, echo hi > /dev/null, stays what it was)
            if len(cmds) == 1 and cmds[0].text == text:  # (ping ... && echo ok: one step)
                self.events.append(cmds[0])
                return "speaking"
            return self._block(text, number, end, cmds, where, "")
        if node.type == "for_statement":
            untold, empty = self._untold_loops, self._empty_loops
            cmds = self._loop(node, self.vars, number, None)
            if cmds or self._untold_loops != untold or self._empty_loops == empty:
                return self._block(text, number, end, cmds, where, "a loop")
            # a loop over nothing (none of the links it lists are the tutorial's): printed as
            # written (hunt P: kept as a note, render lost the line), runs nothing
            self.warnings.append(
                f"{where}: the loop iterates over nothing here; printed as written, runs nothing"
            )
            return self._block(
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if node.type == "pipeline" and (
            (listed := self._each_listed(node, self.vars, number, None)) is not None
            or (listed := self._printed_batch(node, self.vars, number, None)) is not None
            or (listed := self._echoed_script(node, self.vars, number, None)) is not None
        ):
            return self._block(text, number, end, listed, where, "")
        if (unrolled := self._shown(node, self.vars, number, None)) is not None:
            return self._block(text, number, end, unrolled, where, "a loop")
        if (
            node.type in _COUNTED
            and (counted := self._counted(node, self.vars, number, None)) is not None
        ):
            return self._block(text, number, end, counted, where, "")  # (it may only set variables)
        if (defines := _guarded_definition(node)) is not None and defines is not node:
            # declare -F log >/dev/null || function log() {...}: defined unless it is already
            # (hunt EV: a raw step; its calls stayed raw, its $1 said the script's argument)
            node = defines if _defined_name(defines) not in self.functions else node
            if node is not defines:  # (defined before: the check keeps that one)
                self._keep(
                    Block(
                        text,
                        number,
                        end,
                        self._commands(["true"], None, number, where),
                        defines=True,
                    )
                )
                return "speaking"
        if node.type == "function_definition" and (name := node.child_by_field_name("name")):
            body = node.child_by_field_name("body")
            if body is not None and body.type == "compound_statement":
                self.functions[shellread.source(name)] = body
                self.function_lines[shellread.source(name)] = number
                # printed as written, runs nothing: defining a function changes nothing (its
                # text joins the next block's at the end: _definitions_joined)
                true = self._commands(["true"], None, number, where)
                self._keep(Block(text, number, end, true, defines=True))
                return "speaking"
        if (
            node.type == "case_statement"
            and _on_argument(node, self.vars)
            and self._lifecycle(node, text, number)
        ):  # case "${1:-}" in up) ...: the script's up and down, whatever its default is
            return "speaking"
        if node.type == "if_statement" and self._if_lifecycle(node, text, number):
            return "speaking"  # if [ "$1" = build ]; then ...; elif [ "$1" = clean ] ...
        if node.type == "if_statement" and self._down_if(node, text, number, where):
            return "speaking"
        if node.type == "if_statement" and (made := self._if_makes(node, number, where)):
            return self._block(text, number, end, made, where, "")
        if node.type == "if_statement" and (guarded_run := _run_guarded(text)) is not None:
            said = [shellread.source(w) for w in shellread.words(guarded_run)]
            if said and _runs_argument(said[0]) and self._named_job(text, number, end=end):
                return "speaking"  # if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then "$@"; fi
        if node.type in ("if_statement", "case_statement") and not _guard(node):
            taken = _branch(node, self.vars)
            stops = None if taken is None or not self._a_script() else (
                next((k for k, s in enumerate(taken) if self._exits(s)), None)
            )  # fmt: skip
            if taken is not None and stops is not None:  # (if [ -z "$name" ]; then usage; fi)
                cmds = self._statements(taken[:stops], self.vars, number, None)
                stop = shellread.one_line(shellread.source(taken[stops]))
                self._ends_here(where, stop, "the test before it holds")
                if cmds:
                    return self._block(text, number, end, cmds, where, "")
                self.note("fence", text, number, end)
                return "speaking"
            if taken is not None:  # the branch bash takes, with what iplab knows
                cmds = self._statements(taken, self.vars, number, None)
                return self._block(text, number, end, cmds, where, "")
            if node.type == "case_statement" and self._lifecycle(node, text, number):
                return "speaking"
        if node.type == "case_statement" and (put := _argument_put(node, self.vars)) is not None:
            # case "$1" in setup | teardown) CMD="$1" ;; ... esac, then $CMD (hunt CD: the
            # case was skipped, "iplab cannot choose", and $CMD ran nothing: no lab at all)
            self.job_vars[put[0]] = (put[1], number)
            self.vars.values.pop(put[0], None)
            return self._block(
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if node.type == "if_statement" and (guarded := self._if_guard(node, number, where)):
            return self._block(text, number, end, guarded, where, "")
        if node.type == "if_statement" and (absent := self._if_absent(node, number, where)):
            return self._block(text, number, end, absent, where, "")
        if node.type == "if_statement" and (stopped := self._if_else_stops(node, number)):
            return self._block(text, number, end, stopped, where, "")
        if node.type == "if_statement" and _guard(node) and self._as_root(node, number):
            self.note("fence", text, number, end)  # (the author's check: shown, as before)
            return "speaking"
        if node.type == "if_statement":
            if not _guard(node):
                self.warnings.append(
                    f"{where}: an 'if' block whose condition iplab cannot evaluate is not"
                    " imported; skipped (write its commands out)"
                )
            kind: NoteKind = "fence" if _guard(node) else "skipped"
            self.note(kind, text, number, end)  # (a guard: code, prose)
            return "speaking"
        if node.type == "subshell" and (
            (cmds := self._subshell(node, self.vars, number, None)) is not None
        ):  # (narration alone in it: a note)
            return self._block(text, number, end, cmds, where, "")
        if (options := _options_loop(node)) is not None:
            if (run := self._getopts(node, options, self.vars, number, None)) is not None:
                return self._block(text, number, end, run, where, "the options loop")
            return self._without_options(options, text, number, end, where)
        if (fed := self._file_fed_loop(node, self.vars, number, None)) is not None:
            return self._block(text, number, end, fed, where, "")
        if (wrote := self._loop_to_file(node, self.vars, number, None)) is not None:
            return self._block(text, number, end, wrote, where, "")
        if end > number and _brace_group(node) and _group_over_lines(node):
            return self._group(node, text, number, end)  # ({ alone on its line)
        body = node.child_by_field_name("body") if node.type == "redirected_statement" else None
        body = None if shellread.has_heredoc(node) else body  # (read below: a table's lines)
        if node.type in shellread.COMPOUND or (
            body is not None and body.type in shellread.COMPOUND
        ):
            first = text.split(maxsplit=1)[0]  # (while read x; do ...; done < file too)
            if node.type != "subshell":  # (what a subshell sets stays in it)
                _forget_assigned(node, self.vars, number)  # not known after it
            lines = "a multi-line" if end > number else "a"  # (hunt R: while ...; done < <(...))
            what = f"{lines} shell construct ({first} ...) cannot be imported; skipped"
            what += " (unroll it, or use a scenario 'loop')"
            if node.type == "case_statement":
                what = f"{lines} case whose branch iplab cannot choose is not imported; skipped"
                what += _CASE_NAMES
            if node.type == "subshell":
                what = "a subshell ( ... ) that leaves early (exit, return, break) is not"
                what += " imported; skipped (write its commands out)"
            if shellread.waits_only(node):  # (hunt A: a wait for IPv6 DAD to finish)
                what = f"a wait loop ({first} ...; do sleep ...) is not imported; skipped:"
                what += " before an IPv6 probe, iplab waits by itself until duplicate address"
                what += " detection is done"
                if _forever(node):  # (hunt AB: said of while true; do sleep 1; done)
                    what = "a loop that waits until the script is stopped"
                    what += f" ({shellread.one_line(text)})"
                    what += " is not imported; skipped: iplab run goes on to the teardown"
                    what += " after the setup"
            self.warnings.append(f"{where}: {what}")
            self.note("skipped", text, number, end)  # (no prose of the next step's)
            return "speaking"
        if shellread.has_heredoc(node):
            cmds = self._heredoc(node, self.vars, number, None, where)
            return self._block(text, number, end, cmds, where, "")
        if (rest := _sudo_stdin(node)) is not None:  # echo $PW | sudo -S ip ...: sudo ip ...
            expanded, unresolved = self.vars.expand(rest)
            self._unresolved(unresolved, self.vars, where)
            self.warnings.append(
                f"{where}: sudo -S (a password on its input) read as {rest!r} (iplab runs each"
                " command as root, or with sudo -n); printed as written"
            )
            cmds = self._commands([expanded], None, number, where)
            return self._block(text, number, end, cmds, where, "")
        if node.type == "command" and (beside := _beside_the_script(node)) is not None:
            self._source([beside], number, beside_only=True)  # . "$(dirname "$0")/lab.env"
            return "silent"
        self._flag(node, where, self.vars)
        if node.type != "command":
            return None
        if self._shifts_nothing(node):  # shift $((OPTIND-1)) after getopts found no option
            self.note("fence", text, number, end)
            return "speaking"
        said = [shellread.source(w) for w in shellread.words(node)]
        given = bool(self.arguments)  # (hunt DG: "$@" is what import was given)
        if (
            len(said) == 2
            and said[0] in self.functions
            and said[1] in _ALL_ARGUMENTS
            and self._main(said[0], text, number)
        ):  # main "$@" at the bottom: its case "$1" in up) ... down) ...
            return "speaking"
        if len(said) == 2 and said[0] == "exec" and said[1] in _ALL_ARGUMENTS and not given:
            # a container's entrypoint ends in exec "$@" (its CMD): given no command, as
            # iplab reads a script (run without arguments), exec runs none (hunt BI #1)
            self.warnings.append(
                f"{where}: {text}: runs the command the script is given (a container's CMD);"
                " iplab reads the script run without one: printed as written, runs nothing"
            )
            return self._block(
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        job = re.fullmatch(r'"?\$\{?([A-Za-z_]\w*)\}?"?', said[0]) if len(said) == 1 else None
        if job is not None and job[1] in self.job_vars:
            words, line = self.job_vars[job[1]]
            by = f"first argument, put in ${job[1]} by the case at line {line}"
            if self._named_job(text, number, by, words):
                return "speaking"
        if said and _runs_argument(said[0]) and self._named_job(text, number):
            return "speaking"  # $1 (or "$@") at the bottom: the function its argument names
        if said and said[0] in _ALL_ARGUMENTS and not given:
            # "$@" after the script's own setup (the kernel's in_netns.sh): the command it
            # is given, run there; iplab reads the script run without one, as for exec "$@"
            self.warnings.append(
                f"{where}: {text}: runs the command the script is given; iplab reads the"
                " script run without one: printed as written, runs nothing"
            )
            return self._block(
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if len(said) == 2 and said[0] in self.functions and said[1] in _ALL_ARGUMENTS and not given:
            # main "$@" at the bottom, no case "$1" in main: as iplab reads the script (run
            # without arguments, as for exec "$@"), main is called with none. It was a raw
            # step 'main "$@"', refused: "this host does not have main" (hunt BP)
            self.warnings.append(
                f"{where}: {text}: iplab reads the script run without arguments:"
                f" {said[0]} is called with none"
            )
            call: _Call | None = _Call(False, None, said[0], [], None, "sh")
        else:
            call = self._call(node, self.vars)
        if call is None:  # nsenter -t $CPID -n: words not known, the shell it opens is
            unread = _unread_call(node)
            return None if unread is None else self._elsewhere(unread, text, number, end, where)
        if call.program in _AS_ROOT and call.inside is None and not call.sudo:
            rest = _as_root_command(text)  # doas ip ..., pkexec ip ...: sudo's part, as written
            if rest is not None:
                self.warnings.append(
                    f"{where}: {call.program} read as sudo (run as root); printed as written"
                )
                cmds = self._commands([rest], None, number, where)
                return self._block(text, number, end, cmds, where, "")
        if call.program == "trap" and call.inside is None and not call.sudo:
            self._trap(call.args, number, where)  # a step of its own would set the trap
            return self._block(  # in a shell that ends at once: printed as written
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if call.inside is None and call.program in self.functions and not call.sudo:
            cmds = self._flowing(lambda: self._function(call, self.vars, number, None))
            if not cmds and set(_programs(self.functions[call.program])) <= {"echo", "printf"}:
                cmds = self._commands(["true"], None, number, where)  # log "...": it says
            return self._block(text, number, end, cmds, where, f"the function {call.program}")
        if (helped := self._beside_script(call, number, None)) is not None:
            return self._block(text, number, end, helped, where, f"the script {call.program}")
        if _printf_assign(node, self.vars, number):
            self.note("comment", text, number, end)
            return "silent"
        if call.program in ("echo", "printf") and not self.markdown and call.inside is None:
            kept = len(self.events)
            self.note("comment", " ".join(call.args), number, end)  # narration
            if len(self.events) > kept and isinstance(note := self.events[-1], Note):
                self._narration.append((note, text, where))
            return "silent"
        if call.program in ("exit", "logout") and call.inside is None:
            if call.program == "exit" and self._a_script():
                self._ends_here(where, text, "")
            self.note("comment", text, number, end)
            return "silent"
        if call.program == "alias" and call.inside is None and self.markdown and call.args:
            # alias nsx='ip netns exec': typed at a prompt, the lines after it use it
            for arg in call.args:
                alias, equals, value = arg.partition("=")
                if equals and _NAMED.fullmatch(alias):
                    self.aliases[alias] = value
            return self._block(
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if call.program == ":" and call.inside is None:  # : ${NS:=red}: sets, runs nothing
            self.note("comment", text, number, end)
            return "silent"
        if call.program in ("fg", "bg", "disown") and call.inside is None:
            self.warnings.append(
                f"{where}: {text}: the tutorial's jobs stay in the background, and iplab stops"
                " them at undo (to stop one here, as a Ctrl-C after fg would: kill %1)"
            )
            self.note("comment", text, number, end)
            return "silent"
        if call.program == "read" and call.inside is None and _read_here(node, call, self.vars):
            return self._block(  # read -r a b c <<< "10 82 5": the variables it sets
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if call.program == "read" and call.inside is None:  # printed as written, runs nothing
            self.warnings.append(_unread(node, call, self.vars, number, where))
            return self._block(
                text, number, end, self._commands(["true"], None, number, where), where, ""
            )
        if call.program in (".", "source") and call.inside is None:
            self._source(call.args, number)
            return "silent"
        if (run := self._written_script(call, number)) is not None:
            return self._block(text, number, end, run, where, "")
        if (away := self._elsewhere(call, text, number, end, where)) is not None:
            return away
        if call.inside is None or (call.wrapper == "exec" and call.script is None and call.args):
            return None
        if any(c.type in ("herestring_redirect", "file_redirect") for c in node.children):
            # ip netns exec h sh -c 'cat > f' <<< "hi": what it reads is the line's, kept
            # whole (hunt Z: the script's commands were read alone, and f was left empty)
            return None
        if _opens_a_shell(call):  # an interactive shell inside a namespace
            self.sessions.append(_Session(call, [text], self.prompt, opened=text, line=number))
            return "silent"
        cmds = self._inside(node, call, self.vars, number, where)
        if not cmds and end == number:
            return None  # sh -c 'printf hi' in a namespace: the line as written, a step
        return self._block(text, number, end, cmds, where, "this command")

    def _elsewhere(self, call: _Call, text: str, number: int, end: int, where: str) -> str | None:
        """``unshare --net bash``, ``nsenter -t PID -n``, ``ssh node2``: the lines after it
        are typed where iplab cannot run them (run here, they changed the host): "silent";
        None: the line opens no such shell."""
        away = shell_elsewhere(call.program, call.args) if call.inside is None else None
        if away is None:
            return None
        how = (
            "name the namespace: ip netns add NAME, then ip netns exec NAME CMD"
            if "namespace" in away
            else "to run them on this host, type them without it"
        )
        self.warnings.append(
            f"{where}: {text} opens a shell in {away}: the lines typed in it (until exit)"
            f" are not imported, as iplab cannot run them there ({how})"
        )
        self.note("fence", text, number, end)
        self.sessions.append(_Session(call, [], self.prompt, opened=text, away=away, line=number))
        return "silent"

    def _block(  # noqa: PLR0917 - the block's text, place and commands, said once
        self, text: str, number: int, end: int, cmds: list[Cmd], where: str, what: str
    ) -> str:
        if not cmds:
            if what:
                self.warnings.append(
                    f"{where}: {what} runs no command iplab can read; skipped"
                )  # (hunt R: a loop skipped was the prose of the next, unrelated step)
            self.note("skipped" if what else "fence", text, number, end)
            return "speaking"
        self._keep(Block(text, number, end, cmds))
        return "speaking"

    def _sequence(
        self,
        node: shellread.Node,
        number: int,
        where: str,
        scope: ShellVars | None = None,
        inside: _Call | None = None,
    ) -> list[Cmd] | None:
        """The typed commands of one line that joins them with ``&&``, quiets them (output
        to /dev/null) or lets one fail (``CMD || true``: a step that ``may_fail``): printed
        as written, run one after the other. None: a part is not a typed command (the line
        stays one raw step, run by bash). ``scope``: the variables (a function's, a loop's;
        default: the input's)."""
        scope = self.vars if scope is None else scope
        if node.type == "redirected_statement":
            body = node.child_by_field_name("body")
            rest = [c for c in node.named_children if body is None or c.id != body.id]
            if body is None or not all(_NULL.fullmatch(shellread.source(r)) for r in rest):
                return None
            quieted = self._sequence(body, number, where, scope, inside)
            errors = {shellread.source(r).replace(" ", "") for r in rest}
            if (  # ip link del br0 2>/dev/null: a "start clean" the author expects may fail
                quieted is not None
                and len(quieted) == 1
                and errors & {"2>/dev/null", "&>/dev/null", "2>&1", "&>>/dev/null"}
                and isinstance(quieted[0].parsed.op, LinkDel | NetnsDel | AddrDel | RouteDel)
            ):
                return [replace(quieted[0], may_fail=True)]
            return quieted
        if _brace_group(node) or (node.type == "subshell" and not _leaves(node)):
            # { ip netns del a && ip netns del b; } >/dev/null 2>&1: its commands, each as on
            # a line of its own (hunt DS: skipped whole, the line lost from render); what a
            # subshell sets stays in it
            inner = scope if node.type == "compound_statement" else scope.copy()
            parts = [
                self._sequence(s, number, where, inner, inside)
                for s in node.named_children
                if s.type != "comment"
            ]
            if not parts or any(part is None for part in parts):
                return None
            return [c for part in parts for c in part or ()]
        if node.type == "list" and len(node.children) == 3:
            left, joint, right = node.children
            if (
                joint.type in ("&&", "||")
                and self._asks(left, scope)
                and not (joint.type == "&&" and _narration(left))
            ):  # (echo "making x" && ...: the echo always works, what follows runs; hunt EH)
                # ip link show br0 &>/dev/null && ip link del br0, ip netns list | grep -q
                # a || ip netns add a: a change made only when it can be; a step that may
                # fail (run as two steps, the change was refused when the check said no)
                then = self._sequence(right, number, where, scope, inside)
                if then == [] and joint.type == "&&":
                    return self._said_if_it_works(node, scope, number, where, inside)
                return None if not then else [replace(c, may_fail=True) for c in then]
            first = self._sequence(left, number, where, scope, inside)
            if first is None:
                return None
            if joint.type == "&&":
                then = self._sequence(right, number, where, scope, inside)
                if then == [] and first and _narration(right) and _one_command(left):
                    if left.type == "command" and _pings(first):
                        self.warnings.append(
                            f"{where}: {shellread.one_line(shellread.source(right))!r} after"
                            " && is not printed by the run: the ping is a probe, whose PASS"
                            " or FAIL says it; the run goes on when it fails, as bash does"
                        )  # (hunt BS #2: one raw step, its failure only tolerated)
                        return first
                    if all(is_observation(c.parsed.op) for c in first) and (
                        printed := self._said_if_it_works(node, scope, number, where, inside)
                    ):
                        return printed
                    self.warnings.append(
                        f"{where}: {shellread.one_line(shellread.source(right))!r} after &&"
                        " is not printed by the run; if the command before it fails, the run"
                        " says so and goes on, as bash does"
                    )
                    return [replace(c, may_fail=True) for c in first]
                if then is None and _sentence(right) and _deletions(first):
                    self.warnings.append(
                        f"{where}: {shellread.source(right)} after && is no command (words in"
                        " quotes: an echo left out?); bash runs it only when the delete before"
                        " it works, and says 'command not found'. The run leaves it out: the"
                        " lab's names are new, so the delete fails and the run goes on, as"
                        " bash does"
                    )
                    return [replace(c, may_fail=True) for c in first]
                return None if then is None else first + then
            if (
                joint.type == "||"
                and shellread.source(right) in ("true", ":")
                and (len(first) == 1 or left.type == "pipeline")
            ):  # (ip -br link | ... | xargs ip link del || true: each of the lab's may fail)
                return [replace(c, may_fail=True) for c in first]
            if (
                joint.type == "||"
                and shellread.source(right) in ("true", ":")
                and (tail := self._chain_tail(left, number, where, scope, inside))
                and (_quiets_errors(left) or all(c.may_fail for c in first[:-tail]))
            ):  # (a && b 2>/dev/null || true && c, one command a line with \ after each, or
                # a || true && b || true: the || true is b's, the one whose errors the author
                # silenced or the only one not let fail already; hunt EH, a course's
                # netnsct.sh was one raw step, the model lost its namespace. a && b || true
                # stays one: which one may fail?)
                return first[:-tail] + [replace(c, may_fail=True) for c in first[-tail:]]
            if (
                joint.type == "||"
                and len(first) == 1
                and _narration(right)
                and set(_programs(right)) <= {"echo", "printf"}
                and not _pings(first)
                and not is_observation(first[0].parsed.op)
                and not isinstance(first[0].parsed.op, Raw)
            ):  # ip netns add a && echo ok || echo failed (hunt DO: one raw step)
                self.warnings.append(
                    f"{where}: {shellread.one_line(shellread.source(right))!r} after || is not"
                    " printed by the run; if the command before it fails, the run says so and"
                    " goes on, as bash does"
                )
                return [replace(c, may_fail=True) for c in first]
            return None
        if node.type == "for_statement" or node.type in _COUNTED:
            # a loop on the line, beside other commands (for ...; done; ip netns add r):
            # its commands, when each is typed (else the line stays one raw step, as it was)
            said_before = len(self.warnings)
            cmds = self._statements([node], scope, number, inside)
            if cmds and not any(isinstance(c.parsed.op, Raw) for c in cmds):
                return cmds
            del self.warnings[said_before:]
            return None
        if node.type == "pipeline":  # ip -br link | awk ... | xargs ip link del: the lab's
            return self._each_listed(node, scope, number, inside)
        if node.type != "command":
            return None
        said = shellread.words(node)[:1]
        if said and shellread.unquoted(said[0]) in ("echo", "printf", "true", ":"):
            return []  # the author's narration: printed with the line, runs nothing
        call = self._call(node, scope)
        if call and call.program in self.functions and call.inside is None and not call.sudo:
            # ns_exec r1 ping ... && echo OK: the function's commands (hunt K: a raw step
            # ran ns_exec, which the run's shell does not have)
            cmds = self._function(call, scope, number, inside)
            return None if not cmds or any(isinstance(c.parsed.op, Raw) for c in cmds) else cmds
        text, unresolved = scope.expand(shellread.one_line(shellread.source(node)))
        cmds = [] if unresolved else self._commands([text], inside, number, where)
        if not cmds or any(isinstance(c.parsed.op, Raw) for c in cmds):
            return None
        return cmds

    def _chain_tail(
        self,
        node: shellread.Node,
        number: int,
        where: str,
        scope: ShellVars,
        inside: _Call | None,
    ) -> int:
        """How many typed commands the last part of ``A && B`` (``node``) is: those of
        ``B`` (0: ``node`` is no such list, or ``B`` none). What reading it says again is
        not said twice. (``A && B 2>/dev/null``: the grammar gives the list the redirection,
        bash gives it B.)"""
        if node.type == "redirected_statement" and (body := node.child_by_field_name("body")):
            node = body
        if node.type != "list" or len(node.children) != 3 or node.children[1].type != "&&":
            return 0
        said = len(self.warnings)
        tail = self._sequence(node.children[2], number, where, scope.copy(), inside)
        del self.warnings[said:]
        return len(tail or ())

    def _said_if_it_works(
        self,
        node: shellread.Node,
        scope: ShellVars,
        number: int,
        where: str,
        inside: _Call | None,
    ) -> list[Cmd] | None:
        """``ping -c1 $ip >/dev/null && echo "$ip ok"``: a check whose words are printed
        when it works; one step as written (bash prints them), that may fail: bash goes on
        when the left of ``&&`` fails, even under ``set -e`` (hunt T: the ping alone was a
        step, its ``>/dev/null`` and its echo dropped, and an address that did not answer
        stopped the run)."""
        text, unresolved = scope.expand(shellread.one_line(shellread.source(node)))
        said = len(self.warnings)
        cmds = [] if unresolved else self._commands([text], inside, number, where)
        op = cmds[0].parsed.op if len(cmds) == 1 else None
        if not isinstance(op, Raw) or not op.observes:
            del self.warnings[said:]
            return None  # (ns_exec r1 ping ... && echo: a function, which bash -c has not)
        return [replace(cmds[0], may_fail=True)]

    def _lifecycle(self, node: shellread.Node, text: str, number: int) -> bool:
        """``case "$1" in up) ...;; down) ...;; esac``: a lab script's own up and down, one
        run at a time by its user. The ``up`` branch is the setup and the ``down`` branch
        the teardown: two blocks, printed as written, the case cut where ``down)`` starts
        (each line once, in order). A down branch written before the up branch (hunt AB:
        ``destroy|clean) ...;; create) ...``, the case was skipped): the whole case is the
        setup's text, the teardown printed nowhere, as :meth:`_main`'s. False: not such a
        case."""
        up, down = _up_and_down(node)
        if up is None or down is None:
            return False
        if down.end_point.row < up.start_point.row or down.start_point.row <= up.end_point.row:
            # the down branch first, or both on one line (``case "$1" in up) up ;; down)
            # down ;; esac``: skipped, "iplab cannot choose", no lab): the case cannot be cut
            # where the down branch starts
            if not self._case_whole(node, up, down, text, number):
                return False
            self._untaken(node, up, down, number)
            return True
        ups = self._branch_read(node, up, number)
        if not ups:
            return False
        cut = down.start_point.row - node.start_point.row
        lines = text.split("\n")
        head, tail = "\n".join(lines[:cut]), "\n".join(lines[cut:])
        last = number + len(lines) - 1
        # kept before the down branch is read: its ip netns list | grep x | xargs ... ip
        # netns del lists what the up branch made (hunt S: read first, it listed none)
        self._keep(Block(head, number, number + cut - 1, ups, standalone=False))
        downs = self._branch_read(node, down, number)
        if not downs:
            self.events.pop()
            return False
        self._keep(Block(tail, number + cut, last, downs, cleanup=True, standalone=False))
        self._untaken(node, up, down, number)
        return True

    def _untaken(
        self,
        case: shellread.Node,
        up: shellread.Node,
        down: shellread.Node,
        number: int,
        called: str = "",
    ) -> None:
        """Say the branches of a lab script's ``case "$1" in`` other than the up and down
        ones read (``vrrp)``, ``status)``): a run never takes them, and their commands are in
        no step (hunt BD #4: dropped without a word). A default ``*)`` and a branch that only
        prints its usage or stops are left unsaid."""
        left: list[str] = []
        for item in (c for c in case.children if c.type == "case_item"):
            if item.id in (up.id, down.id):
                continue
            values = [shellread.source(v) for v in item.children_by_field_name("value")]
            if all(v.strip("\"'") in ("*", "?*", "") for v in values):
                continue
            said = [shellread.source(n).split(maxsplit=1)[:1] for n in _item_body(item)]
            if all(w[0] in _USAGE_ONLY for w in said if w and w[0] != "#"):
                continue
            at = number + item.start_point.row - case.start_point.row
            left.append(f"{'|'.join(values)})" + ("" if called else f" (line {at})"))
        if left:
            up_said = shellread.source(up.children_by_field_name("value")[0])
            down_said = shellread.source(down.children_by_field_name("value")[0])
            self.warnings.append(
                f"line {number}: the case{called}'s other branches are not imported:"
                f" {', '.join(left)}"
                f" (iplab reads the script run with {up_said} as the setup and with"
                f" {down_said} as the teardown; copy a branch's commands into the scenario to"
                " run them)"
            )

    def _if_lifecycle(self, node: shellread.Node, text: str, number: int) -> bool:
        """``if [ "$BUILD" = "$1" ]; then ...; elif [ "$CLEAN" = "$1" ]; then ...; else
        usage; fi`` (BUILD=build, CLEAN=clean): a lab script's up and down as an if, read
        as :meth:`_lifecycle` reads them from a case (hunt AW: "no command found", the
        whole script one skipped if). The up test first, the down test in the next
        ``elif``; False: another if."""
        kinds = [c.type for c in node.children]
        elifs = [c for c in node.children if c.type == "elif_clause"]
        if "then" not in kinds:
            return False
        if not elifs:
            return self._down_then_up(node, text, number)
        if _argument_compared(node.children[1], self.vars) in _DOWN_WORDS:
            return self._down_then_elif_up(node, elifs, text, number)
        up_test, down_clause = node.children[1], elifs[0]
        down_kinds = [c.type for c in down_clause.children]
        if "then" not in down_kinds or down_clause.start_point.row <= node.start_point.row:
            return False
        up_word = _argument_compared(up_test, self.vars)
        down_word = _argument_compared(down_clause.children[1], self.vars)
        if up_word not in _UP_WORDS or down_word not in _DOWN_WORDS:
            return False
        start = kinds.index("then") + 1
        up_body = [c for c in node.children[start : node.children.index(down_clause)] if c.is_named]
        down_body = [c for c in down_clause.children[down_kinds.index("then") + 1 :] if c.is_named]
        ups = self._with_values(_compared_selects(up_test, self.vars), up_body, number)
        if not ups:
            return False
        cut = down_clause.start_point.row - node.start_point.row
        lines = text.split("\n")
        head, tail = "\n".join(lines[:cut]).rstrip("\n"), "\n".join(lines[cut:])
        self._keep(Block(head, number, number + head.count("\n"), ups, standalone=False))
        down_test = down_clause.children[1]
        downs = self._with_values(_compared_selects(down_test, self.vars), down_body, number)
        if not downs:
            self.events.pop()
            return False
        last = number + len(lines) - 1
        self._keep(Block(tail, number + cut, last, downs, cleanup=True, standalone=False))
        return True

    def _down_then_elif_up(
        self, node: shellread.Node, elifs: list[shellread.Node], text: str, number: int
    ) -> bool:
        """``if [[ "$1" == "clean" ]]; then ...; elif [[ "$1" == "build" ]]; then ...; fi``:
        the down test first, the up test in an ``elif`` after it (hunt CX: a gobgp test
        bed's script; the whole if was skipped as a condition iplab cannot evaluate, the lab
        lost). As :meth:`_down_then_up`: the if, as written, is the setup (the first
        ``elif`` whose test is an up word); the down branch runs as the teardown after it."""
        up = next(
            (e for e in elifs if _argument_compared(e.children[1], self.vars) in _UP_WORDS), None
        )
        if up is None:
            return False
        kinds = [c.type for c in node.children]
        up_kinds = [c.type for c in up.children]
        if "then" not in up_kinds:
            return False
        body = node.children[kinds.index("then") + 1 : node.children.index(elifs[0])]
        said = [c for c in body if c.is_named and c.type != "comment"]
        up_body = [c for c in up.children[up_kinds.index("then") + 1 :] if c.is_named]
        ups = self._with_values(_compared_selects(up.children[1], self.vars), up_body, number)
        if not ups or not said:
            return False
        self._up_now_down_later(node, text, number, ups, said)
        return True

    def _up_now_down_later(
        self,
        node: shellread.Node,
        text: str,
        number: int,
        ups: list[Cmd],
        said: list[shellread.Node],
    ) -> None:
        """An if whose up branch ``ups`` is the setup, as written, and whose down branch
        ``said`` runs as the teardown after it (:meth:`_down_then_up`,
        :meth:`_down_then_elif_up`)."""
        self._keep(Block(text, number, number + text.count("\n"), ups, standalone=False))
        test = shellread.one_line(shellread.source(node.children[1]))
        self._later_selected[len(self.later)] = _compared_selects(node.children[1], self.vars)
        self.later.append(
            (
                f"the if's down branch (the script run as {test} holds)",
                _sources(said),
                number + said[0].start_point.row - node.start_point.row,
            )
        )

    def _down_then_up(self, node: shellread.Node, text: str, number: int) -> bool:
        """``if [ "$1" == "cleanup" ]; then ...; else setup 0 cont0; ...; fi``: the script
        run without its argument sets the lab up (the else branch), with a down word takes
        it down. As :meth:`_case_whole`: the if, as written, is the setup (its else
        branch); the down branch runs as the teardown after it."""
        kinds = [c.type for c in node.children]
        other = [c for c in node.children if c.type == "else_clause"]
        if len(other) != 1 or _argument_compared(node.children[1], self.vars) not in _DOWN_WORDS:
            return False
        start = kinds.index("then") + 1
        body = [c for c in node.children[start : node.children.index(other[0])] if c.is_named]
        up_body = [c for c in other[0].named_children if c.type != "comment"]
        ups = self._statements(up_body, self.vars, number, None)
        said = [c for c in body if c.type != "comment"]
        if not ups or not said:
            return False
        self._up_now_down_later(node, text, number, ups, said)
        return True

    def _case_whole(
        self, node: shellread.Node, up: shellread.Node, down: shellread.Node, text: str, number: int
    ) -> bool:
        """:meth:`_lifecycle` for a case that cannot be cut where its down branch starts (it
        comes first, or shares the up branch's line): the case, as written, is the setup
        (its up branch); the down branch runs as the teardown after it."""
        body = _item_body(down)
        ups = self._branch_read(node, up, number)
        if not ups or not body:
            return False
        last = number + text.count("\n")
        self._keep(Block(text, number, last, ups, standalone=False))
        said = shellread.source(down).split(")", 1)[0].strip()
        self._later_selected[len(self.later)] = _selected_by(node, down, self.vars)
        self.later.append(
            (
                f"the case's down branch (the script run with {said})",
                _sources(body),
                number + body[0].start_point.row - node.start_point.row,
            )
        )
        return True

    def _down_if(self, node: shellread.Node, text: str, number: int, where: str) -> bool:
        """``if [ "$ACTION" = down ] || [ "$ACTION" = clean ]; then ...; exit 0; fi``
        before the setup: the script's teardown, its user runs it later (hunt AB: skipped,
        "the tutorial has no cleanup"). Printed where it is, running nothing; its commands
        (not the exit) are the teardown, read after the setup. The same branch written
        ``[ "$1" = "cleanup" ] && { ...; exit; }`` (hunt CD: ByteDance's libtpa script, split
        into lines, ran ``[ "$1" = "cleanup" ] && {`` (a syntax error) and its deletes)."""
        found = _down_body(node)
        if found is None:
            return False
        test, body = found
        line = number + body[0].start_point.row - node.start_point.row
        said = "the down branch (" + shellread.one_line(shellread.source(test)) + ")"
        self.later.append((said, _sources(body), line))
        self._block(text, number, number + text.count("\n"),
                    self._commands(["true"], None, number, where), where, "")  # fmt: skip
        return True

    def _main(self, name: str, text: str, number: int) -> bool:
        """``main "$@"`` at the bottom of a lab script whose ``main`` holds its ``case "$1"
        in up) ...;; down) ...;; esac``: this line is the setup (the up branch), and the down
        branch the teardown, printed nowhere (the function's lines are printed where it is
        defined; a printed script runs it with its argument). False: no such case."""
        cases = [
            node for node in shellread.statements(self.functions[name])
            if node.type == "case_statement" and _on_argument(node, self.vars)
        ]  # fmt: skip
        if len(cases) != 1:
            return False
        up, down = _up_and_down(cases[0])
        if up is None and down is None and _dispatches(cases[0]):
            # _main $@ whose case runs "$@" in its *) branch: the function the argument
            # names (hunt BU: a public lab script, read as nothing but its definitions)
            return self._named_job(text, number, f"first argument, which {name} runs")
        if up is None or down is None:
            return False
        ups = self._branch_read(cases[0], up, number)
        if not ups:
            return False
        self._keep(Block(text, number, number, ups, standalone=False))
        downs = self._branch_read(cases[0], down, number)
        if not downs:
            self.events.pop()
            return False
        self.note(
            "comment", f"{name}'s down branch (the script run with down): {name} down", number
        )
        self._keep(Block("", number, number, downs, cleanup=True, standalone=False))
        self._untaken(cases[0], up, down, number, f" in {name}")
        return True

    def _named_job(
        self,
        text: str,
        number: int,
        said: str | None = None,
        words: frozenset[str] | None = None,
        end: int | None = None,
    ) -> bool:
        """``$1`` at the bottom of a script that defines ``setup`` and ``teardown`` (hunt BB:
        a public script run as ``./lab.sh setup``; it was a raw step ``$1``, which ran nothing,
        and the functions' definitions): the argument names the function to run. This line
        is the setup (the function of an up word), and the function of a down word the
        teardown, printed nowhere (its lines are printed where it is defined). False: not
        one function of each, or the script calls its up function itself (the kernel's
        in_netns.sh: ``setup``, then ``"$@"``, the command it is given, run in the namespace;
        hunt CD: the setup was run twice, its second ``ip netns add`` failing). ``words``:
        the only names the argument may have (a case's branch that let them through)."""
        names = [name for name in self.functions if words is None or name in words]
        ups = [name for name in names if name in _UP_WORDS]
        downs = [name for name in names if name in _DOWN_WORDS]
        if len(ups) != 1 or len(downs) != 1 or ups[0] in self.called:
            return False
        made = self._job(ups[0], number)
        if not made:
            return False
        self._keep(Block(text, number, number if end is None else end, made, standalone=False))
        undone = self._job(downs[0], number)
        if not undone:
            self.events.pop()
            return False
        said = text if said is None else said
        self.note("comment", f"{downs[0]} (the script run with {downs[0]} as its {said})", number)
        self._keep(Block("", number, number, undone, cleanup=True, standalone=False))
        return True

    def _job(self, name: str, number: int) -> list[Cmd]:
        """The commands of the function ``name``, run from line ``number`` by the argument
        that names it (its lines said as the function's: ``line 59 (in setup, called at
        line 125)``; they were said at line 125 plus their row in the function)."""
        self._frames.append((*self._frame(name, number), number))
        self._ran.add(name)
        try:
            return self._statements(
                shellread.statements(self.functions[name]), self.vars, number, None
            )
        finally:
            self._frames.pop()

    def _count_job(self, text: str) -> None:
        """A command run in the background (``&``, or a server iplab runs so): ``$!`` is now
        its job, ``%N``."""
        if background_job(text) or jobs.beside(text):
            self.vars.background[0] += 1

    def _flag(self, node: shellread.Node, where: str, scope: ShellVars) -> None:
        """Say what an imported line does that iplab cannot see into."""
        if node.type == "pipeline":
            parts = [c for c in node.named_children if c.type == "command"]
            last = shellread.words(parts[-1]) if parts else []
            name = shellread.unquoted(last[0]) if last else None
            if name == "sudo" and len(last) > 1:
                name = shellread.unquoted(last[1])
            if name in shellread.SHELLS:
                first = shellread.words(parts[0]) if parts else []
                fetch = bool(first) and shellread.unquoted(first[0]) in ("curl", "wget")
                what = "a download piped into a shell" if fetch else "a pipe into a shell"
                self.warnings.append(
                    f"{where}: {what}: iplab cannot see what it runs; kept as a raw step"
                )
        found = shellread.substitutions(node)
        if (
            node.type not in _DECLARATIONS
            and found
            and not all(_evaluated(shellread.source(s), scope) for s in found)
        ):  # (not ns$(printf '%02d' $i): its value is known)
            self.warnings.append(
                f"{where}: uses command substitution ($(...)): the model cannot know its value"
            )

    def _call(self, node: shellread.Node, scope: ShellVars) -> _Call | None:
        """A simple command read as words: sudo, the namespace it runs in, the program."""
        values: list[str] = []
        #: the word each value was written as (None: one of several "$@" gave it)
        written: list[shellread.Node | None] = []
        #: where a word's value is not known (``<(...)``, ``$SHELL``): only a shell's options
        unknown: set[int] = set()
        for word in shellread.words(node):
            if shellread.source(word) in _ALL_ARGUMENTS:  # "$@": each argument a word
                arguments = scope.arguments()
                if arguments is None:
                    return None
                values += arguments
                written += [None] * len(arguments)
                continue
            if sliced := _SLICED_ARGUMENTS.fullmatch(shellread.source(word)):
                arguments = scope.arguments()  # "${@:2}": from the second on (nsx ns cmd...)
                if arguments is None:
                    return None
                values += _sliced(arguments, sliced)
                written += [None] * len(_sliced(arguments, sliced))
                continue
            value = shellread.unquoted(word)
            if value is None:
                got = _expanded(word, scope)
                if got is None:  # ($SHELL, <(...): as written, maybe a shell's)
                    unknown.add(len(values))
                    got = shellread.source(word).strip('"'), [shellread.source(word).strip('"')]
                expanded, split = got
                value = split[0] if len(split) == 1 else expanded
            values.append(value)
            written.append(word)
        sudo = runs_sudo(values)
        k = 1 if sudo else 0
        inside: str | None = None
        wrapper = ""
        if values[k : k + 3] == ["ip", "netns", "exec"] and len(values) > k + 3:
            inside, k, wrapper = values[k + 3], k + 4, "exec"
        elif values[k : k + 1] == ["nsenter"]:
            k, wrapper = k + 1, "nsenter"
            while k < len(values) and values[k].startswith("-"):
                match = _NSENTER_NET.fullmatch(values[k])
                if match is not None:
                    inside = match[1]
                k += 1
            if inside is None:
                return None
        if k >= len(values):
            return _Call(sudo, inside, "", [], None, "bash", wrapper) if inside else None
        program, args = values[k], values[k + 1 :]
        if any(i < k for i in unknown):  # (ip netns exec $NS ...: where, not known)
            return None
        if inside is not None and (opened := _opened_shell(values, unknown, k)) is not None:
            # ip netns exec NS /bin/bash --rcfile <(...), env PS1=.. bash, su -, $SHELL:
            # the lines typed after it run in NS (hunt W: they ran in the root namespace)
            return _Call(sudo, inside, opened, [], None, opened, wrapper)
        owned = {i for i in unknown if self._under_own_folder(values[i])}
        if (
            unknown
            and not (
                inside is None
                and program in self.functions
                and not _body_reads_arguments(self.functions[program])
            )  # (add_box "$2" with no $2, where add_box reads no argument: called, hunt DO)
            and not (k in unknown and unknown <= owned)
        ):  # ($DIR/helper.sh run, DIR the script's own folder: a file beside it, hunt EI)
            return None
        if program in shellread.SHELLS and args[:1] == ["-c"] and len(args) == 2:
            # (in a namespace, or a root shell's script: inside "")
            script = _script_word(written[k + 2], values[k + 2])
            where, how = (inside, wrapper) if inside is not None else ("", "")
            return _Call(sudo, where, program, [], script, program, how)
        return _Call(sudo, inside, program, args, None, "sh", wrapper)

    def _inside(
        self, node: shellread.Node, call: _Call, scope: ShellVars, number: int, where: str
    ) -> list[Cmd]:
        """The commands a line runs inside a namespace (``bash -c "..."``, ``nsenter ... cmd``).
        A script that needs its own shell (``bash -c 'cd /srv && python3 -m http.server'``)
        stays whole: split, its ``cd`` was a step of its own, which failed (``exec of "cd"
        failed``) and rolled the run back."""
        if call.script is not None and _needs_its_shell(call.script):
            whole = shellread.string_body(call.script)
            assert whole is not None  # (read by _needs_its_shell)
            script = whole[0] if not whole[1] else scope.expand(whole[0])[0]
            return self._commands([script], call, number, where)
        if call.script is None:
            text = shellread.one_line(shellread.source(node))
            inner = text[text.index(call.program) :] if call.program in text else text
            expanded, _ = scope.expand(inner)
            return self._commands([expanded], call, number, where)
        body = shellread.string_body(call.script)
        if body is None:
            self.warnings.append(f"{where}: the script of '{call.program} -c' cannot be read")
            return []
        script, expands = body
        return self._script(script if not expands else scope.expand(script)[0], call, scope, number)

    def _script(self, script: str, call: _Call, scope: ShellVars, number: int) -> list[Cmd]:
        root = shellread.parse(script)
        if shellread.has_error(root):
            self.warnings.append(f"line {number}: the shell cannot read {script!r}; skipped")
            return []
        return self._statements(shellread.statements(root), scope.copy(), number, call)

    def _statements(
        self,
        nodes: Sequence[shellread.Node],
        scope: ShellVars,
        number: int,
        inside: _Call | None,
    ) -> list[Cmd]:
        """The commands of statements (a loop's body, a script), read with ``scope``."""
        out: list[Cmd] = []
        try:
            self._each_statement(nodes, scope, number, inside, out)
        except (_Jump, _Exited) as jump:  # continue or break: what ran before it in this
            jump.before[:0] = out  # body stays (an exit: what ran before it in the script)
            raise
        return out

    def _flowing(self, read: Callable[[], list[Cmd]]) -> list[Cmd]:
        """``read()``'s commands, read as the script's own flow: an ``exit`` reached in it
        (``parse_args() { if [[ $# -lt 1 ]]; then usage; exit 2; fi; ...}``, called with
        none) ends the script there, as bash ends it (hunt EE #2: iplab read on, and the
        usage was said twice, as raw steps, once more at ``*) usage; exit 2 ;;``)."""
        if not self._a_script():
            return read()
        self._flow += 1
        try:
            return read()
        except _Exited as stop:
            self._ends_here(stop.where, stop.said, "")
            if self.ended is not None and self.ended not in self.warnings:
                self.warnings.append(self.ended)  # (said even when no line follows)
            return stop.before
        finally:
            self._flow -= 1

    def _each_statement(
        self,
        nodes: Sequence[shellread.Node],
        scope: ShellVars,
        number: int,
        inside: _Call | None,
        out: list[Cmd],
    ) -> None:
        """:meth:`_statements`, its commands added to ``out`` as they are read (each one a
        function runs with its own line: :meth:`_own_lines`)."""
        #: (the index in ``out`` of a statement's first command, the statement's own line)
        marks: list[tuple[int, int | None]] = []
        try:
            self._statements_read(nodes, scope, number, inside, out, marks=marks)
        finally:
            self._own_lines(out, marks)

    def _own_lines(self, out: list[Cmd], marks: Sequence[tuple[int, int | None]]) -> None:
        """Each command of ``out`` a statement of a function gave, with the statement's own
        line (:attr:`Cmd.written`), unless a function it called said its own (hunt EM #2:
        the import's summary named the line of the call for a command the model refused
        in the function)."""
        for n, (start, own) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(out)
            for k in range(start, end):
                if own is not None and out[k].written is None and own != out[k].line:
                    out[k] = replace(out[k], written=own)

    def _own_line(self, number: int, node: shellread.Node) -> int | None:
        """The input's line of ``node``, a statement of a function the input defines (in
        every frame: not a script beside it, whose lines are its own); None otherwise."""
        if not self._frames or any(self.function_lines.get(n) != at for n, at, _ in self._frames):
            return None
        return self._line(number, node)

    def _statements_read(
        self,
        nodes: Sequence[shellread.Node],
        scope: ShellVars,
        number: int,
        inside: _Call | None,
        out: list[Cmd],
        *,
        marks: list[tuple[int, int | None]],
    ) -> None:
        """:meth:`_each_statement`'s loop, each statement's place marked in ``marks``."""
        begun = len(out)
        for node in nodes:
            if node.type == "comment":  # down  # start from scratch, in a case's branch
                continue  # (hunt AC #8: the raw step "# start from scratch")
            marks.append((len(out), self._own_line(number, node)))
            self._statement_line = marks[-1][1]
            # the commands of the statement before this one: out[before:], as bash ran them
            before, begun = begun, len(out)
            where = self._where(number, node)
            if _shows_status(node):  # nc -z ... 8080; echo $?: the status, which may say
                if begun > before:  # it failed (hunt J: the command had to work)
                    out[begun - 1] = replace(out[begun - 1], may_fail=True)
                continue  # (printed with the text; its own shell would print 0)
            if self._loops and (jump := _jump_word(node)) is not None:
                raise _Jump(jump)  # continue / break in a loop iplab unrolls
            if (
                node.type == "list"
                and len(node.children) == 3
                and node.children[1].type in ("&&", "||")
                and node.children[0].type == "test_command"
            ):  # [[ "$n" == a ]] && continue: the test iplab can evaluate decides
                held = arith.condition(
                    node.children[0], scope.values, lambda n: _word(n, scope), scope.known
                )
                if held is not None:
                    if held == (node.children[1].type == "&&"):
                        out += self._statements([node.children[2]], scope, number, inside)
                    continue
            if self._loops and (left := self._or_leaves(node, scope, number, where, inside)):
                out += left  # ip netns add $n || break: the change a step, as with || exit
                continue
            if node.type == "list" and (made := self._or_stops(node, number, where, scope, inside)):
                out += made  # run() { "$@" || die "..."; }: the change a step, as at the top
                continue
            if node.type == "list" and self._checks_and_stops(node, scope=scope):  # command -v
                self.warnings.append(f"{where}: a check of the author's; not run")
                continue
            if _backgrounded(node):  # server &: as written, a job left running
                text, unresolved = scope.expand(shellread.one_line(shellread.source(node)))
                self._unresolved(unresolved, scope, where)
                out += self._commands([f"{text} &"], inside, number, where)
                continue
            if _printf_assign(node, scope, self._line(number, node)):
                continue  # printf -v name '%s%02d' "$PFX" "$i": a variable set
            if node.type in _DECLARATIONS:
                if made := self._printed_by_function(node, scope, number, inside):
                    out += made  # ns=$(make_ns red): its commands, $ns its echo
                    continue
                if cmd := self._runtime(node, scope, number, where, inside):
                    out.append(cmd)  # MAC=$(...) in a loop: a step, each time round
                    continue
                scope.assign(shellread.one_line(shellread.source(node)), self._line(number, node))
                continue
            if _said_after_and(node) and (
                (checked := self._sequence(node, number, where, scope, inside)) is not None
            ):  # ping -c1 $ip >/dev/null && echo "$ip ok": as on a line
                out += checked
                continue
            if (
                node.type == "list"
                and len(node.children) == 3
                and node.children[1].type in ("&&", "||")
                and self._asks(node.children[0], scope)
                and (checked := self._sequence(node, number, where, scope, inside)) is not None
            ):  # [ -f /run/netns/$ns ] && ip netns del $ns, in a function (hunt AW: the test
                out += checked  # a raw step "iplab cannot undo", the deletion one that must
                continue  # work): the change a step that may fail, as on a line
            if node.type == "list" and {c.type for c in node.children if not c.is_named} <= {
                "&&",
                ";",
            }:  # a && b: one after the other, as steps are
                out += self._statements(node.named_children, scope, number, inside)
                continue
            if node.type == "for_statement":
                out += self._loop(node, scope, number, inside)
                continue
            if node.type == "pipeline" and (
                (listed := self._each_listed(node, scope, number, inside)) is not None
            ):
                out += listed
                continue
            if node.type == "pipeline" and (
                (batched := self._printed_batch(node, scope, number, inside)) is not None
            ):
                out += batched
                continue
            if node.type == "pipeline" and (
                (fed := self._echoed_script(node, scope, number, inside)) is not None
            ):
                out += fed
                continue
            if (unrolled := self._shown(node, scope, number, inside)) is not None:
                out += unrolled  # for ...; done | tee /dev/null: as without the pipe
                continue
            if (
                node.type in _COUNTED
                and (counted := self._counted(node, scope, number, inside)) is not None
            ):
                out += counted
                continue
            if _arithmetic_statement(node, scope):  # ((i++)), let i+=1: only variables change
                continue
            if node.type in ("if_statement", "case_statement") and (
                (taken := _branch(node, scope)) is not None
            ):
                out += self._statements(taken, scope, number, inside)
                continue
            if node.type == "subshell" and (
                (got := self._subshell(node, scope, number, inside)) is not None
            ):
                out += got
                continue
            if (
                node.type == "if_statement"
                and not _guard(node)
                and (guarded := self._if_guard(node, number, where, scope, inside)) is not None
            ):  # if exists_ns; then ip netns delete x; fi, in a case's down branch
                out += guarded
                continue
            if (
                node.type == "if_statement"
                and not _guard(node)
                and (made := self._if_absent(node, number, where, scope, inside)) is not None
            ):  # if ns_exists; then log "exists"; else ip netns add "$NS"; fi, in a function
                out += made
                continue
            if (
                node.type == "if_statement"
                and not _guard(node)
                and ((stopped := self._if_else_stops(node, number, scope, inside)) is not None)
            ):  # if link_exists X; then ip link set X netns n; else err ...; exit 1; fi
                out += stopped
                continue
            if (options := _options_loop(node)) is not None and (
                (run := self._getopts(node, options, scope, number, inside)) is not None
            ):  # main() { while getopts "cdt" opt; do ...; done; }, its arguments known
                out += run
                continue
            if _brace_group(node) and not _leaves(node):  # { ...; }: the same shell's
                out += self._statements(node.named_children, scope, number, inside)
                continue
            if (wrote := self._loop_to_file(node, scope, number, inside)) is not None:
                out += wrote  # for ...; done > up.batch in a function: as at the top (hunt EA)
                continue
            if node.type in shellread.COMPOUND:
                if node.type != "subshell":  # (what a subshell sets stays in it)
                    _forget_assigned(node, scope, self._line(number, node))
                self.warnings.append(f"{where}: a nested {node.type.split('_')[0]} is skipped")
                continue
            if shellread.has_heredoc(node):
                out += self._heredoc(node, scope, number, inside, where)
                continue
            if node.type in ("redirected_statement", "list"):
                said = len(self.warnings)  # ip netns del x 2>/dev/null || true: may fail,
                quiet = self._sequence(node, number, where, scope, inside)  # as on a line
                if quiet is not None and len(quiet) == 1 and _quiet_then_on(node):
                    quiet = [replace(quiet[0], may_fail=True)]
                if quiet is not None:
                    out += quiet
                    continue
                del self.warnings[said:]
            if self._shift(node, scope, where):
                continue
            if inside is None and _said_only(node, scope):
                continue  # echo "[$(date +%T)] $*" (hunt AB: a raw step iplab "cannot undo")
            self._flag(node, where, scope)
            call = self._call(node, scope) if node.type == "command" else None
            if (
                self._flow
                and call is not None
                and call.program == "exit"
                and call.inside is None
                and not call.sudo
            ):  # (the script ends: what follows in the function and after its call never runs)
                raise _Exited(where, shellread.one_line(shellread.source(node)))
            if call is not None and call.program == "set" and call.inside is None:
                # set -e in a function's body or a { ...; } group: the shell's, from there
                # on (hunt EE #3: only one on its own top-level line was kept)
                self.errexit = _errexit(shellread.one_line(shellread.source(node)), self.errexit)
                self.errexit_set.append((number, self.errexit))
            if call is not None and call.program == "shopt" and call.inside is None:
                # shopt -s lastpipe in a function's body: skipped as on a line of its own
                # (hunt EU #2: a raw step, which sh fails, in rlite's tests/libtest.sh)
                shown = f"{where}: {shellread.one_line(shellread.source(node))!r} skipped"
                if not any(w.startswith(shown) for w in self.warnings):
                    self.warnings.append(f"{shown} (each step runs on its own)")
                continue
            if call is not None and call.program in _NARRATION and call.inside is None:
                if call.program == "read" and not _read_here(node, call, scope):
                    line = self._line(number, node)
                    self.warnings.append(_unread(node, call, scope, line, where))
                continue
            if (
                call is not None
                and call.program == "trap"
                and call.inside is None
                and not call.sudo
                and inside is None
                and (self._frames or self._grouped)
            ):  # main() { trap cleanup EXIT; ...; }: set as on a line of its own (it was a
                self._trap(call.args, self._line(number, node), where)  # raw step, hunt BP)
                continue
            if (
                call is not None
                and call.inside is None
                and not call.sudo
                and call.program in self.functions
            ):
                out += self._function(call, scope, number, inside)
                continue
            if call is not None and (helped := self._beside_script(call, number, inside)):
                out += helped  # ./newHost.sh client$i, in a loop or a function
                continue
            if (
                call is not None
                and call.inside is not None
                and inside is None
                and (call.script is not None or call.wrapper == "nsenter")
            ):
                out += self._inside(node, call, scope, number, where)
                continue
            if call is not None and (lines := self._written_batch(call, where)) is not None:
                out += _forced(call, self._commands(lines, inside, number, where))
                continue
            if (wrapped := self._run_by_wrapper(node, scope)) is not None:
                # echo_run ip netns exec h1 $current_dir/../functions.sh enable_seg6, with
                # echo_run() { echo "$@"; $@ || exit 1; }: the command it runs, a step (hunt
                # EL: one raw step that called echo_run, which the lab's shell does not have)
                text, unresolved = wrapped
                self._unresolved(unresolved, scope, where)
                out += self._commands([text], inside, number, where)
                continue
            text, unresolved = self._expanded(node, self._braces(node, where), scope)
            self._unresolved(unresolved, scope, where)
            out += self._commands([text], inside, number, where)

    def _run_by_wrapper(
        self, node: shellread.Node, scope: ShellVars
    ) -> tuple[str, list[str]] | None:
        """A call of the input's function that only says and runs its arguments as a command
        (``echo_run() { echo "$@"; $@ || exit 1; }``), with an argument iplab cannot know (a
        value the script finds when it runs, ``$current_dir``): the command it runs, its
        text expanded as far as known, and the words not known (to say). A failure stops
        the run there, as the wrapper's ``|| exit 1`` stops the script. None: no such call
        (one whose arguments iplab knows is read through the function's body)."""
        words = shellread.words(node) if node.type == "command" else []
        if len(words) < 2 or (name := shellread.unquoted(words[0])) not in self.functions:
            return None
        body = self.functions[name]
        runs = [shellread.source(c.child_by_field_name("name") or c) for c in _commands_under(body)]
        if not any(word in _ALL_ARGUMENTS for word in runs) or any(
            word not in _ALL_ARGUMENTS and word not in _NARRATION for word in runs
        ):  # (a function that does more than say and run its arguments)
            return None
        rest = (node.text or b"")[words[1].start_byte - node.start_byte :].decode("utf-8")
        text, unresolved = scope.expand(shellread.one_line(rest))
        return text, unresolved

    def _subshell(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``( ... )``: its commands, read with a copy of the variables (hunt K: what it set
        spoiled the outer variable, as bash's subshell never does). ``[]``: it runs none
        (narration); None: it leaves early (``exit``), which iplab does not follow."""
        if _leaves(node):
            return None
        with self._own_errexit(number):  # (( set -e; ... ): its own shell's)
            return self._statements(node.named_children, scope.copy(), number, inside)

    @contextlib.contextmanager
    def _own_errexit(self, number: int) -> Iterator[None]:
        """A shell of its own (a subshell, a script beside the input): its ``set -e`` is
        its own, the script's is as before it after it."""
        errexit, kept = self.errexit, len(self.errexit_set)
        try:
            yield
        finally:
            if len(self.errexit_set) > kept:
                del self.errexit_set[kept:]
                if self.errexit != errexit:
                    self.errexit_set.append((number, errexit))
            self.errexit = errexit

    def _shown(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``LOOP | tee /dev/null``, ``LOOP | cat``: the loop's commands, unrolled as without
        the pipe, which only shows what they print (hunt AA #3: kept raw, its variables were
        frozen). The loop runs in a subshell: what it sets stays there. None: not such a
        pipe, or a loop iplab cannot unroll."""
        loop = piped.shown_loop(node)
        if loop is None:
            return None
        if loop.type == "for_statement":
            return self._loop(loop, scope.copy(), number, inside)
        return self._counted(loop, scope.copy(), number, inside)

    def _expanded(self, node: shellread.Node, text: str, scope: ShellVars) -> tuple[str, list[str]]:
        """``text`` (``node``'s, one line) with the known variables filled in. A loop in it
        that stays one raw step (``done | tee log``, ``done > log.txt``) keeps the names it
        sets as written, their values before it set in front (hunt AA #3: ``n=$((n+1))``
        became ``n=1`` and the loop never ended); after a redirected one they are unknown."""
        text = shellread.one_line(text)
        if "\n" in text and (one := shellread.quoted_newlines(text)) is not None:
            text = one  # bash -c "<newline>...": one line, as at the top (hunt BM #2)
        loops = piped.loops_within(node) if node.type != "command" else []
        set_in = set().union(*map(_assigned_names, loops)) if loops else set()
        if not set_in:
            expanded, unresolved = scope.expand(text)
            # (an empty word the line starts or ends with is no word: ``$SUDO ip ...`` with
            # SUDO empty runs ``ip ...``, where it was said not to render back as itself)
            return expanded.strip(" \t") if expanded != text else expanded, unresolved
        kept = scope.copy()
        for name in set_in:
            kept.values.pop(name, None)
            kept.arrays.pop(name, None)
        expanded, unresolved = kept.expand(text)
        unresolved = [t for t in unresolved if not set_in & set(_REF_NAME.findall(t))]
        before = [
            f"{name}={shlex.quote(value)}"
            for name in sorted(set_in)
            if (value := scope.values.get(name)) is not None and name not in scope.arrays
        ]
        if not _piped(node):
            _forget_assigned(node, scope)  # (a pipe's loop runs in a subshell)
        return "; ".join([*before, expanded]), unresolved

    def _shift(self, node: shellread.Node, scope: ShellVars, where: str) -> bool:
        """``shift`` or ``shift N`` in a function iplab reads: its arguments move (hunt K: a
        raw ``shift``, then ``"$@"`` gave the namespace twice). False: not a shift, or not
        in a call whose arguments iplab knows."""
        if (
            node.type == "list"
            and len(node.children) == 3
            and node.children[1].type == "||"
            and shellread.source(node.children[2]) in ("true", ":")
        ):  # shift || true: under set -e, bash goes on when there was nothing to shift (hunt
            node = node.children[0]  # DY: a raw step, and the argument loop after it skipped)
        said = shellread.words(node) if node.type == "command" else []
        if not said or shellread.source(said[0]) != "shift" or "#" not in scope.values:
            return False
        count: int | None = 1
        if len(said) > 1:
            value = _word(said[1], scope) if len(said) == 2 else None
            count = int(value) if value is not None and value.isdigit() else None
        if count is None:
            self.warnings.append(
                f"{where}: {shellread.source(node)}: iplab cannot tell how many arguments it"
                " shifts; the function's arguments are not known after it"
            )
        scope.shift(count)
        return True

    def _commands(
        self, texts: Sequence[str], inside: _Call | None, number: int, where: str
    ) -> list[Cmd]:
        out: list[Cmd] = []
        for written in texts:
            text = inside.wrap(written) if inside is not None else written
            try:
                parsed = classify(text)
            except LineError as exc:
                self.warnings.append(f"{where}: cannot be imported: {exc}")
                continue
            # (a reader whose shell goes on after it: ``ip netns exec red route``, hunt BK's
            # p08, came here through its netns exec and had to work; under set -e it must)
            lenient = not self.errexit and _lenient(text)
            beside = jobs.beside(text)
            parsed = _beside(parsed, text, beside)
            cmd = Cmd(text, number, parsed, may_fail=lenient, background=beside)
            out.append(cmd)
            self._forget_written(text)
            self._count_job(text)
            self._ignored(text, where)
            self._own_functions(text, parsed.op, where)
        return out

    def _own_functions(self, text: str, op: Op, where: str) -> None:
        """Say a raw step that calls a function the input defines: the shell that runs the
        step does not have it (hunt K: the preflight then asked to install ns_exec)."""
        if not isinstance(op, Raw) or not self.functions:
            return
        called = _called(shellread.parse(text), self.functions.keys())
        if called:
            self.warnings.append(
                f"{where}: {text!r} stays one raw step, and it calls {', '.join(called)}, a"
                " function the input defines: the shell that runs the step does not have it"
                " (write the function's commands out in the line)"
            )

    def _ignored(self, text: str, where: str) -> None:
        """Say the names ``ip netns del`` is given after its first: iproute2 deletes that
        one and ignores the others, with exit 0 (hunt F: ``ip netns del ctr1 ctr2`` left
        ctr2, silently)."""
        if (extra := _netns_del_extra(text)) is not None:
            name, rest = extra
            if (where, name, tuple(rest)) in self._said_ignored:
                return  # (ip netns del a b || true: the command, then the line)
            self._said_ignored.add((where, name, tuple(rest)))
            self.warnings.append(
                f"{where}: {text!r}: ip netns del deletes {name} only; ip ignores"
                f" {' '.join(rest)} (and exits 0): delete each with a line of its own"
            )

    def _loop(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd]:
        """One command per iteration: the body read with the loop variable set to each value."""
        var = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        where = self._where(number, node)
        self._listing_in = inside.inside if inside else None  # (for $(ip link | ...))
        values = self._loop_values(node, scope, where)
        self._listing_in = None
        if var is None or body is None or values is None:
            self._untold_loops += 1
            ifs = scope.lines.get("IFS") if "IFS" in scope.values else None
            self.warnings.append(
                f"{where}: cannot tell what the loop iterates over; skipped"
                " (write the values out: for ns in ns1 ns2)"
                + (f"; IFS is set at line {ifs}: iplab splits words at blanks only" if ifs else "")
            )
            return []
        out: list[Cmd] = []
        self._empty_loops += not values
        name = shellread.source(var)
        kept = (name in scope.values, scope.values.get(name), scope.lines.get(name))
        self.budget.enter(len(values), where)
        try:
            for index, value in enumerate(values):  # (same shell: i=$((i + 1)) counts on)
                scope.values[name], scope.lines[name] = value, number
                got, stop = self._turn(out, body, scope, number, inside=inside, index=index)
                out += got
                self.budget.made(len(out), index, where)
                if stop:
                    break
        finally:
            self.budget.leave()
        if kept[0]:  # the loop's variable as it was (a printed script need not set it)
            scope.values[name] = kept[1]
            if kept[2] is not None:
                scope.lines[name] = kept[2]
        else:
            scope.values.pop(name, None)
            scope.lines.pop(name, None)
        return out

    def _line(self, number: int, node: shellread.Node) -> int:
        """The input's line of ``node``, read for a statement at ``number`` (in a function:
        the line of the function's own text)."""
        if self._frames:
            return self._frames[-1][1] + node.start_point.row
        return number + node.start_point.row

    def _where(self, number: int, node: shellread.Node) -> str:
        """``line 4``; in a function, ``line 4 (in plug, called at line 9)``; in one a
        function calls, ``line 2 (in mk, called at line 5, called at line 9)``."""
        if not self._frames:
            return f"line {number + node.start_point.row}"
        name = self._frames[-1][0]
        # (a sourced file's function called by another of its own: both from the input's
        # line, said once; hunt EU #2, "called at line 6, called at line 6")
        calls = [at for at, _ in itertools.groupby(c for _, _, c in reversed(self._frames))]
        chain = ", ".join(f"called at line {called}" for called in calls)
        return f"line {self._line(number, node)} (in {name}, {chain})"

    def _frame(self, name: str, number: int) -> tuple[str, int]:
        """How a call of the function ``name`` (read from ``number``) is named in what is
        said, and the line its body's rows count from: the input's function, at its line;
        a sourced file's, ``create_namespace of tests/libtest.sh``, at that file's line 1
        (its rows are the file's)."""
        if name in self.sourced:
            return f"{name} of {self.sourced[name]}", 1
        return name, self.function_lines.get(name, number)

    def _function(
        self, call: _Call, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd]:
        """A call of a function the input defines: its body's commands, read with ``$1``...
        ``$#``, ``$@`` set to the call's arguments (its ``local`` variables stay in it)."""
        if len(self._frames) >= FUNCTION_DEPTH:
            self.warnings.append(
                f"line {number}: {call.program} calls itself deeper than {FUNCTION_DEPTH}; skipped"
            )
            return []
        self.called.add(call.program)
        frame = scope.copy()
        for key in [k for k in frame.values if k.isdigit()]:
            del frame.values[key]
        frame.values.update({str(n): arg for n, arg in enumerate(call.args, 1)})
        frame.values |= {"#": str(len(call.args)), "@": " ".join(call.args)}
        frame.values["*"] = frame.values["@"]
        # (called from a function of the input: the call's own line there, said between
        # the command's and the first call's: hunt EO #4)
        via = self._statement_line if self._frames else None
        at = via if via is not None else number
        self._frames.append((*self._frame(call.program, number), at))
        try:
            body = shellread.statements(self.functions[call.program])
            cmds = self._statements(body, frame, number, inside)
            if via is None:
                return cmds
            return [
                replace(c, calls=(*c.calls, via)) if c.written not in (None, via) else c
                for c in cmds
            ]
        finally:
            self._frames.pop()
            scope.returned(frame, _locals(self.functions[call.program]))

    def _own_folder_unread(self) -> None:
        """Said once for each step that still runs a file under the script's own folder
        (``echo_run ip netns exec h1 $current_dir/../functions.sh enable_seg6``, kept raw:
        hunt DY left it, hunt EI): the file's commands are not the lab's steps, and where
        the lab runs, the step's shell has no ``$0`` of the script's."""
        cmds = [c for e in self.events for c in (e.cmds if isinstance(e, Block) else [e])]
        seen: set[str] = set()
        for cmd in cmds:
            if not isinstance(cmd, Cmd) or not isinstance(cmd.parsed.op, Raw | NetnsExec):
                continue
            for word in cmd.text.split():
                found = _OWN_FOLDER.match(word.strip("\"'"))
                name = (found[1] or found[2]) if found else ""
                if found is None or name not in self.own_folder or word in seen:
                    continue
                seen.add(word)
                rest = word.strip("\"'")[found.end() :]
                beside = self.base is not None and (self.base / rest).is_file()
                self.warnings.append(
                    f"line {cmd.line}: {cmd.text}: runs {rest}, "
                    + ("a script beside the input" if beside else "a file not beside the input")
                    + f" (${name}: the script's own folder, line {self.own_folder[name]}),"
                    " in a line iplab keeps raw: its commands are not read, not checked, not"
                    " undone; and when the lab runs, the step's shell has no $0 of the"
                    f" script's, so ${name} is not that folder (write the commands it runs"
                    " into the script, or call it as ./" + rest + ")"
                )

    def _under_own_folder(self, word: str) -> bool:
        """``$DIR/helper.sh``, DIR set to the script's own folder (:attr:`own_folder`)."""
        found = _OWN_FOLDER.match(word)
        return found is not None and (found[1] or found[2]) in self.own_folder

    def _beside_script(self, call: _Call, number: int, inside: _Call | None) -> list[Cmd] | None:
        """``./execNS.sh red \\; ip link add a type veth ...``, ``sudo ./newHost.sh red``: a
        script of the tutorial's own, in the folder beside the input: its commands, read as
        bash runs it, a process of its own (hunt DS: virtopology's hostToHost.sh runs each
        command through ./execNS.sh; the lines were raw steps the model read as commands of
        the root namespace, and the namespace they ran in was lost). It is read with its
        arguments and none of the caller's variables; the functions it defines are its own.
        None: no such file beside the input, or one bash would not run as a script."""
        program, args = call.program, call.args
        shelled = program in shellread.SHELLS and bool(args) and not args[0].startswith("-")
        if shelled:
            program, args = args[0], args[1:]  # bash ./newHost.sh red, sh clear.sh
        if (folder := _OWN_FOLDER.match(program)) and (name := folder[1] or folder[2]):
            if name not in self.own_folder:
                return None
            # ($current_dir/../functions.sh, current_dir=$(dirname $(realpath $0)): the
            # file beside the input; the lab's shell has no $0 of the script's: hunt EI)
            named, program = program, "./" + program[folder.end() :]
            found = self.base is not None and (self.base / program).is_file()
            self.warnings.append(
                f"line {number}: {named}: ${name} is the script's own folder (line"
                f" {self.own_folder[name]}): "
                + (
                    f"{program[2:]} read from beside the input"
                    if found
                    else f"{program[2:]} is not beside the input, its commands are not read"
                    " (the step runs as written, where the lab runs: put the file beside"
                    " the script to have it read)"
                )
            )
        elif not program.startswith("./") and not shelled:
            return None
        if call.script is not None or self.base is None:
            return None
        if call.inside is not None and (inside is not None or call.wrapper != "exec"):
            return None  # (in a namespace's shell already, or nsenter: not read)
        written = {posixpath.normpath(k) for k in self.written}
        if posixpath.normpath(program) in written:
            return None  # (a file the input wrote: :meth:`_written_script` reads its lines)
        path = self.base / program
        if not path.is_file() or path.suffix not in ("", ".sh", ".bash"):
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        first = text.split("\n", 1)[0]
        if first.startswith("#!") and not _SHELL_BANG.match(first):
            return None  # (#!/usr/bin/python3: not a shell's; one without #! bash runs)
        root = shellread.parse(text)
        if shellread.has_error(root):
            return None
        if len(self._frames) >= FUNCTION_DEPTH:
            self.warnings.append(
                f"line {number}: {program} runs itself deeper than {FUNCTION_DEPTH}; skipped"
            )
            return []
        frame = ShellVars()
        frame.values.update({str(n): arg for n, arg in enumerate(args, 1)})
        frame.values |= {"#": str(len(args)), "@": " ".join(args)}
        frame.values["*"] = frame.values["@"]
        if call.inside is not None:  # ip netns exec NS ./helper.sh func: run in NS (hunt EI)
            inside = _Call(call.sudo, call.inside, program, [], None, "bash", "exec")
        elif inside is None and call.sudo:  # sudo ./lab.sh: its commands as root, with sudo
            inside = _Call(True, "", program, [], None, program)
        body = shellread.statements(root)
        saved, lines = dict(self.functions), dict(self.function_lines)
        for statement in body:
            node = _guarded_definition(statement) or statement  # (declare -F f || f() {...})
            name = node.child_by_field_name("name")
            defined = node.child_by_field_name("body")
            if node.type == "function_definition" and name is not None and defined is not None:
                self.functions[shellread.source(name)] = defined
        self._frames.append((program, 1, number))
        out: list[Cmd] = []
        try:
            with self._own_errexit(number):  # (a process of its own: its own set -e)
                self.errexit = False
                self._script_beside(body, frame, number, inside, out)
            return out
        except _Jump as jump:
            return out + jump.before
        finally:
            self._frames.pop()
            self.functions, self.function_lines = saved, lines

    def _script_beside(
        self,
        body: list[shellread.Node],
        frame: ShellVars,
        number: int,
        inside: _Call | None,
        out: list[Cmd],
    ) -> None:
        """:meth:`_beside_script`'s statements, read until the script ends: at an ``exit``,
        or one in the branch an ``if`` (``case``) takes when iplab knows its test (``if [ -z
        "$1" ]; then echo usage; exit 1; fi``, or a call of the script's ``usage`` that
        exits: hunt DV #4, the script read on past it, ``ip netns add ""`` a step); ``set
        -e`` (``set +e``) is the script's own, its later commands then must work."""
        run: list[shellread.Node] = []
        for node in body:
            if _guarded_definition(node) is not None:
                continue
            said = shellread.words(node)[:1] if node.type == "command" else []
            if said and shellread.source(said[0]) == "exit":
                break  # (the script ends there: what follows never runs)
            if said and shellread.source(said[0]) == "set":
                out += self._statements(run, frame, number, inside)
                run = []
                self.errexit = _errexit(shellread.source(node), self.errexit)
                continue
            if node.type not in ("if_statement", "case_statement"):
                run.append(node)
                continue
            out += self._statements(run, frame, number, inside)
            run = [node]
            taken = _branch(node, frame)
            ends = next((k for k, s in enumerate(taken or []) if self._exits(s)), None)
            if taken is not None and ends is not None:
                out += self._statements(taken[:ends], frame, number, inside)
                self.warnings.append(
                    f"{self._where(number, taken[ends])}: the script ends here (the test"
                    f" before it holds: {shellread.one_line(shellread.source(taken[ends]))});"
                    " its lines after it are not run"
                )
                return  # (the branch ends the script: what follows never runs)
        out += self._statements(run, frame, number, inside)

    def _a_script(self) -> bool:
        """The input is a script bash runs (not a page), read at its top level: its ``exit``
        ends it (in a page, ``exit`` leaves a shell the page opened)."""
        return not self.markdown and not self.sessions

    def _check_stops(self, node: shellread.Node) -> bool:
        """A check of the author's that stops the script (:meth:`_checks_and_stops`) whose
        test iplab can evaluate with the arguments given, and that holds (``[ -z "$1" ] &&
        usage`` run with none, ``[ $# -lt 2 ] || ...`` is not): bash stops there."""
        parts = [c for c in node.named_children if c.type != "comment"]
        if self.arguments is None or not self._a_script() or len(parts) != 2:
            return False
        joined = [c.type for c in node.children if not c.is_named]
        if joined not in (["&&"], ["||"]):
            return False
        holds = arith.condition(parts[0], self.vars.values, lambda n: _word_as_root(n, self.vars))
        return holds is not None and holds == (joined == ["&&"])

    def _ends_here(self, where: str, said: str, why: str) -> None:
        """The script ends at ``where``, as bash runs it: the lines after it are not read."""
        given = "" if self.arguments is None else shlex.join(self.arguments) or "none"
        run = f"; run with arguments: {given}" if given else ""
        self.ended = (
            f"{where}: the script ends here ({', '.join(filter(None, [why, said]))}{run}):"
            " bash runs none of its lines after it, and iplab reads none"
        )

    def _exits(self, node: shellread.Node) -> bool:
        """``exit [N]``, or a call of a function of the script's whose own statements
        include a top-level ``exit`` (``usage() { echo ...; exit 1; }``)."""
        said = shellread.words(node)[:1] if node.type == "command" else []
        name = shellread.unquoted(said[0]) if said else None
        if name == "exit":
            return True
        defined = self.functions.get(name or "")
        return defined is not None and any(
            [shellread.source(w) for w in shellread.words(s)[:1]] == ["exit"]
            for s in defined.named_children
            if s.type == "command"
        )

    def _printed_by_function(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``ns=$(make_ns red)``, ``make_ns`` a function of the input whose commands change
        the lab and print nothing (``ip netns add "$name"``) and whose last one echoes a
        value iplab knows (``echo "$name"``): its commands, as a call's (:meth:`_function`),
        and the variable set to that value, as bash leaves them (hunt CL #6: the line was
        one raw step, whose shell had no make_ns, and each line using ``$ns`` was refused
        as one that may reach any object). None: any other statement."""
        value = node.child_by_field_name("value") if node.type == "variable_assignment" else None
        named = node.child_by_field_name("name")
        written = shellread.source(value).strip('"') if value is not None else ""
        if named is None or not (written.startswith("$(") and written.endswith(")")):
            return None
        root = shellread.parse(written[2:-1])
        called = shellread.statements(root)
        if shellread.has_error(root) or len(called) != 1 or called[0].type != "command":
            return None
        call = self._call(called[0], scope)
        if call is None or call.inside is not None or call.program not in self.functions:
            return None
        body = shellread.statements(self.functions[call.program])
        said = [shellread.source(w) for w in shellread.words(body[-1])] if body else []
        if body[-1].type != "command" or said[:1] != ["echo"] or len(said) != 2:
            return None
        frame = scope.copy()
        for key in [k for k in frame.values if k.isdigit()]:
            del frame.values[key]
        frame.values.update({str(n): arg for n, arg in enumerate(call.args, 1)})
        frame.values |= {"#": str(len(call.args)), "@": " ".join(call.args)}
        frame.values["*"] = frame.values["@"]
        warned = len(self.warnings)
        self._frames.append((*self._frame(call.program, number), number))
        try:
            cmds = self._statements(body[:-1], frame, number, inside)
        finally:
            self._frames.pop()
        echoed = _expanded(shellread.words(body[-1])[1], frame)
        silent = all(
            not isinstance(c.parsed.op, Raw) and not is_observation(c.parsed.op) for c in cmds
        )
        if not cmds or not silent or echoed is None or len(echoed[1]) != 1:
            del self.warnings[warned:]  # (read again as the raw step it stays)
            return None
        self.called.add(call.program)
        scope.returned(frame, _locals(self.functions[call.program]))
        name = shellread.source(named)
        scope.arrays.pop(name, None)
        scope.runtime.discard(name)
        scope.values[name], scope.lines[name] = echoed[1][0], self._line(number, node)
        return cmds

    def _counted(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``for ((i = 1; i <= 3; i++))``, ``while [ $i -lt 3 ]``, ``until (( i == 3 ))``: the
        body once an iteration, with the variables as bash has them then; None when iplab
        cannot run the loop's own arithmetic or test, or it runs over LOOP_LIMIT times."""
        state = scope.copy()
        c_style = node.type == "c_style_for_statement"
        tests = [c for c in node.children_by_field_name("condition") if c.is_named]
        body = node.child_by_field_name("body")
        if body is None or len(tests) > 1 or (not c_style and not tests):
            return None
        for start in node.children_by_field_name("initializer") if c_style else []:
            if start.is_named and arith.run_arithmetic(start, state.values, state.known) is None:
                return None
        where = self._where(number, node)
        count = _header_count(node, state) if c_style and tests else None
        if count is not None and count > LOOP_LIMIT:
            raise TooLarge(
                f"{where}: the loop runs more than {LOOP_LIMIT:,} times, the most iplab writes"
                " out at import",
                hint="write it as a scenario's loop, or smaller",
            )
        self.budget.enter(count, where)
        try:
            return self._counted_turns(node, scope, state, number, inside)
        finally:
            self.budget.leave()

    def _counted_turns(
        self,
        node: shellread.Node,
        scope: ShellVars,
        state: ShellVars,
        number: int,
        inside: _Call | None,
    ) -> list[Cmd] | None:
        """:meth:`_counted`'s iterations, its variables in ``state``."""
        c_style = node.type == "c_style_for_statement"
        until = node.children[:1] and node.children[0].type == "until"
        tests = [c for c in node.children_by_field_name("condition") if c.is_named]
        body = node.child_by_field_name("body")
        assert body is not None
        where = self._where(number, node)
        out: list[Cmd] = []
        for index in range(LOOP_LIMIT + 1):
            go: bool | None = True  # for ((;;)) runs until the limit: not unrolled
            if c_style and tests:
                value = arith.run_arithmetic(tests[0], state.values, state.known)
                go = None if value is None else value != 0
            elif not c_style:
                go = arith.condition(tests[0], state.values, lambda n: _word(n, state), state.known)
                go = go if go is None or not until else not go
            if go is None:
                return None
            if not go:  # the loop's variables as bash leaves them (NS+=(x) in its body)
                scope.take(state)
                return out
            got, stop = self._turn(out, body, state, number, inside=inside, index=index)
            out += got
            self.budget.made(len(out), index, where)
            if stop:
                scope.take(state)
                return out
            for step in node.children_by_field_name("update") if c_style else []:
                if step.is_named and arith.run_arithmetic(step, state.values, state.known) is None:
                    return None
        return None

    def _turn(
        self,
        out: list[Cmd],
        body: shellread.Node,
        scope: ShellVars,
        number: int,
        *,
        inside: _Call | None,
        index: int,
    ) -> tuple[list[Cmd], bool]:
        """:meth:`_iteration`; an ``exit`` in it keeps the commands of the times round
        before it (``out``)."""
        try:
            return self._iteration(body, scope, number, inside, index)
        except _Exited as stop:
            stop.before[:0] = out
            raise

    def _iteration(
        self, body: shellread.Node, scope: ShellVars, number: int, inside: _Call | None, index: int
    ) -> tuple[list[Cmd], bool]:
        """One time round a loop's body (its ``index``-th, from 0): its commands, and whether
        a ``break`` ends the loop (a ``continue`` ends only this time round)."""
        self.budget.turn(index, self._where(number, body))
        self._loops += 1
        try:
            return self._statements(shellread.statements(body), scope, number, inside), False
        except _Jump as jump:
            return jump.before, jump.kind == "break"
        finally:
            self._loops -= 1

    def _loop_values(self, node: shellread.Node, scope: ShellVars, where: str) -> list[str] | None:
        values: list[str] = []
        words = node.children_by_field_name("value")
        if not words:
            return None
        for word in words:
            got = self._word_values(word, scope, where)
            if got is None:
                return None
            values += got
        return values

    def _word_values(self, word: shellread.Node, scope: ShellVars, where: str) -> list[str] | None:
        """The values one word of ``for x in WORDS`` gives: ``{1..3}``, ``$(seq 3)``, ``$NSES``,
        ``$(ip netns list)`` (the namespaces the tutorial made)."""
        if shellread.source(word) in _ALL_ARGUMENTS:
            return scope.arguments()
        if (elements := scope.element_words(shellread.source(word))) is not None:
            return elements  # "${NS[@]}": one word an element
        if (braced := self._brace_words(word, scope, where)) is not None:
            return braced or None  # ({1..3}, x{a,b}: bash's brace expansion; []: not followed)
        if word.type == "command_substitution":
            inner = shellread.source(word)
            inner = inner[2:-1] if inner.startswith("$(") else inner[1:-1]
            if (listed := self._listed_text(inner, scope, where)) is not None:
                return listed
            expanded, unresolved = scope.expand(inner)
            if unresolved:
                return None
            said = printed.printf_output(expanded)  # for n in $(printf 'h%d ' 1 2)
            return _split(said) if said is not None else printed.seq_values(expanded)
        if word.type == "concatenation":
            out = [""]
            for part in word.named_children:
                got = self._word_values(part, scope, where)
                if got is None:
                    return None
                out = [a + b for a in out for b in got]
            return out
        text, unresolved = scope.expand(shellread.source(word))
        split = None if unresolved else _split(text)
        if split is None:
            return None
        if word.type in ("string", "raw_string"):
            return [" ".join(split)]
        if word.type in ("word", "concatenation") and _globbed(shellread.source(word)):
            return self._glob_values(text, where)  # (hunt P: once, with the glob in it)
        return split

    def _glob_values(self, text: str, where: str) -> list[str] | None:
        """``for l in /sys/class/net/veth*``: bash takes the host's links the pattern
        matches; read as the lab's links of the root namespace it matches (said in a
        warning). None, said: another glob, whose files only the host knows (run once with
        the glob in it, the loop's ``ip link del $(basename $l)`` took the host's vethzz)."""
        folder, _, pattern = text.rstrip("/").rpartition("/")
        state = self._lab_state() if folder in linksources.GLOB_DIRS else None
        space = state.ns(None) if state is not None else None
        if space is None or space.unknown or linksources.is_glob(folder):
            self.warnings.append(
                f"{where}: the loop goes over the files {text} matches, which only the host"
                " knows; skipped (write the values out: for l in veth0 veth1)"
            )
            return None
        names = sorted(k.name for k in space.links.values() if not k.unknown)
        names = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
        self.warnings.append(
            f"{where}: {text} lists links of the root namespace: iplab reads it as the links"
            f" the tutorial made there and runs the line for those only"
            f" ({', '.join(names) or 'none'}); bash, running the printed script, would take"
            " every link of the host it matches"
        )
        return [f"{folder}/{name}" for name in names]

    def _brace_words(self, word: shellread.Node, scope: ShellVars, where: str) -> list[str] | None:
        """The values a loop's word with a brace expansion gives (``{01..12}``,
        ``{1..10..3}``, ``rack{a..c}``), each then expanded and split as bash does; None:
        the word holds none; []: iplab cannot follow it (said)."""
        written = shellread.source(word)
        try:
            pieces = shellread.brace_expand(written)
        except shellread.BraceError as exc:
            self.warnings.append(f"{where}: bash's brace expansion of {written}: {exc}")
            return []
        if pieces == [written]:
            return None
        out: list[str] = []
        for piece in pieces:
            text, unresolved = scope.expand(piece)
            split = None if unresolved else _split(text)
            if split is None:
                return []
            out += split
        return out

    def _braces(self, node: shellread.Node, where: str) -> str:
        """``node``'s text with bash's brace expansions written out (``ip netns add
        spare{1..3}``: three words); as written, with a warning, where iplab cannot follow."""
        try:
            return shellread.braces_expanded(node)
        except shellread.BraceError as exc:
            self.warnings.append(
                f"{where}: bash's brace expansion in {shellread.source(node)!r}: {exc}; kept"
                " as written, as a raw command iplab does not follow"
            )
            return shellread.source(node)

    # -- "for every namespace": the lab's own ---------------------------------------------

    def _lab_namespaces(self) -> list[str]:
        """The namespaces the input has made and not deleted before the line being read, in
        the order it made them (what ``ip netns list`` lists of the lab)."""
        made: dict[str, None] = {}
        for event in self.events:
            if isinstance(event, Note):
                continue
            for cmd in event.cmds if isinstance(event, Block) else [event]:
                op = cmd.parsed.op
                if isinstance(op, NetnsAdd):
                    made[op.name] = None
                elif isinstance(op, NetnsDel):
                    made.pop(op.name, None)
                elif isinstance(op, NetnsDelAll):
                    made.clear()
                elif isinstance(op, Raw | NetnsExec) and (effects := effects_of(op)) is not None:
                    made.update((e.name, None) for e in effects.creates if e.what == "netns")
                    for effect in effects.deletes:
                        if effect.what == "netns":
                            made.pop(effect.name, None)
        return list(made)

    def _listed(
        self,
        parts: Sequence[shellread.Node],
        scope: ShellVars,
        where: str,
        inside: str | None = None,
    ) -> list[str] | None:
        """The names ``ip netns list`` and the filters after it (``| awk '{print $1}'``,
        ``| grep red``) hand on, read as the lab's own namespaces (said in a warning); the
        same of ``ip -br link`` (run ``inside`` a namespace, or in the root), read as the
        lab's links; None: the commands are not such a listing."""
        argvs: list[list[str]] = []
        for part in parts:
            if part.type != "command":
                return None
            words = [_word(w, scope) for w in shellread.words(part)]
            if not words or any(w is None for w in words):
                return None
            argvs.append([w for w in words if w is not None])
        said = listing_of_netns(argvs[0]) if argvs else None
        if said is None:
            return self._links_listed(argvs, where, inside) if argvs else None
        names: list[str] | None = self._lab_namespaces()
        for argv in argvs[1:]:
            names = listing.filtered(names or [], argv)
            if names is None:
                return None
        assert names is not None
        made = ", ".join(names) if names else "none at this point"
        self.warnings.append(
            f"{where}: {said} lists every namespace of the host: iplab reads it as the"
            f" namespaces the tutorial made ({made}) and runs the line for those only (bash,"
            " running the printed script, would take every namespace of the host)"
        )
        return names

    def _lab_state(self) -> State | None:
        """The model's state after the commands read so far (None: the model cannot tell)."""
        ops = [
            cmd.parsed.op
            for event in self.events
            if not isinstance(event, Note)
            for cmd in (event.cmds if isinstance(event, Block) else [event])
        ]
        try:
            return state_after(ops, judge=Judge(strict=False))
        except ScenarioError:
            return None

    def _links_listed(
        self, argvs: list[list[str]], where: str, inside: str | None
    ) -> list[str] | None:
        """``ip -br link | awk '/^veth/ {print $1}' | cut -d@ -f1``: the names the filters
        leave of the lines the links the lab made there would print (hunt K: the lab's
        cleanup ran as written and deleted the host's own link of the same pattern); None:
        not a listing of links, or one iplab cannot read so (the model then refuses the line
        as it stays)."""
        found = linklisting.listing_of_links(argvs[0], inside or None)
        state = self._lab_state() if found is not None else None
        space = state.ns(found.ns) if state is not None and found is not None else None
        if found is None or space is None or space.unknown:
            return None
        links = [link for link in space.links.values() if not link.unknown]
        lines = linklisting.lines(found, links, space.name)
        for argv in argvs[1:]:
            lines = None if lines is None else listing.filtered(lines, argv)
        names = None if lines is None else listing.names_of(lines, [k.name for k in links])
        if names is None:
            return None
        made = ", ".join(names) if names else "none"
        self.warnings.append(
            f"{where}: {found.said} lists every link of {ns_label(space.name)}: iplab reads it"
            f" as the links the tutorial made there and runs the line for those only ({made});"
            " bash, running the printed script, would take every link of the host it matches"
        )
        return names

    def _listed_text(self, text: str, scope: ShellVars, where: str) -> list[str] | None:
        """``$(ip netns list | awk '{print $1}')``: the names (see _listed), or None."""
        statements = shellread.statements(shellread.parse(text))
        if len(statements) != 1:
            return None
        node = statements[0]
        parts = node.named_children if node.type == "pipeline" else [node]
        return self._listed(parts, scope, where, self._listing_in)

    def _produced(
        self,
        parts: Sequence[shellread.Node],
        scope: ShellVars,
        where: str,
        inside: _Call | None,
    ) -> list[str] | None:
        """The lines the commands before ``| xargs`` or ``| while read`` hand on: those of
        ``seq`` (``seq 30 | xargs -I{} ip netns add ns{}``: hunt CO, one raw step that
        --prefix refused, as a loop over ``$(seq 30)`` is read), or a listing's names (see
        _listed); None: neither."""
        if len(parts) == 1 and parts[0].type == "command":
            words = [_word(w, scope) for w in shellread.words(parts[0])]
            if (
                words[:1] == ["seq"]
                and None not in words
                and not any(w is not None and w.startswith(("-s", "--s")) for w in words)
            ):  # (seq -s ' ' prints one line: not one a name)
                return printed.seq_values(shlex.join(w for w in words if w is not None))
        return self._listed(parts, scope, where, inside.inside if inside else None)

    def _each_listed(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``ip netns | xargs -n1 ip netns del`` or ``ip netns list | while read ns _; do
        ...; done``: the commands for each of the lab's namespaces; None: another pipeline."""
        parts = node.named_children
        if len(parts) < 2 or any(p.type == "comment" for p in parts):
            return None
        last = parts[-1]
        where = self._where(number, node)
        if last.type == "command":
            words = [_word(w, scope) for w in shellread.words(last)]
            if not words or words[0] != "xargs" or any(w is None for w in words):
                return None
            argv = [w for w in words if w is not None]
            if listing.xargs_commands(argv, []) is None:
                return None
            names = self._produced(parts[:-1], scope, where, inside)
            commands = None if names is None else listing.xargs_commands(argv, names)
            if commands is None:
                return None
            return self._commands([shlex.join(c) for c in commands], inside, number, where)
        if last.type != "while_statement":
            return None
        condition = last.child_by_field_name("condition")
        body = last.child_by_field_name("body")
        read = [_word(w, scope) for w in shellread.words(condition)] if condition else []
        variables = [w for w in read[1:] if w is not None and not w.startswith("-")]
        if (
            body is None
            or read[:1] != ["read"]
            or None in read
            or not variables
            or not all(_NAMED.fullmatch(v) for v in variables)
        ):
            return None
        names = self._produced(parts[:-1], scope, where, inside)
        if names is None:
            return None
        out: list[Cmd] = []
        state = scope.copy()  # (a pipeline's loop runs in a subshell: its variables stay there)
        self.budget.enter(len(names), where)
        try:
            for index, name in enumerate(names):
                state.values[variables[0]], state.lines[variables[0]] = name, number
                for rest in variables[1:]:
                    state.values[rest], state.lines[rest] = "", number
                self.budget.turn(index, where)
                out += self._statements(shellread.statements(body), state, number, inside)
                self.budget.made(len(out), index, where)
        finally:
            self.budget.leave()
        return out

    def _remember_written(self, first: str, call: _Call, body: str, *, literal: bool) -> None:
        """``cat > F <<EOF`` (``cat >> F``, ``tee [-a] F``): F's lines, kept for an ``ip
        -batch F`` that reads them; a file written any other way is forgotten. So is one a
        quoted document (``<<'EOF'``, ``literal``) writes with a ``$`` in it: ip reads
        ``netns add $NS`` as written, a name with a $ in it, where a step's shell would
        expand $NS (hunt AL); the batch stays a raw step, read when the plan is built."""
        path, appends = _written_path(first, call)
        if path is None:
            return
        if literal and "$" in body:
            self.written.pop(path, None)
            return
        lines = body.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if _HEREDOC_OP.search(first) and "<<-" in first:
            lines = [line.lstrip("\t") for line in lines]
        self.written[path] = [*self.written.get(path, []), *lines] if appends else lines

    def _written_script(self, call: _Call, number: int) -> list[Cmd] | None:
        """``sh lab.sh`` (``sudo bash F``, ``./F``, ``ip netns exec NS sh F``) of a file the
        input wrote from a here-document (``cat > lab.sh <<EOF``): the script's commands,
        read as a shell of their own reads them (none of the input's variables), printed as
        the line is written. Hunt CW: it was a raw step iplab could not follow, so --prefix
        left the script's names as they were and down left its namespaces behind ("new on
        this host since the run began ... iplab leaves them"). None: another command, or a
        file iplab does not know the lines of."""
        if call.script is not None:
            return None
        if call.program in shellread.SHELLS and len(call.args) == 1:
            path = call.args[0]
        elif not call.args and "/" in call.program:
            path = call.program  # ./lab.sh (after chmod +x)
        else:
            return None
        known = {posixpath.normpath(k): k for k in self.written}
        lines = self.written.get(known.get(posixpath.normpath(path), ""))
        root = shellread.parse("\n".join(lines)) if lines else None
        if root is None or shellread.has_error(root):
            return None
        inside = call if call.inside is not None else None
        if inside is None and call.sudo:
            inside = _Call(True, "", call.program, [], None, call.program)
        self._frames.append((path, number, number))
        try:
            return self._statements(shellread.statements(root), ShellVars(), number, inside)
        except _Jump:
            return None
        finally:
            self._frames.pop()

    def _forget_written(self, text: str) -> None:
        """A command that names a file the input wrote from a here-document (``echo "netns
        del x" >> lab.batch``, ``sed -i ... lab.batch``, ``rm lab.batch``), or a glob that
        matches it (``sed -i s/blue/green/ *.batch``), may change it: its lines are no longer
        known. After ``cd`` (``pushd``, ``popd``), a relative name is another directory's
        file (hunt AL: ``ip -batch lab.batch`` ran the lines written in another directory)."""
        try:
            self._follow_written(text)
        finally:
            self._seen.append(text)

    def _follow_written(self, text: str) -> None:
        """:meth:`_forget_written` of one command, before it is counted as seen. Hunt DH #1:
        a batch file written line after line with no loop and no ``rm -f`` first (``echo
        "netns add a" >> /tmp/b.txt`` twice, then ``ip -batch /tmp/b.txt``: iproute2's own
        testsuite writes its batches so) stayed a raw step ``check`` refused ("/tmp/b.txt
        does not exist now"). An append to a file no earlier command named starts it (as
        ``>`` would: a file that was there would give ip more lines, said at the batch:
        :attr:`started`); ``rm -f A B`` empties each of its files."""
        if (removed := _removed_files(text)) is not None:
            for path in removed:
                self.written[path] = []
                self.started.discard(path)
            return
        if (line := _line_written(text)) is not None:
            path, appends, lines = line  # echo "netns add n$i" >> lab.batch, in a loop
            if appends and path not in self.written:
                if self._named_before(path):
                    return  # (appended to a file iplab does not know: still unknown)
                self.started.add(path)
                self.written[path] = lines
                return
            if not appends:
                self.started.discard(path)
            self.written[path] = [*self.written[path], *lines] if appends else lines
            return
        commands = [unwrapped(list(words)) for words in simple_commands(text) or []]
        if commands and ">" not in text and all(c[:1] and _keeps_file(c[0]) for c in commands):
            return  # chmod +x lab.sh, cat lab.sh, sh lab.sh: its lines are as they were
        moved = any(c[:1] in (["cd"], ["pushd"], ["popd"]) for c in commands)
        globs = [Path(w).name for c in commands for w in c[1:] if _GLOB.search(w)]
        for path in list(self.written):
            name = Path(path).name
            if (
                path in text
                or (moved and not path.startswith("/"))
                or any(fnmatch.fnmatchcase(name, g) for g in globs)
            ):
                del self.written[path]

    def _named_before(self, path: str) -> bool:
        """Whether a command before named ``path`` (its file name, in any directory, or a
        glob that may match it): what it holds may be more than iplab knows."""
        name = posixpath.basename(path)
        for seen in self._seen:
            if name in seen:
                return True
            globs = (posixpath.basename(w.strip("'\"")) for w in seen.split() if _GLOB.search(w))
            if any(fnmatch.fnmatchcase(name, g) for g in globs if g):
                return True
        return False

    def _written_batch(self, call: _Call, where: str) -> list[str] | None:
        """``ip [OPTIONS] -batch F`` of a file the input wrote from a here-document
        (``cat > lab.batch <<EOF``): its lines as the ip commands they are, as ``ip -batch -
        <<EOF`` is read (the batch file was refused: it did not exist when iplab judged it,
        and its lines are not the lab's steps, so --prefix, the journal and verify miss them).
        None: another command, or a file the input did not write so."""
        found = _batch_file(call)
        if found is None or found[1] not in self.written:
            return None
        opts, path = found
        sudo = "sudo " if call.sudo else ""
        rows = [r.strip() for r in self.written[path]]
        if any(r.startswith("-") for r in rows):
            return None  # (-n alpha addr add ...: ip's batch reads no options, the line
            # fails; left to the plan, which reads the file and says so)
        if path in self.started:
            self.started.discard(path)  # (said once)
            self.warnings.append(
                f"{where}: {call.program} -batch {path} runs the lines the input appends to"
                f" {path}, a file it never empties first: iplab takes {path} as new and runs"
                " those lines alone (one left on this host by an earlier run would give"
                f" {call.program} its lines too; rm -f {path} first makes that sure)"
            )
        return [f"{sudo}{call.program} {opts}{r}" for r in rows if r and r[0] != "#"]

    def _printed_batch(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``printf 'link set a up\\naddr add ...\\n' | ip [OPTIONS] -batch -``: each line
        the literal format prints is one ip command, read as ``ip -batch - <<EOF`` is (hunt
        AF #10: a raw step, refused as one that reads its commands from standard input).
        None: another pipeline, or a format with more than newlines to print."""
        parts = node.named_children
        if (
            len(parts) == 2
            and parts[0].type in ("for_statement", *_COUNTED)
            and parts[1].type == "command"
        ):  # (a pipeline's loop runs in a subshell: what it sets stays there)
            return self._looped_batch(parts[0], parts[1], scope.copy(), number, inside)
        if len(parts) != 2 or any(p.type != "command" for p in parts):
            return None
        call = self._call(parts[1], scope)
        opts = _batch_options(call) if call is not None and call.args else None
        words = [_word(w, scope) for w in shellread.words(parts[0])]
        if call is None or opts is None or len(words) != 2 or words[0] != "printf":
            return None
        text = printed_text([w or "" for w in words]) if words[1] else None
        if text is None or "%" in text or "\\" in text or text.startswith("-"):
            return None  # (printf -v, %s, \t: not only lines of text)
        sudo = "sudo " if call.sudo else ""
        rows = [r.strip() for r in text.splitlines()]
        lines = [f"{sudo}{call.program} {opts}{r}" for r in rows if r and r[0] != "#"]
        return _forced(call, self._commands(lines, inside, number, self._where(number, node)))

    def _looped_batch(
        self,
        loop: shellread.Node,
        reader: shellread.Node,
        scope: ShellVars,
        number: int,
        inside: _Call | None,
    ) -> list[Cmd] | None:
        """``for i in 1 2 3; do echo "netns exec ns$i ip link set lo up"; done | ip -batch
        /dev/stdin`` (``| ip -n NS -b -``): each line the loop echoes is one ip command, read
        as ``ip -batch - <<EOF`` is (a raw step the model could not judge, "it reads its
        commands from standard input"). A loop whose lines are known only when it runs
        (``for i in $(seq 0 $NUM_IF)``, ``echo "$line"`` of a ``read``) stays one raw step,
        said at its line. None: another pipeline."""
        call = self._call(reader, scope)
        opts = _batch_options(call) if call is not None and call.args else None
        if call is None or opts is None:
            return None
        where = self._where(number, loop)
        rows = self._echoed_rows(loop, scope, where)
        if rows is None:
            unknown = sorted(
                {
                    m[1]
                    for m in _RUNTIME_REF.finditer(shellread.source(loop))
                    if scope.values.get(m[1]) is None and m[1] != _loop_name(loop)
                }
            )
            why = f" (it uses ${', $'.join(unknown)}, unknown before then)" if unknown else ""
            self.warnings.append(
                f"{where}: the lines this loop feeds `{call.program} -batch` are known only"
                f" when it runs{why}: iplab cannot judge them"
            )
            return None
        if (optioned := next((r for r in rows if r.startswith("-")), None)) is not None:
            self.warnings.append(
                f"{where}: `{call.program} -batch` reads no options in its lines: {optioned!r}"
                f' fails there (Object "{optioned.split()[0]}" is unknown); kept as one raw'
                " step (put the option on the command: ip -n NS -batch -)"
            )
            return None
        sudo = "sudo " if call.sudo else ""
        lines = [f"{sudo}{call.program} {opts}{r}" for r in rows if r and r[0] != "#"]
        return _forced(call, self._commands(lines, inside, number, where))

    def _echoed_rows(self, node: shellread.Node, scope: ShellVars, where: str) -> list[str] | None:
        """The lines a loop of ``echo``/``printf`` lines prints (nested loops, several
        lines a turn), its variables set to each value; None: anything else in it, or a
        word whose value iplab cannot know."""
        if node.type == "comment":
            return []
        if node.type == "compound_statement" and shellread.source(node).startswith("(("):
            inner = node.named_children  # ((i++)) in a counted loop's body
            if len(inner) != 1 or arith.run_arithmetic(inner[0], scope.values, scope.known) is None:
                return None
            return []
        if node.type == "variable_assignment":  # i=$((i+1))
            named = node.child_by_field_name("name")
            line = shellread.one_line(shellread.source(node))
            if named is None or not scope.assign(line, scope.lines.get(shellread.source(named), 0)):
                return None
            return [] if scope.values.get(shellread.source(named)) is not None else None
        if node.type in _COUNTED:
            return self._counted_rows(node, scope, where)
        if node.type in ("do_group", "compound_statement"):
            out: list[str] = []
            for child in node.named_children:
                got = self._echoed_rows(child, scope, where)
                if got is None:
                    return None
                out += got
            return out
        if node.type == "command":
            words = [_word(w, scope) for w in shellread.words(node)]
            if (
                len(words) < 2
                or any(w is None for w in words)
                or words[0] not in ("echo", "printf")
            ):
                return None
            said = [w or "" for w in words]
            if said[0] == "echo" and re.fullmatch(r"-[neE]+", said[1]):
                return None  # (echo -e, -n: escapes or no newline)
            text = printed_text(said)
            if text is None or "\\" in text or (said[0] == "printf" and "%" in text):
                return None
            return [r.strip() for r in text.splitlines()]
        var, body = node.child_by_field_name("variable"), node.child_by_field_name("body")
        if node.type != "for_statement" or var is None or body is None:
            return None
        values = self._loop_values(node, scope, where)
        if values is None:
            return None
        name = shellread.source(var)
        kept = (name in scope.values, scope.values.get(name))
        rows: list[str] = []
        self.budget.enter(len(values), where)
        try:
            for index, value in enumerate(values):
                scope.values[name] = value
                got = self._echoed_rows(body, scope, where)
                if got is None:
                    return None
                rows += got
                self.budget.made(len(rows), index, where)
        finally:
            self.budget.leave()
            if kept[0]:
                scope.values[name] = kept[1]
            else:
                scope.values.pop(name, None)
        return rows

    def _counted_rows(self, node: shellread.Node, scope: ShellVars, where: str) -> list[str] | None:
        """:meth:`_echoed_rows` of ``while [ $i -le 3 ]; do echo ...; i=$((i+1)); done``
        (``for ((i = 1; i <= 3; i++))``): the lines of each turn, the loop's own test and
        arithmetic run as bash runs them (hunt DV #2: the loop piped into ``ip -batch -``
        was not read). None: a test or a word iplab cannot know, or over LOOP_LIMIT turns."""
        c_style = node.type == "c_style_for_statement"
        tests = [c for c in node.children_by_field_name("condition") if c.is_named]
        body = node.child_by_field_name("body")
        if (
            body is None
            or len(tests) != 1
            or (node.children[:1] and node.children[0].type == "until")
        ):
            return None
        for start in node.children_by_field_name("initializer") if c_style else []:
            if start.is_named and arith.run_arithmetic(start, scope.values, scope.known) is None:
                return None
        rows: list[str] = []
        self.budget.enter(None, where)
        try:
            for index in range(LOOP_LIMIT + 1):
                if c_style:
                    value = arith.run_arithmetic(tests[0], scope.values, scope.known)
                    go = None if value is None else value != 0
                else:
                    go = arith.condition(
                        tests[0], scope.values, lambda n: _word(n, scope), scope.known
                    )
                if go is None:
                    return None
                if not go:
                    return rows
                got = self._echoed_rows(body, scope, where)
                if got is None:
                    return None
                rows += got
                self.budget.made(len(rows), index, where)
                for step in node.children_by_field_name("update") if c_style else []:
                    if (
                        step.is_named
                        and arith.run_arithmetic(step, scope.values, scope.known) is None
                    ):
                        return None
        finally:
            self.budget.leave()
        return None

    def _echoed_script(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``echo "ip link set lo up" | sudo ip netns exec c1 sh`` (``printf '...\\n...' |
        ... bash``, ``| sudo nsenter --net=... sh``): the text a shell in the namespace
        reads, its commands there, as ``ip netns exec c1 sh <<EOF`` is read (a raw step
        iplab could not follow: verify compared nothing of c1's after it, hunt AF #11).
        None: another pipeline."""
        parts = node.named_children
        if inside is not None or len(parts) != 2 or any(p.type != "command" for p in parts):
            return None
        call = self._call(parts[1], scope)
        if call is None or call.inside is None or call.script is not None or call.args:
            return None
        if call.program not in shellread.SHELLS:
            return None
        words = [_word(w, scope) for w in shellread.words(parts[0])]
        if not words or words[0] not in ("echo", "printf") or any(w is None for w in words):
            return None
        said = [w or "" for w in words]
        if said[0] == "echo" and "-e" in said[1:]:
            said = ["printf", " ".join(w for w in said[1:] if w not in ("-e", "-n"))]
        text = printed_text(said)
        if text is None or "%" in text or "\\" in text:
            return None  # (printf %s ARGS, escapes other than a newline: not read)
        return self._script(text, call, scope, number + node.start_point.row)

    def _heredoc(
        self,
        node: shellread.Node,
        scope: ShellVars,
        number: int,
        inside: _Call | None,
        where: str,
    ) -> list[Cmd]:
        """``ip netns exec NS bash <<EOF ... EOF``: the body's commands, inside NS. Any other
        here-document (a file written with ``cat``) is read whole and kept as a note."""
        parts = shellread.heredoc(node)
        if parts is not None and parts[0].type == "while_statement":
            fed = self._fed_loop(*parts, scope, number=number, inside=inside)
            if fed is None:
                self.warnings.append(
                    f"{where}: a loop over the lines of a here-document is read only as"
                    " `while read [-r] NAME...`; skipped (write the values out: for ns in a b)"
                )
            return fed or []
        call = self._call(parts[0], scope) if parts and parts[0].type == "command" else None
        if parts is not None and call is not None and (opts := _batch_options(call)) is not None:
            # ip -batch - <<EOF: each line of the here-document is one ip command
            text = scope.expand(parts[1])[0] if parts[2] else parts[1]
            rows = [r.strip() for r in text.splitlines()]
            sudo = "sudo " if call.sudo else ""  # (tc -b -, bridge -b - too: hunt P)
            lines = [f"{sudo}{call.program} {opts}{r}" for r in rows if r and r[0] != "#"]
            return _forced(call, self._commands(lines, inside, number, where))
        if parts is not None and call is not None and _fed_program(call):
            # cat > /etc/netns/red/resolv.conf <<EOF (a file the next steps read), ip netns
            # exec gw nft -f - <<EOF, iptables-restore <<'EOF' (hunt J: its body lines ran
            # as commands): one line that feeds the document to the same command, as bash
            first = shellread.source(node).splitlines()[0]
            line = _fed_line(first, parts[1], parts[2])
            fed = self._commands([scope.expand(line)[0]], inside, number, where) if line else []
            self._remember_written(
                scope.expand(first)[0],
                call,
                scope.expand(parts[1])[0] if parts[2] else parts[1],
                literal=not parts[2],
            )
            if line is not None:  # (run with the script's values, as its other lines are:
                # hunt Y, cat > $WORK/x.conf ran with $WORK unset and wrote /x.conf)
                return fed
            if call.program not in ("cat", "tee"):
                self.warnings.append(
                    f"{where}: the here-document fed to {call.program} is kept as a note,"
                    " not run (its lines are continued with \\: write them out joined)"
                )
                return []
        if parts is None or call is None or call.inside is None or call.script is not None:
            self.warnings.append(
                f"{where}: a here-document is kept as a note, not run"
                " (write the file in a raw step of its own)"
            )
            return []
        body, expands = parts[1], parts[2]
        script = scope.expand(body)[0] if expands else body
        start = number + node.start_point.row + 1  # (the document starts on the next line)
        return self._script(script, call, scope, start)

    def _loop_to_file(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``for i in $(seq 1 3); do echo "link set dev v$i up"; done > up.batch`` (``>>``):
        the lines the loop prints, written to the file by one step (``printf '%s\\n' LINE...
        > up.batch``) and kept for an ``ip -batch up.batch`` after it, read as the steps ip
        runs (hunt DV #1: the loop was "a shell construct ... skipped", so the file was never
        written and the batch was left unjudged: "does not exist now"). A loop whose lines
        are known only when it runs is said at its line. None: another statement."""
        looped = _redirected_loop(node, ("for_statement", *_COUNTED))
        if looped is None:
            return None
        body, said, target = looped
        path = _word(target, scope) if target is not None and said in ([">"], [">>"]) else None
        if path is None or not path or any(c in path for c in "$`*?"):
            return None
        where = self._where(number, node)
        rows = self._echoed_rows(body, scope, where)
        if rows is None:
            self.warnings.append(
                f"{where}: the lines this loop writes to {path} are known only when it runs"
                f" (it prints more than literal echo/printf lines, or loops over values iplab"
                f" cannot know): iplab cannot judge what a later ip -batch {path} runs"
            )
            return None
        args = " ".join(shlex.quote(r) for r in rows)
        line = (
            f"printf '%s\\n' {args} {said[0]} {shlex.quote(path)}"
            if rows
            else f": {said[0]} {shlex.quote(path)}"
        )
        return self._commands([line], inside, number, where)

    def _file_fed_loop(
        self, node: shellread.Node, scope: ShellVars, number: int, inside: _Call | None
    ) -> list[Cmd] | None:
        """``while read name addr; do ...; done < hosts.txt`` of a file the input wrote
        (``cat > hosts.txt <<EOF``): read as the same loop over a here-document is (hunt CO:
        "a multi-line shell construct ... skipped", and the lab's namespaces with it).
        None: another statement, or a file iplab does not know."""
        looped = _redirected_loop(node, ("while_statement",))
        if looped is None:
            return None
        body, said, target = looped
        path = _word(target, scope) if target is not None and said == ["<"] else None
        if path is None or path not in self.written:
            return None
        lines = "\n".join(self.written[path])
        return self._fed_loop(body, lines, False, scope, number=number, inside=inside)

    def _fed_loop(
        self,
        loop: shellread.Node,
        lines: str,
        expands: bool,
        scope: ShellVars,
        *,
        number: int,
        inside: _Call | None,
    ) -> list[Cmd] | None:
        """``while read -r ns addr; do ...; done <<EOF`` (a table in the script): the body once
        a line of the here-document, its words in the names as ``read`` splits them (the last
        name takes the rest of the line). None: another loop, or a ``read`` with other options
        or its own IFS."""
        tests = [c for c in loop.children_by_field_name("condition") if c.is_named]
        body = loop.child_by_field_name("body")
        if body is None or len(tests) != 1 or tests[0].type != "command":
            return None
        if any(c.type == "variable_assignment" for c in tests[0].named_children):
            return None  # IFS=, read ...: its own splitting
        said = [shellread.unquoted(w) or "" for w in shellread.words(tests[0])]
        names = [w for w in said[1:] if w != "-r"]
        if said[:1] != ["read"] or not names or not all(_NAMED.fullmatch(n) for n in names):
            return None
        text = scope.expand(lines)[0] if expands else lines
        rows = text.splitlines()
        if len(rows) > LOOP_LIMIT:
            return None
        out: list[Cmd] = []
        where = self._where(number, loop)
        self.budget.enter(len(rows), where)
        try:
            for index, row in enumerate(rows):
                fields = row.split(maxsplit=len(names) - 1)
                inner = scope.copy()
                for i, name in enumerate(names):
                    inner.values[name] = fields[i].rstrip() if i < len(fields) else ""
                    inner.lines[name] = number
                self.budget.turn(index, where)
                out += self._statements(shellread.statements(body), inner, number, inside)
                self.budget.made(len(out), index, where)
        finally:
            self.budget.leave()
        return out

    def _in_session(self, text: str, number: int) -> str:
        """A command typed in the shell that ``nsenter``/``ip netns exec NS bash`` opened;
        one that opens a shell in another namespace opens it inside this one (``exit``
        comes back here)."""
        session = self.sessions[-1]
        if session.away and self._back_on_the_host(session, text, number):
            self.sessions.pop()
            return self.command(text, number, [(number, text)], 1)[1]
        if session.away:  # typed where iplab cannot go: a note, never a step (nor a title)
            self.note("fence", text, number)
            if leaves_shell(text):
                self.sessions.pop()
            else:
                self._typed_away(session, text, number)
            return "speaking"
        if _EOF_KEY.fullmatch(text.strip()):  # (^D: no line of the script; the shell is left)
            self.note("comment", "\n".join([*session.lead, text]), number)
            self.sessions.pop()
            return "speaking"
        if leaves_shell(text):
            last = session.block
            if last is not None:
                last.text += "\n" + text
            else:
                self.note("comment", "\n".join([*session.lead, text]), number)
            self.sessions.pop()
            return "speaking"
        call = _Call(session.call.sudo, session.call.inside, "", [], None, session.call.shell)
        root = shellread.parse(text)
        found = shellread.statements(root)
        if len(found) == 1 and not shellread.has_error(root) and found[0].type == "command":
            shell = self._call(found[0], self.vars)
            if shell is not None and shell.inside and _opens_a_shell(shell):
                # ip netns exec ns2 bash, typed in ns1's shell: the lines after it, in ns2
                self.sessions.append(
                    _Session(shell, [*session.lead, text], self.prompt, opened=text)
                )
                session.lead = []
                return "silent"
        if session.scope is None:  # (what the shell sets stays in it, until exit)
            session.scope = self.vars.copy()
        cmds = self._statements(shellread.statements(root), session.scope, number, call)
        if not cmds:
            self.note("comment", text, number)
            return "speaking"
        block = Block("\n".join([*session.lead, text]), number, number, cmds, standalone=False)
        session.lead, session.block = [], block
        self._keep(block)
        return "speaking"

    def _typed_away(self, session: _Session, text: str, number: int) -> None:
        """Said with its line: ``text`` is typed in the container, the virtual machine or
        the host the session's shell is in, not on this host (hunt DW: besthub's lines after
        ``vagrant ssh``); one warning for the session, naming each of its lines."""
        end = number + text.count("\n")
        runs = session.typed
        if runs and runs[-1][1] >= number - 1:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((number, end))
        at = self.warnings.index(session.said) if session.said in self.warnings else None
        if runs == [(number, number)]:
            said = f"line {number}: {text.strip()!r} is typed in {session.away}"
        else:
            lines = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
            said = f"lines {lines} are typed in {session.away}"
        session.said = (
            f"{said} (the shell {session.opened!r} opened at line {session.line}):"
            f" {'a note, not a step' if said[:5] == 'line ' else 'notes, not steps'} on this"
            " host"
        )
        if at is None:
            self.warnings.append(session.said)
        else:
            self.warnings[at] = session.said

    def _moved_elsewhere(self, number: int) -> None:
        """A line at the prompt of another machine than the one a shell elsewhere runs on
        (``vagrant@host2:~$`` in ``vagrant ssh host1``'s shell, whose lines had
        ``vagrant@host1:~$``; hunt EA): the page left that shell, its exit not shown. At the
        prompt of the host the shell was opened on (``root@laptop:~#`` after ``alice@laptop``
        opened it), the page is back there; at one of a machine that shell was not, it goes
        on on that machine (a shell no line here opens: its lines are notes), said with its
        line, as a guess. The shell left may come back (a line at its prompt)."""
        session = self.sessions[-1]
        here, inner = prompt_host(self.prompt), prompt_host(session.inner)
        if here is None or inner is None or here == inner or self.prompt is None:
            return  # (the prompts do not tell, or the line is typed in that shell)
        self.sessions.pop()
        assert session.inner is not None  # (inner is the prompt prompt_host read)
        self.parked[self.terminal, session.inner] = session
        prompt = self.prompt.strip()
        left = (
            f"line {number}: the prompt {prompt!r} is not the one of the shell"
            f" {session.opened!r} opened at line {session.line} ({session.inner.strip()!r}):"
            " read as left there, no exit shown"
        )
        if (parked := self._parked_at(self.prompt)) is not None:
            self.sessions.append(self.parked.pop(parked))  # (back in a shell left before)
            self.warnings.append(f"{left}; back in the shell {self.sessions[-1].opened!r}")
            return
        if here == prompt_host(session.prompt):
            self.warnings.append(f"{left}; back on the host it was opened on ({here})")
            return
        self.warnings.append(
            f"{left}; its lines are read as typed on {here}, not on this host (if they are"
            " this host's, write exit before them)"
        )
        self.sessions.append(
            _Session(
                session.call,
                [],
                session.prompt,
                opened=prompt,
                inner=self.prompt,
                away="another host",
                line=number,
            )
        )

    def _back_on_the_host(self, session: _Session, text: str, number: int) -> bool:
        """A program that drives containers from the host (``docker run -d ...``), typed in
        a container's shell: the page is back on the host, its exit not shown (hunt DW:
        besthub's ``# docker run -it --name mycontainer busybox``, ``# ifconfig``, then ``#
        docker run -d -p 8080:80 nginx``, every line at root's ``#``). In a virtual
        machine or on another host, docker is that machine's: still there."""
        words = text.split()
        while words and (program_name(words[0]) in ("sudo", "doas") or words[0].startswith("-")):
            words = words[1:]
        if not words or program_name(words[0]) not in HOST_TOOLS:
            return False
        # (in a virtual machine, the program that opened its shell is the host's: ``vagrant
        # halt`` after ``vagrant ssh``, hunt EA; another tool may be the machine's own)
        opener = program_name(session.call.program) if session.call.program else ""
        if session.away not in ("a container", "a pod") and program_name(words[0]) != opener:
            return False
        self.warnings.append(
            f"line {number}: {words[0]} is typed in {session.away} (the shell"
            f" {session.opened!r} opened at line {session.line}) with no exit shown: read as"
            " typed back on the host"
        )
        return True

    def _source(self, args: Sequence[str], number: int, beside_only: bool = False) -> None:
        """``. ./env.sh``, ``source tests/libtest.sh``: the variables the file sets and the
        functions it defines, read as bash reads it, from the working directory, else beside
        the input, else from a folder above the input (a repository's test script run from
        its root: hunt EU #2, the functions' calls stayed raw steps with no word);
        ``beside_only``: ``. "$(dirname "$0")/f"``, the file beside the script (hunt AB #4:
        the working directory was never read)."""
        shown = " ".join([".", *args])
        path, said = self._sourced_path(args, beside_only)
        if said:
            self.warnings.append(f"line {number}: {shown}: {said}")
        if path is None:
            self._unsourced.append((len(self.warnings), number, args[0] if args else ""))
            self.warnings.append(
                f"line {number}: {shown}: the file is not found (not beside the input, nor in"
                " the working directory or a folder above the input); its variables and"
                " functions stay unknown, and a call of one of its functions stays a raw step"
            )
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.warnings.append(f"line {number}: cannot read {args[0]}: {exc}")
            return
        spans: list[tuple[int, int]] = []
        for statement in shellread.statements(shellread.parse(text)):
            spans_from = statement.start_point.row
            node = _guarded_definition(statement) or statement  # (declare -F f || f() {...})
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if node.type != "function_definition" or name is None or body is None:
                continue
            spans.append((spans_from, node.end_point.row))
            if body.type == "compound_statement":
                self.functions[shellread.source(name)] = body
                self.function_lines.pop(shellread.source(name), None)
                self.sourced[shellread.source(name)] = args[0]
        for row, line in enumerate(text.splitlines()):
            body_text = strip_comment(line.strip())
            inside = any(first <= row <= last for first, last in spans)
            if body_text and not body_text.startswith("#") and not inside:
                self.vars.assign(body_text, number)  # (a function's locals are not set)

    def _sourced_path(self, args: Sequence[str], beside_only: bool) -> tuple[Path | None, str]:
        """Where a sourced file is (None: nowhere iplab looks), and what to say of where it
        was read ("" beside the input)."""
        if not args or self.base is None:
            return None, ""
        if (self.base / args[0]).is_file():
            return self.base / args[0], ""
        if beside_only:
            return None, ""
        here = Path(args[0])
        if here.is_file():
            return (
                here,
                "read from the working directory, as bash reads it (no such file beside the input)",
            )
        if here.is_absolute() or not self.base.is_dir():
            return None, ""
        folder = self.base.resolve()
        for up in range(1, _SOURCED_UP + 1):
            if folder.parent == folder:
                break
            folder = folder.parent
            if (folder / args[0]).is_file():
                return folder / args[0], (
                    f"read from {folder}, {up} folder{'s' if up > 1 else ''} above the input"
                    " (the script is run from there: import it from there to say so; no"
                    " such file beside the input or in the working directory)"
                )
            if (folder / ".git").exists():
                break  # (a repository's root: the folders above are not the script's)
        return None, ""

    def _unsourced_calls(self) -> None:
        """Each sourced file found nowhere (:meth:`_source`) said with the calls after it
        that stayed raw steps and start no program this host has: its functions, most
        likely (``create_namespace olive``, lines 7, 8)."""
        for at, number, _ in reversed(self._unsourced):
            calls: dict[str, list[int]] = {}
            for event in self.events:
                cmds = event.cmds if isinstance(event, Block) else [event]
                for cmd in cmds:
                    if not isinstance(cmd, Cmd) or not isinstance(cmd.parsed.op, Raw):
                        continue
                    if cmd.line <= number:
                        continue
                    found = programs(cmd.text)[:1]
                    if found and _NAMED.fullmatch(found[0]) and shutil.which(found[0]) is None:
                        calls.setdefault(found[0], []).append(cmd.line)
            if calls:
                named = "; ".join(
                    f"{name} (line{'s' if len(lines) > 1 else ''}"
                    f" {', '.join(map(str, dict.fromkeys(lines)))})"
                    for name, lines in calls.items()
                )
                self.warnings[at] += (
                    f": {named}, no program of this host's, may be its functions (put the file"
                    " where the script reads it, or import the script from the folder it is run"
                    " from)"
                )


#: how many folders above the input a sourced file is looked for in (a repository's
#: test script, tests/integration/x.sh, run from its root: two)
_SOURCED_UP = 4
_MAX_STATEMENT_LINES = 400
#: a script's first line that has a shell run it (``#!/bin/bash``, ``#!/usr/bin/env sh``)
_SHELL_BANG = re.compile(r"#!\s*(?:/usr)?/bin/(?:env\s+)?(?:ba|da|k)?sh\b")
#: the languages of a block that may be a file's content (not shell, not output)
_DATA_LANGS = frozenset(
    {"json", "yaml", "yml", "ini", "conf", "cfg", "toml", "xml", "properties", "jsonc"}
)
#: words that ask the reader to save the next block as a file: "Save this as X:", "Create
#: a file named `X` with the following content:", "Put the following in X:"
_SAVE_AS = re.compile(
    r"\b(?:save|store|put|write|paste|create|add|copy)\b.*?"
    r"\b(?:as|to|in|into|named|called|file|at)\s+"
    r"(?:`(?P<quoted>[^`\s]*[./][^`\s]*)`|(?P<plain>~?[\w./-]*[\w-][./][\w.-]*\w))",
    re.IGNORECASE,
)
_NSENTER_NET = re.compile(r"--net=(?:/var)?/run/netns/([A-Za-z0-9_.-]+)")
#: a variable a value names (``$NAME``, ``${NAME}``, ``${NAME:-x}``)
_RUNTIME_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_NARRATION = frozenset({"echo", "printf", "set", "exit", "true", ":", "read"})
#: what a function that stops the script may do too before its exit, changing nothing that
#: lasts (``error_exit() { echo "$*" 1>&2; popd &> /dev/null; exit 1; }``)
_BEFORE_EXIT = frozenset({"return", "popd", "pushd", "cd"})


def _batch_options(call: _Call) -> str | None:
    """``ip [OPTIONS] -batch -`` (or ``-b -``; ``tc``'s and ``bridge``'s too) reading a
    here-document: the options that stand before each of its lines ("" for none, ``-n NS ``
    for ip -n NS -batch -); None: another command."""
    args = call.args[:-1] if call.args[-1:] in (["-"], ["/dev/stdin"]) else call.args  # (the
    # grammar may leave the ``-`` before ``<<EOF`` out of the command's words)
    if call.program not in ("ip", "tc", "bridge") or call.inside is not None or args[-1:] not in (
        ["-batch"], ["-b"], ["--batch"]
    ):  # fmt: skip
        return None
    options = [a for a in args[:-1] if a not in ("-force", "--force")]
    return "".join(f"{shlex.quote(a)} " for a in options)


def _definitions_joined(events: list[Event]) -> list[Event]:
    """Each function's definition (``up() { ip link set "$1" up; }``) printed at the start
    of the next block's text, with no step of its own (it was a ``true`` step: defining a
    function runs nothing; its calls are read as its body's commands). One followed by no
    step of the script's own (the end, a teardown, a block typed at a shell opened before)
    stays as it was, printed as written."""
    out: list[Event] = []
    held: list[Block] = []
    for event in events:
        if isinstance(event, Block) and event.defines:
            held.append(_titled_definition(out, event))
            continue
        if not held or isinstance(event, Note):
            out.append(event)
            continue
        if isinstance(event, Block) and (
            not event.text or event.cleanup or not event.standalone or event.defines
        ):
            out += [*held, event]
            held = []
            continue
        variables = {k: v for h in held for k, v in h.variables.items()}
        text = "\n".join(h.text for h in held)
        if isinstance(event, Cmd):
            block = Block(
                f"{text}\n{event.text}", held[0].line, event.line, [event], list(event.output)
            )
        else:
            block = replace(event, text=f"{text}\n{event.text}", line=held[0].line)
            variables.update(event.variables)
        block.variables = variables
        out.append(block)
        held = []
    return out + held


def _titled_definition(out: list[Event], block: Block) -> Block:
    """A definition with the comments just above it (``# tear everything down`` over
    ``cleanup() {``) taken from ``out`` into its text, printed as they were: they speak of
    the function (hunt DV #5: once the definition joined the next block, the comment
    became that block's title, a teardown's name over ``ip link add``)."""
    said: list[Note] = []
    while out and isinstance(out[-1], Note) and out[-1].kind == "comment":
        last = out.pop()
        assert isinstance(last, Note)
        said.insert(0, last)
    if not said or not any(not isinstance(e, Note) for e in out):
        out += said  # (the script's header, above its first line: its title, as before)
        return block
    lines = [f"# {line}".rstrip() for note in said for line in note.text.split("\n")]
    before = out[-1] if out else None
    end = before.end if isinstance(before, (Note, Block)) else getattr(before, "line", 0)
    if end and said[0].line > end + 1:
        lines.insert(0, "")  # (the blank line above the comment, as printed before)
    return replace(block, text="\n".join([*lines, block.text]), line=said[0].line)


def _loop_name(loop: shellread.Node) -> str:
    """The variable a ``for`` loop sets ("" for none)."""
    var = loop.child_by_field_name("variable")
    return shellread.source(var) if var is not None else ""


def _forced(call: _Call, cmds: list[Cmd]) -> list[Cmd]:
    """The commands of ``ip -force -batch FILE`` (``tc -force -b``...): each may fail, as ip
    goes on past a failing line (hunt AL: the model refused the lab at a line the page says
    fails, ``Command failed lab.batch:6``, and bash built the rest); ``cmds`` otherwise."""
    if not any(a in ("-force", "--force") for a in call.args):
        return cmds
    return [replace(c, may_fail=True) for c in cmds]


def _batch_file(call: _Call) -> tuple[str, str] | None:
    """``ip [OPTIONS] -batch FILE`` (``-b``, ``--batch``; tc's and bridge's too), run in the
    root shell: the options that stand before each of its lines and the file; None: another
    command, or the batch on standard input (:func:`_batch_options`)."""
    args = call.args
    if call.program not in ("ip", "tc", "bridge") or call.inside is not None or len(args) < 2:
        return None
    if args[-2] not in ("-batch", "-b", "--batch") or args[-1] in ("-", "/dev/stdin"):
        return None
    options = [a for a in args[:-2] if a not in ("-force", "--force")]
    return "".join(f"{shlex.quote(a)} " for a in options), args[-1]


def _removed_files(text: str) -> list[str] | None:
    """``rm -f A B`` (``-rf``, ``sudo``): the files it removes, each as good as empty for
    the ``>>`` after it (hunt DH #1: two batch files cleared in one line); None: another
    command, or words iplab does not know (``$``, a glob)."""
    words = _split(text)
    if words is None:
        return None
    words = words[1:] if runs_sudo(words) else words
    if words[:1] != ["rm"] or words[1:2] not in (["-f"], ["-rf"], ["-fr"]) or len(words) < 3:
        return None
    paths = words[2:]
    if any(p.startswith("-") or any(c in p for c in "$`*?[;&|<>") for p in paths):
        return None
    return paths


def _printed_lines(words: list[str]) -> list[str] | None:
    """The lines ``printf FORMAT [ARG...]`` prints when iplab knows them: a format of words
    and ``\\n`` alone, ending in one (``printf "netns add a\\nnetns add b\\n"``), or
    ``printf '%s\\n' LINE...``; None: anything else (a format without its last newline
    leaves a line for the next write to end)."""
    if not words:
        return None
    fmt, args = words[0], words[1:]
    if fmt == "%s\\n" and args:
        return list(args)
    if args or not fmt.endswith("\\n") or "%" in fmt or "\\" in fmt.replace("\\n", ""):
        return None
    return fmt[: -len("\\n")].split("\\n")


def _line_written(text: str) -> tuple[str, bool, list[str]] | None:
    """The file a command writes a known line to, whether it appends, and the lines it
    writes: ``echo "link add c$i ..." >> lab.batch`` (its variables filled in), ``echo ...
    | [sudo] tee [-a] F``; ``rm -f F``, ``: > F``, ``> F``: F empty (a loop that writes a
    batch file line by line, then ``ip -batch F``: hunt CO, the batch was refused as a file
    not there). None: another command, or words iplab does not know (``$``, a glob, an
    option of echo's)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    tokens = tokens[1:] if runs_sudo(tokens) else tokens
    if tokens[:1] == ["rm"] and tokens[1:2] in (["-f"], ["-rf"]) and len(tokens) == 3:
        return tokens[2], False, []  # rm -f F: gone, as good as empty for the >> after it
    if tokens[:2] in ([">"], [":", ">"]) and len(tokens) in (2, 3) and tokens[-1] != ">":
        return tokens[-1], False, []
    if tokens[:1] not in (["echo"], ["printf"]):
        return None
    if "|" not in tokens and len(tokens) >= 4 and tokens[-2] in (">", ">>"):
        words, path, appends = tokens[1:-2], tokens[-1], tokens[-2] == ">>"
    elif tokens.count("|") == 1:
        cut = tokens.index("|")
        words, tee = tokens[1:cut], tokens[cut + 1 :]
        tee = tee[1:] if runs_sudo(tee) else tee
        if tee[-2:] == [">", "/dev/null"]:
            tee = tee[:-2]
        appends = tee[1:2] in (["-a"], ["--append"])
        named = tee[2:] if appends else tee[1:]
        if tee[:1] != ["tee"] or len(named) != 1:
            return None
        path = named[0]
    else:
        return None
    said = [" ".join(words)] if tokens[0] == "echo" else _printed_lines(words)
    if not words or words[0].startswith("-") or said is None:
        return None
    if any(c in line for line in said for c in "$`*?[;&|<>"):
        return None
    if path.startswith(("-", "&")) or any(c in path for c in "$`*?"):
        return None
    return path, appends, said


def _written_path(first: str, call: _Call) -> tuple[str | None, bool]:
    """The file ``cat > F <<EOF`` or ``tee [-a] F <<EOF`` writes (as written), and whether
    it appends; (None, False): another command, or more than one file."""
    try:
        words = shlex.split(_HEREDOC_OP.sub(" ", first))
    except ValueError:
        return None, False
    if runs_sudo(words):
        words = words[1:]
    if call.program == "tee":
        named = [w for w in words[1:] if not w.startswith((">", "-")) and w != "/dev/null"]
        appends = any(w in ("-a", "--append") for w in words[1:])
        return (named[0], appends) if len(named) == 1 else (None, False)
    if call.program != "cat":
        return None, False  # (python3 - > out.txt <<EOF: what it prints, not the document)
    for k, word in enumerate(words):
        op = word.rstrip()
        if op in (">", ">>") and k + 1 < len(words):
            return words[k + 1], op == ">>"
        if op.startswith(">") and op.lstrip(">"):
            return op.lstrip(">"), op.startswith(">>")
        if k and word != "-" and ">" not in word and ">" not in words[k - 1]:
            return None, False  # (cat base.batch - > F, cat -n > F: more than the document)
    return None, False


def _closing(text: str, start: int) -> int:
    """Where the ``$(...)`` or backquoted command at ``start`` closes (its ``)`` or closing
    backquote; the end of the text when it does not), past quotes and nested parentheses."""
    if text[start] == "`":
        i = start + 1
        while i < len(text) and text[i] != "`":
            i += 2 if text[i] == "\\" else 1
        return min(i, len(text))
    return _matched(text, start + 1, "(", ")")


def _brace_end(text: str, start: int) -> int:
    """Where the ``${...}`` at ``start`` closes (past the nested ones and quotes; the text's
    last index when it does not)."""
    return min(_matched(text, start + 1, "{", "}"), len(text) - 1)


def _matched(text: str, start: int, opening: str, closing: str) -> int:
    """Where the ``opening`` at ``start`` is closed (past quotes, nested pairs and escaped
    characters); the end of the text when it is not."""
    i, depth = start + 1, 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            close = text.find("'", i + 1)
            i = len(text) if close < 0 else close
        elif c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


#: a here-document's operator and its word (``<<EOF``, ``<<-'EOF'``, ``<< "END"``)
#: a word the shell reads as a glob (``*.batch``, ``lab?.batch``, ``[ab].batch``)
_GLOB = re.compile(r"[*?]|\[.+\]")
_HEREDOC_OP = re.compile(r"<<(-?)\s*(['\"]?)\\?([A-Za-z_][A-Za-z0-9_]*)\2")


def _fed_line(first: str, body: str, expands: bool) -> str | None:
    """``cat > F <<EOF`` + its document as one line a shell runs the same way: ``printf
    '%s\\n' LINE... | cat > F`` (each line single-quoted when the word was quoted, else
    double-quoted: the same expansions a here-document makes). None: not one document."""
    found = list(_HEREDOC_OP.finditer(first))
    if len(found) != 1:
        return None
    strip_tabs = found[0][1] == "-"
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if strip_tabs:
        lines = [line.lstrip("\t") for line in lines]
    if expands and any((len(line) - len(line.rstrip("\\"))) % 2 for line in lines):
        return None  # a line continued with \ (joined in the document): left as a note

    def quoted(line: str) -> str:
        return _double_quoted(line) if expands else shlex.quote(line)

    rest = " ".join((first[: found[0].start()] + first[found[0].end() :]).split())
    fed = f"printf '%s\\n' {' '.join(map(quoted, lines))}" if lines else "printf ''"
    return f"{fed} | {rest}"


def _double_quoted(text: str) -> str:
    """A line of a here-document whose word was not quoted, in double quotes that expand it
    the same way: ``$``, a backquote and a backslash before ``$ ` \\`` are the same there;
    a ``"`` is the document's own, and so is a backslash before it."""
    out: list[str] = []
    k = 0
    while k < len(text):
        c, after = text[k], text[k + 1 : k + 2]
        if c == "\\" and after and after in "$`\\":
            out.append(c + after)
            k += 2
            continue
        out.append('\\"' if c == '"' else "\\\\" if c == "\\" and after == '"' else c)
        k += 1
    return '"' + "".join(out) + '"'


def _on_argument(case: shellread.Node, scope: ShellVars) -> bool:
    """``case "$1" in``, ``case "${1:-}" in``, or ``case "$cmd" in`` after ``cmd=$1`` (hunt
    AW: a lab script's ``up)`` and ``down)`` on ``$cmd`` were skipped, the lab lost, and
    check said OK)."""
    said = shellread.source(case.child_by_field_name("value") or case)
    named = re.fullmatch(r'"?\$\{?([A-Za-z_]\w*)\}?"?', said)
    return bool(_POSITIONAL.search(said)) or (named is not None and named[1] in scope.arguments_of)


def _selected_by(
    case: shellread.Node, item: shellread.Node, scope: ShellVars
) -> dict[str, str | None]:
    """What the variables a case on the script's argument tests hold in one of its
    branches, as bash runs it: the branch's word (``case "$1" in ... down)``: ``$1`` is
    ``down``, whatever import was given; ``cmd=$1; case $cmd in``: ``$cmd`` and ``$1``).
    {} when the branch has no plain word (``*)``) or the case tests something else."""
    said = shellread.source(case.child_by_field_name("value") or case)
    words = [shellread.unquoted(v) for v in item.children_by_field_name("value")]
    word = next((w for w in words if w is not None and _PLAIN_WORD.fullmatch(w)), None)
    return {} if word is None else _holding(said, word, scope)


def _compared_selects(test: shellread.Node, scope: ShellVars) -> dict[str, str | None]:
    """:func:`_selected_by` for an if's branch: ``if [ "$1" = down ]; then``: ``$1`` is
    ``down`` in it (``$cmd`` and ``$1`` after ``cmd=$1``); {} for another test."""
    word = _argument_compared(test, scope)
    found = [c for c in test.named_children if c.type != "comment"]
    if word is None or not _PLAIN_WORD.fullmatch(word):
        return {}
    left, _, right = found[0].children
    for one in (left, right):
        if held := _holding(shellread.source(one), word, scope):
            return held
    return {}


def _holding(said: str, word: str, scope: ShellVars) -> dict[str, str | None]:
    """The variables ``said`` (``"$1"``, ``$cmd`` after ``cmd=$1``) names, each holding
    ``word``; {} when it names no argument of the script."""
    said = said.strip('"')
    if _POSITIONAL.fullmatch(said):
        return {_POSITION.findall(said)[0]: word}
    named = re.fullmatch(r"\$\{?([A-Za-z_]\w*)\}?", said)
    if named is None or named[1] not in scope.arguments_of:
        return {}
    read = scope.argument_read.get(named[1], "").strip('"')
    out: dict[str, str | None] = {named[1]: word}
    if _POSITIONAL.fullmatch(read):
        out[_POSITION.findall(read)[0]] = word
    return out


#: a word a case's pattern matches as it is (no glob): ``down``, ``clean-all``
_PLAIN_WORD = re.compile(r"[\w.+-]+")
#: the number of a positional parameter (``$1``, ``${1:-up}``)
_POSITION = re.compile(r"(?<=[${])[1-9]")


def _argument_compared(test: shellread.Node, scope: ShellVars) -> str | None:
    """``[ "$1" = up ]``, ``[[ $cmd == down ]]`` (cmd set to the argument), ``[ "$BUILD" =
    "$1" ]`` (BUILD set to a word): the word the script's argument is compared with; None:
    another test."""
    found = [c for c in test.named_children if c.type != "comment"]
    if test.type != "test_command" or len(found) != 1 or found[0].type != "binary_expression":
        return None
    if len(found[0].children) != 3 or found[0].children[1].type not in ("=", "=="):
        return None
    left, _, right = found[0].children
    for one, other in ((left, right), (right, left)):
        said = shellread.source(one)
        named = re.fullmatch(r'"?\$\{?([A-Za-z_]\w*)\}?"?', said)
        if _POSITIONAL.fullmatch(said.strip('"')) or (named and named[1] in scope.arguments_of):
            value, unresolved = scope.expand(shellread.source(other))
            words = None if unresolved else _split(value)
            return words[0] if words and len(words) == 1 else None
    return None


def _up_and_down(case: shellread.Node) -> tuple[shellread.Node | None, shellread.Node | None]:
    """A ``case "$1" in`` statement's first ``up)`` (start...) and ``down)`` items."""
    up = down = None
    for item in (c for c in case.children if c.type == "case_item"):
        said = {shellread.unquoted(p) for p in item.children_by_field_name("value")}
        if up is None and said & _UP_WORDS:
            up = item
        elif down is None and said & _DOWN_WORDS:
            down = item
    return up, down


#: programs a narration's ``$(...)`` runs that only say something (``$(date +%T)``)
_SAYING = frozenset({"date", "hostname", "id", "whoami", "uname", "basename", "dirname"})


def _said_only(node: shellread.Node, scope: ShellVars) -> bool:
    """``echo "[$(date +%T)] $*"``: words printed, their substitutions only reading (not
    ``echo "$F"`` with F set when the lab runs: a step that prints it)."""
    used = _USED.findall(shellread.source(node))
    if not _narration(node) or not shellread.substitutions(node):
        return False
    if any(name in scope.runtime for name in used):
        return False
    for inner in shellread.substitutions(node):
        text = split_sudo(_substituted(inner))[1]
        if (
            not reads_only(text)
            and text.split(maxsplit=1)[:1] != []
            and (text.split(maxsplit=1)[0] not in _SAYING)
        ):
            return False
    return True


def _forever(node: shellread.Node) -> bool:
    """``while true``, ``while :``, ``until false``: a loop only a signal ends."""
    test = node.child_by_field_name("condition")
    said = shellread.source(test) if test is not None else ""
    return said in (("false",) if node.children[0].type == "until" else ("true", ":"))


def _sources(nodes: Sequence[shellread.Node]) -> str:
    """The text of statements, one a line, to be parsed again."""
    return "\n".join(shellread.source(n) for n in nodes)


def _down_body(node: shellread.Node) -> tuple[shellread.Node, list[shellread.Node]] | None:
    """The test and the statements of ``if [ "$X" = down ] || [ "$X" = clean ]; then ...;
    exit 0; fi`` (or ``[ "$X" = down ] && { ...; exit 0; }``) before its ``exit`` (a test of
    a word against down words only, no else); None when the node is not such a branch."""
    parts = [c for c in node.children if c.is_named and c.type != "comment"]
    if node.type == "list":
        joins = [c.type for c in node.children if not c.is_named]
        if len(parts) != 2 or joins != ["&&"] or parts[1].type != "compound_statement":
            return None
        parts = [parts[0], *shellread.statements(parts[1])]
    if len(parts) < 3 or any(c.type in ("elif_clause", "else_clause") for c in parts):
        return None
    *body, last = parts[1:]
    said = shellread.words(last) if last.type == "command" else []
    ends = [shellread.source(w) for w in said] in (["exit"], ["exit", "0"])
    return (parts[0], body) if ends and body and _down_test(parts[0]) else None


def _down_test(test: shellread.Node) -> bool:
    """``[ "$ACTION" = down ]``, ``[[ $1 == stop ]] || [ "$1" = clean ]``: a variable
    compared with down words (:data:`_DOWN_WORDS`), nothing else."""
    words: list[str | None] = []
    stack = [test]
    while stack:
        child = stack.pop()
        if child.type in ("list", "test_command"):
            stack.extend(c for c in child.named_children)
        elif child.type == "binary_expression" and len(child.children) == 3:
            left, op, right = child.children
            if op.type not in ("=", "=="):
                return False
            said = {shellread.unquoted(left), shellread.unquoted(right)}
            if None not in said or len(said) != 2:
                return False  # (one side a variable, the other a word)
            words += [w for w in said if w is not None]
        else:
            return False
    return bool(words) and all(w in _DOWN_WORDS for w in words)


def _script_word(word: shellread.Node | None, value: str) -> shellread.Node:
    """The word that holds ``bash -c``'s script: as written, or (handed on by ``"$@"``, hunt
    K: an IndexError) the argument's value, single-quoted: expanded already, once."""
    if word is not None:
        return word
    quoted = shellread.statements(shellread.parse(f": {shlex.quote(value)}"))
    return shellread.words(quoted[0])[1]


def _sliced(given: list[str], sliced: re.Match[str]) -> list[str]:
    """The arguments ``${@:N}`` or ``${@:N:COUNT}`` names (a match of _SLICED_ARGUMENTS)."""
    start = max(int(sliced[1]) - 1, 0)
    return given[start : start + int(sliced[2])] if sliced[2] else given[start:]


def _asks_for_help(body: str) -> bool:
    """``ip netns help``, ``brctl --help``, ``tc -h``: a command that prints its usage."""
    words = body.split()
    return len(words) >= 2 and words[-1] in ("help", "--help", "-h", "-?", "usage")


def _usage_text(line: str) -> bool:
    """A line of a usage text (``Usage: ip netns list``, ``\tip netns add NAME``, ``NETNSID
    := auto | POSITIVE-INT``): indented, or ``Usage:``, or a grammar's ``:=``."""
    return line[:1] in (" ", "\t") or line.lstrip().lower().startswith("usage") or ":=" in line


def _as_bash_goes_on(
    stmts: Sequence[shellread.Node], parts: list[list[Cmd] | None]
) -> list[list[Cmd] | None]:
    """The commands of a line's statements joined with ``;`` (``parts``, each
    statement's), with the ones bash goes on after whether they work or not marked so:
    the command before ``echo $?`` (the page shows its status: it may have failed), and one
    whose errors are silenced before ``;`` (``ip link add isp type dummy 2>/dev/null;
    ...``). Hunt J: both had to work, and a run stopped where bash went on."""
    out = list(parts)
    for k, node in enumerate(stmts):
        part = out[k]
        if part and len(part) == 1 and _quiet_then_on(node):
            out[k] = [replace(part[0], may_fail=True)]
        last = out[k - 1] if k else None
        if last and part == [] and _shows_status(node):
            out[k - 1] = [*last[:-1], replace(last[-1], may_fail=True)]
    return out


def _asks_first(text: str) -> bool:
    """``command -v conntrack >/dev/null && ip netns exec fw conntrack -L`` (``which X &&``,
    ``type X &&``, ``hash X &&``): a line that runs a program only when the host has it, and
    exits 1 when it does not, where bash goes on: a step that may fail, as a check that
    asks before a change is (hunt J: the preflight refused it, the run would stop there)."""
    tokens = shell_tokens(text) or []
    head = next((i for i, t in enumerate(tokens) if t in ("|", "&&", "||", ";", "&")), 0)
    words = [t for t in tokens[:head] if not set(t) <= set("<>&12") and t != "/dev/null"]
    words = words[1:] if runs_sudo(words) else words
    asked = words[:2] == ["command", "-v"] or words[:1] in (["which"], ["type"], ["hash"])
    return asked and tokens[head : head + 1] == ["&&"]


def _alias_said(alias: str) -> str:
    return (
        f"{alias} is an alias of an interactive bash ({INTERACTIVE_ALIASES[alias]} on Debian"
        " and Ubuntu), not a program: the shell a run starts does not have it"
    )


def _help_shown(text: str) -> bool:
    """``ip netns help``, ``bridge link help``, ``ip -h``: iproute2 prints its usage and
    exits 255, where the author's shell goes on (hunt AZ: a page's ``ip netns help`` failed
    the run at its first step). A step that may fail."""
    words = shell_tokens(text.removeprefix("sudo ").strip()) or []
    if not words or program_name(words[0]) not in ("ip", "bridge"):
        return False
    return words[-1] == "help" or words[1:] in (["-h"], ["-help"], ["--help"])


def _grep_shows(text: str) -> bool:
    """``ip link show | grep veth``: readers whose lines a grep shows, which exits 1 when no
    line matches, where the author's shell goes on (hunt AS: the page's point was that the
    veth ends no longer show in the root namespace; the run stopped there and rolled back).
    A step that may fail; ``grep -q``, a check, is not one."""
    tokens = shell_tokens(text) or []
    if "|" not in tokens or any(t in ("&&", "||", ";", "&") for t in tokens):
        return False
    last = tokens[len(tokens) - tokens[::-1].index("|") :]
    if last[:1] != ["grep"] or any(t.startswith("-") and "q" in t.lstrip("-") for t in last):
        return False
    return reads_only(text.removeprefix("sudo ").strip())


def _lenient(text: str) -> bool:
    """A line whose failure the author's shell goes past: one that asks first (``command
    -v X && X``), a grep of a reader, iproute2's help, a route listing, a release file."""
    return (
        _asks_first(text)
        or _grep_shows(text)
        or _help_shown(text)
        or _route_listed(text)
        or _release_shown(text)
    )


#: the files a distribution names itself in (``/etc/redhat-release``, ``/etc/os-release``)
_RELEASE_FILE = re.compile(r"/etc/(?:[a-zA-Z0-9_.-]+[-_]release|issue|debian_version)")


def _release_shown(text: str) -> bool:
    """``cat /etc/redhat-release``: the author shows which distribution the page was written
    on; on another the file is missing and cat exits 1, where the reader's shell goes on
    (hunt BR's br-p06, a CentOS page: the run stopped at its first step). A step that may
    fail; a cat of another file, or written somewhere, must work."""
    words = shell_tokens(text.removeprefix("sudo ").strip()) or []
    return (
        len(words) > 1 and words[0] == "cat" and all(_RELEASE_FILE.fullmatch(w) for w in words[1:])
    )


def _route_listed(text: str) -> bool:
    """``ip netns exec red route -n``: net-tools' ``route`` lists a routing table, and exits
    1 when the table is empty (a new namespace's, lo down), where the author's shell goes on
    and the page shows the empty table (hunt BK's p08: the run stopped there and rolled
    back). A step that may fail; ``route add ...`` changes, and must work."""
    return programs(text) == ["route"] and reads_only(text.removeprefix("sudo ").strip())


def _shows_status(node: shellread.Node) -> bool:
    """``echo $?``, ``echo "exit: $?"``, ``printf '%d\\n' $?``: the status of the command
    before it, printed."""
    said = shellread.words(node)[:1] if node.type == "command" else []
    text = shellread.source(node)
    return (
        bool(said)
        and shellread.unquoted(said[0]) in ("echo", "printf")
        and ("$?" in text or "${?}" in text)
    )


def _quiets_errors(node: shellread.Node) -> bool:
    """``A && B 2>/dev/null`` (``2>> /dev/null``, ``&>/dev/null``): the grammar gives the list
    the redirection, bash gives it B, whose errors the author silences."""
    if node.type != "redirected_statement":
        return False
    body = node.child_by_field_name("body")
    said = [
        shellread.source(c).replace(" ", "")
        for c in node.named_children
        if body is None or c.id != body.id
    ]
    return any(re.fullmatch(r"(?:2|&)>>?/dev/null", s) for s in said)


def _narration(node: shellread.Node) -> bool:
    """``echo ...``, ``printf ...``: words the author prints, nothing run."""
    said = shellread.words(node)[:1] if node.type == "command" else []
    return bool(said) and shellread.unquoted(said[0]) in ("echo", "printf")


def _sentence(node: shellread.Node) -> bool:
    """``"Deleting existing overlay"`` as a command: words in quotes with a blank between them,
    which name no program (an ``echo`` the author left out; public lab script, hunt BU)."""
    said = shellread.words(node) if node.type == "command" else []
    if len(said) != 1 or said[0].type not in ("string", "raw_string"):
        return False
    text = shellread.unquoted(said[0])
    return text is not None and len(text.split()) > 1


def _deletions(cmds: Sequence[Cmd]) -> bool:
    """Commands that each delete a link, a namespace, an address or a route."""
    return bool(cmds) and all(
        isinstance(c.parsed.op, LinkDel | NetnsDel | AddrDel | RouteDel) for c in cmds
    )


#: a line of a block that only says lines are left out (``...``, ``\u2026``, ``[...]``)
_ELIDED = re.compile(r"\[?(?:\.\s?){3,}\]?|\[?\u2026\]?")

#: a router's configuration command (VyOS's, Junos's, EdgeOS's): ``set`` or ``delete`` of
#: a part of its configuration tree, a word no option of bash's ``set`` and no variable
_ROUTER_CONFIG = re.compile(
    r"(?:set|delete)\s+(?:interfaces|protocols|system|service|firewall|nat|policy|vrf|netns"
    r"|high-availability|routing-options|routing-instances|vlans|security|vpn|qos"
    r"|load-balancing|container|pki|snmp|traffic-policy)\s+\S.*"
)
#: what such a shell takes after its configuration lines (``commit``, ``save``)
_ROUTER_COMMIT = re.compile(
    r"(?:commit(?:-confirm)?(?:\s+(?:check|and-quit|comment\s.*))?|save|compare)"
)


def _configures_a_router(body: str, configuring: bool) -> bool:
    """A line of a block typed in a router's configuration shell, not bash's (hunt EX): a
    ``set``/``delete`` of its configuration tree; ``commit`` or ``save`` after one
    (``configuring``: the block has shown one)."""
    line = body.strip()
    return bool(_ROUTER_CONFIG.fullmatch(line)) or (
        configuring and bool(_ROUTER_COMMIT.fullmatch(line))
    )


def _one_command(node: shellread.Node) -> bool:
    """A simple command, its output redirected or not (no loop, no list)."""
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        return body is not None and body.type == "command"
    return node.type == "command"


def _said_after_and(node: shellread.Node) -> bool:
    """``CMD && echo ...``: a command, then words printed when it works."""
    return (
        node.type == "list"
        and len(node.children) == 3
        and node.children[1].type == "&&"
        and _narration(node.children[2])
    )


def _quiet_then_on(node: shellread.Node) -> bool:
    """``ip link add isp type dummy 2>/dev/null; ip netns add isp``: a command whose errors
    are silenced, followed on its line by the next after ``;``: the author goes on whether it
    worked or not, as bash does (hunt J: the kernel's refusal of it stopped the run)."""
    if node.type != "redirected_statement":
        return False
    body = node.child_by_field_name("body")
    quiet = {
        shellread.source(r).replace(" ", "")
        for r in node.named_children
        if body is None or r.id != body.id
    }
    joint, after = node.next_sibling, node.next_named_sibling
    return (
        bool(quiet & {"2>/dev/null", "&>/dev/null"})
        and joint is not None
        and joint.type == ";"
        and after is not None
        and after.start_point.row == node.end_point.row
    )


def _fed_program(call: _Call) -> bool:
    """A here-document is the input of a program, not lines of a shell: ``cat > F``,
    ``ip netns exec gw nft -f -``, ``iptables-restore`` (any program but a shell, which
    runs the document's lines as commands: ``ip netns exec NS bash [-s]``)."""
    return call.script is None and call.program not in ("", *shellread.SHELLS)


def _unread_call(node: shellread.Node) -> _Call | None:
    """A command whose words are not all known, as written (``nsenter -t $CPID -n -p``):
    enough to tell a shell it opens where iplab cannot go."""
    said = [shellread.unquoted(w) or shellread.source(w) for w in shellread.words(node)]
    sudo = runs_sudo(said)
    said = said[1:] if sudo else said
    if not said:
        return None
    return _Call(sudo, None, said[0], said[1:], None, "sh")


#: builtins that change the shell that runs them, for the commands after them in it: a
#: script that runs one is not split into steps of their own (each its own process)
_SHELL_ONLY = frozenset(
    {"cd", "pushd", "popd", "umask", "ulimit", "source", ".", "shopt", "alias", "trap", "exec"}
)


def _needs_its_shell(script: shellread.Node) -> bool:
    """A ``bash -c`` script that runs one of :data:`_SHELL_ONLY`."""
    body = shellread.string_body(script)
    if body is None:
        return False
    text = body[0]
    return any(
        (argv := unwrapped(list(words)))[:1] != [] and argv[0] in _SHELL_ONLY
        for words in simple_commands(text) or []
    )


def _opens_shell_text(body: str) -> bool:
    """A line typed at a prompt opens a shell the lines after it are typed in (``ip netns
    exec NS bash``, ``sudo nsenter --net=/run/netns/NS``): :func:`opened_shell` of its
    words, as written."""
    try:
        words = shlex.split(strip_comment(body))
    except ValueError:
        return False
    words = words[1:] if runs_sudo(words) else words
    if words[:3] == ["ip", "netns", "exec"]:
        return opened_shell(list(words[4:])) is not None
    entry = namespace_entry(words)
    if entry is None or not entry.net:
        return False
    return not entry.rest or opened_shell(list(entry.rest)) is not None


def _opened_shell(values: list[str], unknown: set[int], start: int) -> str | None:
    """The shell the words from ``start`` open (:func:`opened_shell`), a word whose value
    is not known left unknown (but ``$SHELL``, the user's shell)."""
    return opened_shell(
        [
            v if i not in unknown or v in SHELL_VARIABLE else None
            for i, v in enumerate(values[start:], start)
        ]
    )


def _opens_a_shell(call: _Call) -> bool:
    """``ip netns exec NS bash``, ``nsenter --net=...``: a shell the lines after it are typed
    in (``ip netns exec NS hostname`` runs a program there, and is done)."""
    return call.script is None and not call.args and call.program in ("", *shellread.SHELLS)


def _printed_by_iproute(line: str) -> bool:
    """A line that starts as an ``ip``/``bridge`` command would, but whose next words are no
    object and verb of it (``ip utility, iproute2-6.1.0``, ``bridge name  bridge id``):
    what a command printed, in a block without prompts."""
    words = line.split()
    if runs_sudo(words):
        words = words[1:]
    if not words or program_name(words[0]) not in ("ip", "bridge"):
        return False
    if len(words) > 1 and words[1].startswith("-") and "\t" not in line:
        # ip -n blue addr 192.198.15.2 dev veth-blue: ip prints no line that starts with an
        # option (hunt AS: a command the author mistyped, taken for the output of the one
        # before, itself mistyped, and lost from the lab and its printed lines)
        return False
    said = ipwords.verb_of(words[0], words[1:])
    if said.batch and "\t" not in line:
        return False  # ip -batch FILE: a command without object (hunt Y #2: it was lost)
    if said.obj is None or "\t" in line:  # (a table's columns)
        return True
    return said.word is not None and said.verb is None and ipwords.knows_verbs(words[0], said.obj)


def _substring(value: str, arg: str) -> str | None:
    """``${NAME:OFFSET[:LENGTH]}`` of numbers (an offset below 0 written ``: -2``)."""
    parts = [p.strip() for p in arg.split(":")]
    if not 1 <= len(parts) <= 2 or not all(re.fullmatch(r"-?[0-9]+", p) for p in parts):
        return None
    offset = int(parts[0])
    start = max(len(value) + offset, 0) if offset < 0 else offset
    if len(parts) == 1:
        return value[start:]
    length = int(parts[1])
    end = len(value) + length if length < 0 else start + length
    return value[start:end] if end >= start else None


def _trimmed(value: str, op: str, pattern: str) -> str:
    """``${NAME%PAT}`` (the shortest end that matches), ``%%`` (the longest), ``#``, ``##``
    (from the start); the pattern is a shell glob."""
    cuts = range(len(value) + 1)
    if op.startswith("%"):
        ends = [k for k in cuts if fnmatch.fnmatchcase(value[k:], pattern)]
        return value if not ends else value[: (min(ends) if op == "%%" else max(ends))]
    starts = [k for k in cuts if fnmatch.fnmatchcase(value[:k], pattern)]
    return value if not starts else value[(max(starts) if op == "##" else min(starts)) :]


def _replaced(value: str, pattern: str, to: str, every: bool) -> str | None:
    """``${NAME/PAT/TO}`` (the first, longest match), ``//`` (every one)."""
    if not pattern or pattern[0] in "#%":
        return None  # (anchored forms: not read)
    out, i, done = [], 0, False
    while i < len(value):
        found = (
            None
            if done
            else next(
                (j for j in range(len(value), i, -1) if fnmatch.fnmatchcase(value[i:j], pattern)),
                None,
            )
        )
        if found is None:
            out.append(value[i])
            i += 1
            continue
        out.append(to)
        i, done = found, not every
    return "".join(out)


def _rewrapped(text: str, wrap: Callable[[str], str]) -> str:
    """``text`` with the command of each of its ``$(...)`` (and backquotes) run as ``wrap``
    says: ``IF=$(ip -br link)`` typed in ns1's shell is ``IF=$(ip netns exec ns1 ip -br
    link)`` in the shell iplab runs (the variable is then the run's, as the author's). The
    substitutions are the shell grammar's (none inside single quotes)."""
    data = text.encode()
    out: list[str] = []
    last = 0
    for node in sorted(shellread.substitutions(shellread.parse(text)), key=lambda n: n.start_byte):
        out += [data[last : node.start_byte].decode(), f"$({wrap(_substituted(node).strip())})"]
        last = node.end_byte
    return "".join([*out, data[last:].decode()])


def _substituted(node: shellread.Node) -> str:
    """The command of a ``$(...)`` or a backquoted one."""
    text = shellread.source(node)
    return text[2:-1] if text.startswith("$(") else text[1:-1]


def _backgrounded(node: shellread.Node) -> bool:
    """A statement the shell runs in the background (``server &``: the ``&`` after it)."""
    after = node.next_sibling
    return after is not None and after.type == "&"


def _unread(node: shellread.Node, call: _Call, scope: ShellVars, line: int, where: str) -> str:
    """What to say of a ``read`` iplab does not follow: a pause for the reader, or (given
    its input: ``<<<``, hunt K) one whose variables are unknown after it."""
    if not any(c.type == "herestring_redirect" for c in node.children):
        return _pause(where, shellread.source(node))
    for name in (a for a in call.args if _NAMED.fullmatch(a)):
        scope.values[name], scope.lines[name] = None, line
    return (
        f"{where}: {shellread.one_line(shellread.source(node))!r}: iplab cannot tell how read"
        " splits its input; the variables it sets are not known after it"
    )


def _read_here(node: shellread.Node, call: _Call, scope: ShellVars) -> bool:
    """``read [-r] NAME... <<< "WORDS"``: each name a word, the last the rest (as read
    splits them, with ``IFS=:`` before it too); False: another read (one that waits for
    the reader, or one iplab does not follow)."""
    strings = [c for c in node.children if c.type == "herestring_redirect"]
    names = [a for a in call.args if a != "-r"]
    if len(strings) != 1 or not names or not all(_NAMED.fullmatch(n) for n in names):
        return False
    said = shellread.source(strings[0]).removeprefix("<<<").strip()
    value, unresolved = scope.expand(said)
    try:
        words = shlex.split(value)
    except ValueError:
        return False
    if unresolved or len(words) != 1:
        return False
    parts = _read_fields(node, scope, words[0], len(names))
    if parts is None:
        return False
    for k, name in enumerate(names):
        scope.values[name] = parts[k] if k < len(parts) else ""
    return True


def _read_fields(node: shellread.Node, scope: ShellVars, line: str, count: int) -> list[str] | None:
    """The fields ``read`` makes of ``line`` for ``count`` names: split at blanks, or at the
    characters of an ``IFS=...`` set before it (no blank among them); None when iplab does
    not split as bash would (another assignment before read, a trailing separator)."""
    before = [c for c in node.children if c.type == "variable_assignment"]
    if not before:
        return line.split(maxsplit=count - 1)
    name, _, text = shellread.source(before[0]).partition("=")
    separators = _word(before[0].named_children[-1], scope) if text else None
    if len(before) > 1 or name != "IFS" or not separators or any(c.isspace() for c in separators):
        return None
    parts = re.split(f"[{re.escape(separators)}]", line, maxsplit=count - 1)
    return None if parts[-1][-1:] in separators and parts[-1] else parts


def _pause(where: str, text: str) -> str:
    """``read -p "Press Enter"``: the author's pause for the reader, which would hang a run."""
    return (
        f"{where}: {shellread.one_line(text)!r} waits for the reader (Enter): iplab runs on"
        " without waiting; printed as written"
    )


def _opens(body: str) -> bool:
    """The line may go on over the next lines: a loop or block, a here-document, a quote left
    open (``bash -c "``). Only then is the shell asked where the statement ends."""
    words = body.replace(";", " ").split()
    if not words:
        return False
    return (
        words[0] in _OPENERS
        or words[0] in ("{", "(")
        or any(  # ip netns | while read ns; do; [ "$1" = clean ] && {
            (w in _OPENERS or w in ("{", "(")) and words[k - 1] in ("|", "&&", "||")
            for k, w in enumerate(words)
            if k
        )
        or bool(_FUNCTION.match(body))
        or bool(_FUNCTION_AFTER.search(body))  # (declare -F log || function log() {: hunt EV)
        or bool(_ARRAY_OPENS.match(body))  # NS=( then one item a line (hunt AB #1)
        or bool(_HEREDOC.search(body))
        or body.count('"') % 2 == 1
        or body.count("'") % 2 == 1
    )


#: a page's comment that offers the next command as another way to do what the one above
#: it did (``# or``, ``# OR:``, ``# alternatively, the short form:``, ``# or, with net-tools``);
#: not one that holds a command itself (``# or: ip -n ns1 link set veth1 up``)
_ALTERNATIVE = re.compile(
    r"(?i)(or|alternatively|or\s+alternatively|alternative(?:\s+way)?|equivalently)"
    r"(?:\b[\s,]*[\w\s,'()-]{0,40})?[:.]?"
)

#: the first words of a case branch that only says how to use the script, or stops
_USAGE_ONLY = frozenset({"echo", "printf", "exit", "return", "usage", "help", "cat", ":", "true"})

#: what sudo and a login shell print around the notes of ``sudo -i``/``su -`` and ``exit``:
#: sudo's password prompt, ``logout``
#: (ssh's ``Connection to client1 closed.`` after ``exit`` of its shell: hunt EI)
_SHELL_SAID = re.compile(
    r"\[sudo\] password for [\w.-]+:.*|Password:\s*|logout|Connection to [\w.:-]+ closed\."
)

#: the words of a lab script's ``case "$1" in`` that bring the lab up, and take it down
#: (``add``/``del``: yuma-bbt/net_env's environment.sh, hunt CK)
_UP_WORDS = frozenset({"up", "start", "create", "setup", "build", "init", "deploy", "on", "add"})
_DOWN_WORDS = frozenset(
    {"down", "stop", "clean", "cleanup", "destroy", "teardown", "delete", "remove", "off", "del"}
)

#: what a case iplab cannot read is said with (hunt AB: "use a scenario 'loop'" for a case)
_CASE_NAMES = (
    " (a case on $1 is read when one branch is named up, create, start, setup or add, and"
    " one down, destroy, stop, clean, teardown, delete or del, in any order; else write the"
    " commands out)"
)

#: programs that run a command as root, as sudo does (``doas ip ...``, ``pkexec ip ...``)
_AS_ROOT = frozenset({"doas", "pkexec"})
_AS_ROOT_LINE = re.compile(r"(?:doas|pkexec)(?:\s+(?:-u\s*root|--user[=\s]root))?\s+(?=[^\s-])")


def _netns_del_extra(text: str) -> tuple[str, list[str]] | None:
    """``ip netns del NAME MORE...``: NAME, and the words iproute2 ignores (None: another
    line), in each simple command of the line: ``;``, ``&&``, ``||``, ``|`` and
    redirections are the shell's (hunt AD: ``2>/dev/null`` and ``|| true`` were said to
    be names ip ignores)."""
    for command in _simple_commands(shellread.parse(text)):
        said = [shellread.unquoted(w) or shellread.source(w) for w in shellread.words(command)]
        if (found := _del_extra(said)) is not None:
            return found
    return None


def _simple_commands(node: shellread.Node) -> list[shellread.Node]:
    """The simple commands within ``node``, in order (tree-sitter-bash's ``command``s)."""
    if node.type == "command":
        return [node]
    return [c for child in node.named_children for c in _simple_commands(child)]


def _del_extra(words: list[str]) -> tuple[str, list[str]] | None:
    """One simple command's ``ip netns del NAME MORE...``: NAME and MORE; None: another."""
    words = words[1:] if runs_sudo(words) else words
    if words[:1] != ["ip"] or "netns" not in words[1:4] or "-all" in words or "-a" in words:
        return None
    at = words.index("netns")
    if any(not w.startswith("-") for w in words[1:at]):
        return None
    verb, names = (words[at + 1 : at + 2] or [""])[0], words[at + 2 :]
    if not verb or not "delete".startswith(verb) or len(names) < 2:
        return None
    return names[0], names[1:]


#: sudo's options that read the password from standard input (``-S``, ``-kS``)
_SUDO_STDIN = re.compile(r"-[EHkS]*S[EHkS]*")


def _sudo_stdin(node: shellread.Node) -> str | None:
    """``echo $PW | sudo -S CMD`` (Colab's way to give sudo its password) or ``sudo -S CMD``
    -> ``sudo CMD``, as written (None: another line). Hunt G: it was one raw step, so
    ``--prefix`` renamed the namespaces it made nowhere else."""
    if node.type == "pipeline":
        parts = node.named_children
        said = shellread.words(parts[0]) if len(parts) == 2 and parts[0].type == "command" else []
        if not said or shellread.unquoted(said[0]) not in ("echo", "printf"):
            return None
        node = parts[1]
    said = shellread.words(node) if node.type == "command" else []
    if len(said) < 3 or shellread.source(said[0]) != "sudo":
        return None
    if not _SUDO_STDIN.fullmatch(shellread.source(said[1])) or any(
        c.type != "command_name" and c.start_byte < said[2].start_byte and c not in said
        for c in node.named_children
    ):  # (FOO=1 sudo -S ..., a redirection before the command: another line)
        return None
    data = node.text or b""
    return "sudo " + data[said[2].start_byte - node.start_byte :].decode()


def _as_root_command(text: str) -> str | None:
    """``doas [-u root] CMD`` / ``pkexec [--user root] CMD`` -> ``sudo CMD`` (None: another
    user, other options, or no command)."""
    m = _AS_ROOT_LINE.match(text.strip())
    return None if m is None else "sudo " + text.strip()[m.end() :]


#: the signals whose trap is a script's cleanup: its end (EXIT, 0) and its reader stopping it
_ENDING_SIGNALS = frozenset({"EXIT", "0", "INT", "2", "TERM", "15", "HUP", "1", "QUIT", "3"})


#: what a trap on EXIT (INT, TERM...) is said as
_TRAP_SAID = (
    "the trap's handler ({handler}) is the teardown: bash runs it when the script ends"
    " (iplab run runs it after the setup; iplab down undoes from the journal)"
)


def _cmds_of(event: Event) -> list[Cmd]:
    """The commands an event runs (a note: none)."""
    return [event] if isinstance(event, Cmd) else event.cmds if isinstance(event, Block) else []


#: ``if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then BODY; fi``: BODY runs when the script is
#: run, not sourced (``$0`` first too, ``[ ]`` or ``[[ ]]``, ``=`` or ``==``)
_SCRIPT_SIDE = r'"?\$\{?(?:BASH_SOURCE(?:\[0\])?|0)\}?"?'
_RUN_GUARD = re.compile(
    rf"if\s+\[\[?\s*{_SCRIPT_SIDE}\s*==?\s*{_SCRIPT_SIDE}\s*\]\]?\s*;?\s*then\s+"
    r"(?P<body>[^\n;]+?)\s*(?:#[^\n]*)?\s*;?\s*fi",
)


def _run_guarded(text: str) -> shellread.Node | None:
    """The one command of ``if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then "$@"; fi`` (the
    guard of a script that may be sourced: run, it runs its body), or None."""
    found = _RUN_GUARD.fullmatch(text.strip())
    if found is None or "BASH_SOURCE" not in text:
        return None
    stmts = shellread.statements(shellread.parse(found["body"]))
    return stmts[0] if len(stmts) == 1 and stmts[0].type == "command" else None


def _runs_argument(word: str) -> bool:
    """``$1``, ``"${1}"``, ``"$@"``, ``$*`` as a command's name: it runs what the script's
    arguments name."""
    return bool(_POSITIONAL.fullmatch(word.strip('"'))) or word in (*_ALL_ARGUMENTS, "$*", '"$*"')


def _dispatches(case: shellread.Node) -> bool:
    """A ``case "$1" in`` one of whose branches runs the arguments as a command (``*) $@``):
    the script's argument names the function to run."""
    for item in (c for c in case.children if c.type == "case_item"):
        for statement in _item_body(item):
            said = shellread.words(statement) if statement.type == "command" else []
            if said and _runs_argument(shellread.source(said[0])):
                return True
    return False


def _item_body(item: shellread.Node) -> list[shellread.Node]:
    """The statements of one branch of a ``case`` (after its ``PATTERN)``)."""
    seen = [c for c in item.children if c.type == ")"]
    after = seen[0].end_byte if seen else item.start_byte
    return [c for c in item.named_children if c.start_byte >= after]


def _branch(node: shellread.Node, scope: ShellVars) -> list[shellread.Node] | None:
    """The statements of the branch an ``if`` or a ``case`` takes, when iplab can evaluate
    what decides it (``[ "$MODE" = bridge ]`` with MODE set, ``case $MODE in br*)``): an
    empty list when none is taken; None when iplab cannot tell (``$1``, ``$(...)``)."""
    if node.type == "case_statement":
        values = node.children_by_field_name("value")
        word = _word(values[0], scope) if len(values) == 1 else None
        if word is None:
            return None
        for item in (c for c in node.children if c.type == "case_item"):
            patterns = [_word(p, scope) for p in item.children_by_field_name("value")]
            if any(p is None for p in patterns):
                return None
            if any(fnmatch.fnmatchcase(word, p) for p in patterns if p is not None):
                return _item_body(item)
        return []
    clauses = [node, *(c for c in node.children if c.type in ("elif_clause", "else_clause"))]
    for clause in clauses:
        tests: list[shellread.Node] = []
        body: list[shellread.Node] = []
        opened = clause.type == "else_clause"
        for child in clause.children:
            if child.type in ("elif_clause", "else_clause", "fi"):
                break
            if child.type == "then":
                opened = True
            elif child.is_named:
                (body if opened else tests).append(child)
        if clause.type == "else_clause":
            return body
        holds = arith.condition(tests[0], scope.values, lambda n: _word_as_root(n, scope)) if (
            len(tests) == 1
        ) else None  # fmt: skip
        if holds is None:
            return None
        if holds:
            return body
    return []


def _a_check(node: shellread.Node, scope: ShellVars) -> bool:
    """A command that only asks (``ip link show br0 &>/dev/null``, ``ip netns list | grep -q
    a``, ``[ -e /var/run/netns/a ]``, ``test -d /sys/class/net/br0``), its output quieted."""
    text = scope.expand(shellread.one_line(shellread.source(node)))[0]
    # (an escaped space ends a word: ``grep -e ^$NAME\\ `` in orjail's torjail.sh, hunt CK)
    text = _UNESCAPED_END.sub("", _QUIETING_AFTER.sub("", text)).lstrip()
    return bool(text) and (reads_only(text) or _TEST.fullmatch(text) is not None)


#: the white space that ends a line, but not a space a backslash escapes; the redirections
#: to /dev/null that end it, after such a space
_UNESCAPED_END = re.compile(r"(?<!\\)\s+$")
_QUIETING_AFTER = re.compile(r"(?<!\\)" + QUIETING.pattern)


#: a test of a file or a word (``[ -e /var/run/netns/a ]``, ``test -d X``, ``[[ -n $X ]]``)
_TEST = re.compile(r"(?:\[\[?|test)\s+[^;&|]*?\]?\]?")


def _argument_put(case: shellread.Node, scope: ShellVars) -> tuple[str, frozenset[str]] | None:
    """``case "$1" in setup | teardown) CMD="$1" ;; ...``: the variable a branch of an up
    word and a down word puts the argument in, and that branch's words; None: no such
    branch (or the case is on something else)."""
    if not _on_argument(case, scope):
        return None
    for item in (c for c in case.children if c.type == "case_item"):
        said = frozenset(
            w for p in item.children_by_field_name("value") if (w := shellread.unquoted(p))
        )
        body = _item_body(item)
        if not (said & _UP_WORDS and said & _DOWN_WORDS) or len(body) != 1:
            continue
        put = re.fullmatch(r'([A-Za-z_]\w*)=("?)\$\{?1\}?\2', shellread.source(body[0]))
        if body[0].type == "variable_assignment" and put is not None:
            return put[1], said
    return None


def _redirected_list(node: shellread.Node) -> shellread.Node | None:
    """``A && B`` itself, or under the redirection the grammar reads as the list's (``A &&
    B >&2``); None: another statement."""
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        node = body if body is not None and not shellread.has_heredoc(node) else node
    return node if node.type == "list" else None


#: what reads a function's arguments: $1, ${2}, "$@", $*, $#, ${#}, shift, getopts
_READS_ARGUMENTS = re.compile(r"\$(?:[1-9#@*]|\{[#!]?[1-9@*#])|\b(?:shift|getopts)\b")


def _body_reads_arguments(body: shellread.Node) -> bool:
    """The function's body reads the arguments it is called with (outside single quotes)."""
    return _READS_ARGUMENTS.search(_single_quotes_out(shellread.source(body))) is not None


def _said_after(node: shellread.Node) -> shellread.Node:
    """``ip netns add a && echo "created a"``: the command before the ``&&``s when all
    after it only say something (``echo``, ``printf``); else ``node`` itself."""
    parts = [c for c in node.named_children if c.type != "comment"]
    said = [c.type for c in node.children if not c.is_named]
    if node.type != "list" or len(parts) < 2 or set(said) != {"&&"}:
        return node
    if all(
        part.type == "command" and set(_programs(part)) <= {"echo", "printf"} for part in parts[1:]
    ):
        return _said_after(parts[0])  # (A && echo ok && echo done: the grammar nests them)
    return node


#: the tools a lab changes the kernel's network with that iplab may keep as raw steps
_LAB_TOOLS = frozenset(
    {"sysctl", "tc", "iptables", "ip6tables", "nft", "ebtables", "bridge", "ethtool", "brctl"}
)

#: the words of a command that deletes what a lab made (a cleanup's)
_DELETING = frozenset({"del", "delete", "flush", "delbr", "delif", "-D", "-F", "-X"})
_DELETING |= {"--delete", "--flush", "--delete-chain"}


def _deletes(words: Sequence[str]) -> bool:
    """``ip netns del a``, ``ip link delete br0``, ``iptables -D FORWARD ...``, ``brctl delbr
    br0``: a command that deletes (a cleanup's), by ip, tc, bridge, brctl or a firewall."""
    tools = {"ip", "tc", "bridge", "brctl", "iptables", "ip6tables", "nft"}
    return (
        bool(words) and program_name(words[0]) in tools and any(w in _DELETING for w in words[1:])
    )


def _programs(node: shellread.Node) -> list[str]:
    """The programs the commands under ``node`` run (their first words)."""
    programs = []
    stack = [node]
    while stack:
        child = stack.pop()
        if child.type == "command":
            name = child.child_by_field_name("name")
            programs.append(shellread.source(name) if name is not None else "")
        else:
            stack.extend(child.named_children)
    return programs


def _keeps_file(program: str) -> bool:
    """A program that leaves the lines of a file it names as they were (it changes its mode,
    prints it, or runs it)."""
    return (
        program in {"chmod", "chown", "chgrp", "cat", "ls", "stat", "head", "tail", "wc", "file"}
        or program in shellread.SHELLS
        or program.startswith("./")
    )


def _run_programs(node: shellread.Node) -> list[str]:
    """The programs the commands under ``node`` run, through ``sudo`` (and its options)."""
    out = []
    for command in sorted(_commands_under(node), key=lambda c: c.start_byte):
        if words := _unsudoed_words(command):
            out.append(program_name(words[0]))
    return out


def _unsudoed_words(command: shellread.Node) -> list[str]:
    """A command's words as the shell passes them, past ``sudo`` and its options."""
    words = [shellread.unquoted(w) or "" for w in shellread.words(command)]
    if runs_sudo(words):  # (sudo -u USER: its value too)
        words = list(strip_sudo(tuple(words)))
    return words


def _guard(node: shellread.Node) -> bool:
    """``if [ "$(id -u)" != 0 ]; then echo ...; exit 1; fi``: a check of the author's that
    says something and stops, and changes nothing."""
    text = shellread.source(node)
    programs = [p for child in node.named_children[1:] for p in _programs(child)]
    quiet = all(p in _NARRATION or p == "return" for p in programs)
    if quiet:
        return True
    # a check of who runs the script, unless a branch changes the lab (hunt BM #3: if [
    # "$(id -u)" -eq 0 ]; then ip ... up; else sudo ip ... up; fi was lost, and no word)
    return _checks_root(text) and not any(
        first_program(shellread.source(child)) in _LAB_PROGRAMS
        for branch in node.named_children[1:]
        for child in _commands_under(branch)
    )


def _checks_root(text: str) -> bool:
    """Whether a test asks who runs the script (``id -u``, ``$EUID``, ``$UID``, ``whoami``)."""
    return any(key in text for key in ("id -u", "id -ru", "id -un", "EUID", "UID", "whoami"))


#: what a root check's branch may run and still be the author's check (``exec sudo "$0"``)
_LAB_PROGRAMS = KNOWN_PROGRAMS - _NARRATION - {"sudo", "bash", "sh", "cat"}


def _commands_under(node: shellread.Node) -> list[shellread.Node]:
    """The simple commands under ``node``."""
    out, stack = [], [node]
    while stack:
        child = stack.pop()
        if child.type == "command":
            out.append(child)
        else:
            stack.extend(child.named_children)
    return out


#: how a script names itself when it runs itself again (``"$0"``, ``"${BASH_SOURCE[0]}"``)
_ITSELF = re.compile(
    r'"?(?:\$0|\$\{0\}|\$\{?BASH_SOURCE(?:\[0\])?\}?|\$\((?:readlink -f|realpath) "?\$0"?\))"?'
)


def _reruns_as_root(node: shellread.Node) -> bool:
    """``exec sudo "$0" "$@"``, ``sudo -E "$0" "$@"``, ``{ exec sudo -E bash "$0" "$@"; }``,
    ``{ sudo "$0" "$@"; exit $?; }``: the script run again as root (doas, pkexec too), with
    nothing else but words said and an exit (hunt AB: a step, it failed the run as root)."""
    commands: list[shellread.Node] = []
    stack = [node]
    while stack:
        child = stack.pop()
        if child.type == "command":
            commands.append(child)
        elif child.type in ("compound_statement", "list", "redirected_statement"):
            stack.extend(c for c in child.named_children if c.type != "comment")
        elif child.type not in ("file_redirect", "comment"):
            return False
    again = [c for c in commands if _runs_itself(c)]
    others = [p for c in commands if c not in again for p in _programs(c)]
    return bool(again) and all(p in _NARRATION for p in others)


def _runs_itself(command: shellread.Node) -> bool:
    """One command of :func:`_reruns_as_root`: ``[exec] sudo|doas|pkexec [OPTIONS] [bash|sh
    [OPTIONS]] "$0" ["$@"]``."""
    said = [shellread.source(w) for w in shellread.words(command)]
    said = said[1:] if said[:1] == ["exec"] else said
    if not said or (said[0] not in _AS_ROOT and said[0] != "sudo"):
        return False
    rest = said[1:]
    while rest and (rest[0].startswith("-") or rest[0] in shellread.SHELLS or rest[0] == "root"):
        rest = rest[1:]  # (-E, -u root, --preserve-env, bash, -x)
    return (
        bool(rest)
        and _ITSELF.fullmatch(rest[0]) is not None
        and all(w in _ALL_ARGUMENTS or w in ('"$*"', "$*") for w in rest[1:])
    )


@dataclass
class _Call:
    """A simple command, read: ``[sudo] [ip netns exec NS | nsenter --net=...] PROGRAM ARGS``."""

    sudo: bool
    #: the namespace it runs in ("" for a root shell's ``bash -c``; None: not a wrapper)
    inside: str | None
    program: str
    args: list[str]
    #: the string of ``bash -c STRING``
    script: shellread.Node | None
    shell: str
    #: how it enters the namespace: "exec" (ip netns exec), "nsenter", "" (it does not)
    wrapper: str = ""

    def wrap(self, text: str) -> str:
        """A command of the inner shell as a command of the outer one, in the namespace."""
        sudo = "sudo " if self.sudo else ""
        if not self.inside:  # a root shell's script: its commands, with the outer sudo
            return text if text.startswith("sudo ") or not sudo else sudo + text
        if text.startswith("sudo "):
            text = text[5:]
        if SHELL_SYNTAX.search(text):
            return f"{sudo}ip netns exec {self.inside} {self.shell} -c {shlex.quote(text)}"
        return f"{sudo}ip netns exec {self.inside} {text}"


@dataclass
class _Session:
    """Commands typed in a shell opened inside a namespace, until ``exit``, or a line at
    the prompt the shell was opened from."""

    call: _Call
    lead: list[str]
    #: the prompt of the line that opened it (None: the block had none)
    prompt: str | None
    block: Block | None = None
    #: the line that opened it
    opened: str = ""
    #: the prompt of the first line typed in it
    inner: str | None = None
    #: the variables as the shell has them (the outer ones, and what was set in it)
    scope: ShellVars | None = None
    #: where a shell iplab cannot enter was opened (a namespace with no name, another
    #: host): its lines are notes
    away: str = ""
    #: the line it was opened at
    line: int = 0
    #: the lines typed in a shell elsewhere, runs of them (first, last), and the warning
    #: that says the last run
    typed: list[tuple[int, int]] = field(default_factory=list)
    said: str = ""

    def back(self, prompt: str | None) -> bool:
        """A line at ``prompt`` is typed in the shell the session was opened from: its
        prompt is the opening line's, and the lines typed inside had another one
        (``[ns1] root@h:~#`` inside, ``alice@h:~$`` outside)."""
        if self.inner is None:
            self.inner = prompt
            return False
        return prompt is not None and prompt == self.prompt != self.inner


def _unopened_said(number: int, text: str) -> str:
    return (
        f"line {number}: {text.strip()!r} is typed at a container's shell prompt, and no"
        " command before it opens that shell (docker run -it ... sh); shown, not run"
    )


#: a comment line saying the lines after it are what the command above prints: ``#
#: Output:``, ``# Expected output:``, ``# Sample ping output:`` (group 1: the program named;
#: 2: output on the same line)
_OUTPUT_SAID = re.compile(
    r"#+\s*(?:(?:expected|sample|example|typical)\s+)?(?:([\w.-]+)\s+)?output"
    r"(?:\s*\([^)]*\))?\s*:\s*(.*)",
    re.IGNORECASE,
)


def _uncommented(line: str) -> str:
    """A commented line of printed output as the command printed it: ``# ns2 (id: 1)``."""
    text = line.strip().removeprefix("#")
    return text.removeprefix(" ").rstrip()


def _lower_words(text: str) -> list[str]:
    """The words of a command line, lowercased, as the shell splits them (by spaces, when
    its quoting is broken)."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return [w.lower() for w in words]


def _pings(cmds: Sequence[Cmd]) -> bool:
    """One ping iplab reads as a probe (``ip netns exec red ping -c 2 10.0.0.2``): a check
    the author expects to work whose ``&& echo ok`` only prints. It stays a probe, as the
    ping alone is: it waits for the addresses it needs (IPv6's DAD), and its claim counts;
    a probe that fails never stops a run, as the left of ``&&`` never stops bash."""
    return len(cmds) == 1 and isinstance(cmds[0].parsed.op, Probe) and not cmds[0].may_fail


def _commented(line: str) -> bool:
    """A comment line (``# ...``), never a script's ``#!``."""
    text = line.lstrip(" ")
    return text.startswith("#") and not text.startswith("#!")


def _beside(parsed: Parsed, text: str, beside: bool) -> Parsed:
    """``parsed``, kept as written when the line runs beside the next ones and iplab typed
    it: only a raw step runs in the background (hunt ET: ``ip -ts monitor``, typed as a
    show, made a scenario the model refused: setup[3].background)."""
    if not beside or not parsed.typed or isinstance(parsed.op, NetnsExec):
        return parsed
    try:
        return as_written(text)
    except LineError:  # pragma: no cover - a line classify typed splits as a shell would
        return parsed


def _types(line: str) -> bool:
    """The line is a command iplab types (not prose that happens to start with a program)."""
    try:
        return classify(line).typed
    except LineError:
        return False


def _silent(op: Op) -> bool:
    """A command that prints nothing when it works (a typed change)."""
    return not isinstance(op, Raw | NetnsExec | Probe) and not is_observation(op)


def _prints_nothing(command: str) -> bool:
    """One simple command of a program that prints nothing when it works (``mkdir rootfs``,
    ``sudo cp a b``), not told to be verbose (``-v``, ``-pv``, ``--verbose``)."""
    found = simple_commands(command)
    if found is None or len(found) != 1:
        return False
    argv = unwrapped(found[0])  # (sudo cp a b)
    if not argv or program_name(argv[0]) not in _QUIET_PROGRAMS:
        return False
    options = [w for w in argv[1:] if w.startswith("-")]
    return not any(w == "--verbose" or (not w.startswith("--") and "v" in w) for w in options)


#: what a typesetting page puts in place of what the author typed: dashes at the start of a
#: word (an option: an en dash then ``c`` for ``-c``), curly quotes, no-break spaces
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_OPTION_DASH = re.compile(rf"(?<!\S)[{_DASHES}](?=(\w+))")
#: programs whose options of several letters take one dash (``ping -c1``, ``tcpdump -nni``,
#: ``ip -br``): a typeset dash before them stands for one
_ONE_DASH_PROGRAMS = frozenset(
    {"ip", "tc", "bridge", "ss", "ping", "ping6", "arping", "tcpdump", "traceroute", "brctl",
     "sysctl", "ethtool", "iptables", "ip6tables", "nc", "ncat", "iperf", "iperf3", "find"}
)  # fmt: skip
_SPACES = re.compile("[\u00a0\u2007\u2009\u202f\u3000]")
_HYPHENS = re.compile("[\u2010\u2011]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_DOUBLE = re.compile("[\u201c\u201d\u201e\u201f\u00ab\u00bb]")
_SINGLE = re.compile("\u2018([^\u2018\u2019]*)\u2019")
#: a typeset ligature (a PDF's text: ``iptables -t \ufb01lter``) for the letters it joins
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_LIGATURE = re.compile(f"[{''.join(_LIGATURES)}]")


def ascii_command(text: str) -> tuple[str, list[str]]:
    """``text`` with typeset characters typed back as the ASCII a shell reads, and what was
    changed (``'\u2013c' (U+2013) as '-c'``, a ligature ``\ufb01`` as ``fi``). A dash is an
    option's only at the start of a word and before a word: U+2013 then ``c`` is ``-c``;
    then ``fork`` is ``--fork``, but one dash
    after a program whose options take one (``ping -c1``, ``ip -br``); an em dash before a
    word is ``--``. A curly apostrophe is a quote only when it closes a curly opening one."""
    changes: dict[str, str] = {}

    def dash(m: re.Match[str]) -> str:
        before = {w.rsplit("/", 1)[-1] for w in text[: m.start()].split()}
        one = len(m[1]) == 1 or (m[0] != "\u2014" and bool(before & _ONE_DASH_PROGRAMS))
        out = "-" if one else "--"
        changes[m[0] + m[1]] = out + m[1]
        return out

    def sub(pattern: re.Pattern[str], out: str, value: str) -> str:
        for found in pattern.findall(value):  # one character each
            changes.setdefault(found, out)
        return pattern.sub(out, value)

    text = _OPTION_DASH.sub(dash, text)
    text = sub(_HYPHENS, "-", text)  # a hyphen a page set (hIva\u2011br): one the author typed
    text = sub(_SPACES, " ", text)
    text = sub(_INVISIBLE, "", text)
    text = sub(_DOUBLE, '"', text)
    for found in _LIGATURE.findall(text):
        changes.setdefault(found, _LIGATURES[found])
    text = _LIGATURE.sub(lambda m: _LIGATURES[m[0]], text)
    if _SINGLE.search(text):
        changes["\u2018\u2019"] = "'"
        text = _SINGLE.sub(r"'\1'", text)
    said = [
        f"{k!r} ({', '.join(f'U+{ord(c):04X}' for c in k if ord(c) > 127)}) as {v!r}"
        for k, v in changes.items()
    ]
    return text, said


def _evaluated(substitution: str, scope: ShellVars) -> bool:
    """A ``$(...)`` (or backquoted) command whose output iplab knows (see :func:`_printed`)."""
    inner = substitution[2:-1] if substitution.startswith("$(") else substitution[1:-1]
    text, unresolved = scope.expand(inner)
    return not unresolved and _printed(text) is not None


def _printed(command: str) -> str | None:
    """What ``printf FORMAT ARGS`` prints when it is one plain word (``printf '%02d' 7``:
    07); None: another command, or words bash would split or expand again."""
    said = printed.printf_output(command)
    if not said or names.has_shell_meta(said) or any(c.isspace() for c in said):
        return None
    return said


def _basename(command: str) -> str | None:
    """What ``basename PATH`` prints, for one plain path (None: anything else)."""
    words = _split(command)
    if not words or words[0] != "basename" or len(words) != 2 or not words[1]:
        return None
    path = words[1]
    if names.has_shell_meta(path) or linksources.is_glob(path) or path.startswith("-"):
        return None
    return path.rstrip("/").rpartition("/")[2] or "/"


def _globbed(source: str) -> bool:
    """A word bash expands to file names: ``*``, ``?`` or ``[`` outside quotes and
    expansions (``/sys/class/net/veth*``; not ``"a*"``, ``${x#*/}``)."""
    quote, depth = "", 0
    for i, c in enumerate(source):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "$" and source[i + 1 : i + 2] in ("{", "("):
            depth += 1
        elif c in "})" and depth:
            depth -= 1
        elif c in "*?[" and not depth:
            return True
    return False


def _split(text: str) -> list[str] | None:
    """Words as the shell splits them (None: it cannot, an open quote)."""
    try:
        return shlex.split(text)
    except ValueError:
        return None


#: ``shift``, ``shift 2``, ``shift $N``
_SHIFT = re.compile(r"shift(?:\s+[\w${}\"]+)?\s*;?")
#: a script's arguments read: ``$1``, ``${2}``, ``$#``, ``"$@"``, ``$*``, ``${1:-x}``
_ARGUMENT_READ = re.compile(r"\$(?:[1-9#@*]|\{(?:[1-9]|[@*]|#\}))")


#: the programs a script checks with whether a function is defined yet (``declare -F log``,
#: ``type -t log``, ``command -v log``, ``[ -n "$(type -t log)" ]``)
_DEFINED_CHECKS = frozenset({"declare", "typeset", "type", "command", "hash", "compgen"})


def _defined_name(node: shellread.Node) -> str | None:
    name = node.child_by_field_name("name")
    return shellread.source(name) if name is not None else None


def _guarded_definition(node: shellread.Node) -> shellread.Node | None:
    """The function a statement defines: itself (``log() {...}``), or the one defined after a
    check that it is not defined yet (``declare -F log >/dev/null || function log() {...}``,
    ``type log >/dev/null 2>&1 || log() {...}``, ``[ -n "$(type -t log)" ] || log() {...}``:
    a script's fallback, defined unless the script is sourced where one is); None: another
    statement."""
    if node.type == "function_definition":
        return node
    parts = [c for c in node.children if c.type != "comment"]
    if node.type != "list" or len(parts) != 3 or parts[1].type != "||":
        return None
    check, defined = parts[0], parts[2]
    name = _defined_name(defined) if defined.type == "function_definition" else None
    if name is None:
        return None
    said = shellread.source(check)
    words = re.findall(r"[\w.:@-]+|\[\[?", said)
    if name not in words or not (set(words) & _DEFINED_CHECKS):
        return None
    return defined


def _reads_arguments(text: str) -> bool:
    """``text`` reads the script's arguments outside the functions it defines (whose
    ``$1`` is their call's)."""
    root = shellread.parse(text)
    return any(
        _guarded_definition(node) is None
        and _ARGUMENT_READ.search(_single_quotes_out(shellread.source(node)))
        for node in shellread.statements(root)
    )


def _single_quotes_out(text: str) -> str:
    """``text`` without what single quotes hold (``awk '{print $1}'``: awk's, not bash's)."""
    return re.sub(r"'[^']*'", "''", text)


def read_shell(
    text: str,
    base: Path | None = None,
    keep_variables: bool = True,
    arguments: Sequence[str] | None = None,
) -> Reader:
    """A script's lines read; ``arguments``: what it is run with (``$1``, ``$#``, ``$@``)."""
    reader = Reader(markdown=False, base=base, keep_variables=keep_variables, arguments=arguments)
    reader.block(list(enumerate(text.splitlines(), start=1)), shell_lang=True)
    reader.finish()
    return reader


def _expanded(node: shellread.Node, scope: ShellVars) -> tuple[str, list[str]] | None:
    """A word with the script's variables expanded, and the words the shell splits it
    into; None when it uses something unknown or cannot be split."""
    text, unresolved = scope.expand(shellread.source(node))
    words = None if unresolved else _split(text)
    return None if words is None else (text, words)


#: who runs a step, as a test of a script asks it: iplab runs each step as root (or with
#: sudo), so ``"$(id -u)"`` is 0 there and ``$(whoami)`` root
_ROOT_WORDS = {
    **dict.fromkeys(
        ("$(id -u)", "`id -u`", "$(id -ru)", "$EUID", "${EUID}", "$UID", "${UID}"), "0"
    ),
    **dict.fromkeys(("$(whoami)", "`whoami`", "$(id -un)", "$(id -nu)"), "root"),
}


#: the script's own path, as bash has it when the script is run (``./lab.sh``), not sourced:
#: ``if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then "$@"; fi`` runs its body (hunt DG)
_SCRIPT_WORDS = dict.fromkeys(
    ("${BASH_SOURCE[0]}", "$BASH_SOURCE", "${BASH_SOURCE}", "$0", "${0}"), "./SCRIPT"
)


def _word_as_root(node: shellread.Node, scope: ShellVars) -> str | None:
    """A word of a test (:func:`_word`), and who runs the step where the input does not
    set it: ``if [ "$(id -u)" -eq 0 ]; then ip ...; else sudo ip ...; fi`` takes the branch
    bash takes as root (hunt BM #3: both branches were lost)."""
    value = _word(node, scope)
    if value is not None:
        return value
    said = shellread.source(node).strip('"')
    name = said.strip("${}")
    if name in scope.values or name in scope.arrays:
        return None
    return _ROOT_WORDS.get(said) or _SCRIPT_WORDS.get(said)


def _word(node: shellread.Node, scope: ShellVars) -> str | None:
    """The value of one word of a test (``$i``, ``"$NS"``, ``3``), None when unknown. An
    unquoted word that expands to nothing is empty (``[[ -n $1 ]]`` past the last argument:
    hunt DS, the loop that reads the arguments was skipped)."""
    got = _expanded(node, scope)
    if got is not None and not got[1] and not got[0].strip():
        return ""
    return got[1][0] if got is not None and len(got[1]) == 1 else None


def _arithmetic_statement(node: shellread.Node, scope: ShellVars) -> bool:
    """``((i++))`` or ``let i+=1 j=2`` inside a loop: evaluated into ``scope`` (True), or
    not one of those (False). One iplab cannot evaluate leaves the variables unknown."""
    if node.type == "compound_statement" and source_starts(node, "(("):
        inner = node.named_children
        if len(inner) != 1 or arith.run_arithmetic(inner[0], scope.values, scope.known) is None:
            _forget(node, scope)
        return True
    if node.type == "command":
        words = shellread.words(node)
        if words and shellread.source(words[0]) == "let":
            for word in words[1:]:
                tree = shellread.parse(f"(( {shellread.unquoted(word) or '?'} ))")
                arithmetic = shellread.statements(tree)
                inner = arithmetic[0].named_children if arithmetic else []
                if (
                    len(inner) != 1
                    or arith.run_arithmetic(inner[0], scope.values, scope.known) is None
                ):
                    _forget(node, scope)
            return True
    return False


def _header_count(node: shellread.Node, state: ShellVars) -> int | None:
    """How many times ``for ((INIT; TEST; UPDATE))`` runs, by its own arithmetic alone (the
    budget knows it up front: hunt Y #4, 100 x 1000 nested loops were refused only after
    40 s), at most LOOP_LIMIT + 1; None when its body may change its variables or end it
    (a ``break``, an assignment, a function), or iplab cannot run the arithmetic."""
    tests = [c for c in node.children_by_field_name("condition") if c.is_named]
    updates = [c for c in node.children_by_field_name("update") if c.is_named]
    body = node.child_by_field_name("body")
    if body is None or len(tests) != 1 or not updates:
        return None
    named = set(_REF_NAME.findall(" ".join(shellread.source(u) for u in updates)))
    said = _USED.sub("", shellread.source(body))
    if re.search(r"\b(?:break|return|exit)\b", said) or any(_assigns(said, n) for n in named):
        return None
    probe = state.copy()  # (its values change as the header's arithmetic runs)
    values = probe.values
    for count in range(LOOP_LIMIT + 2):
        value = arith.run_arithmetic(tests[0], values, probe.known)
        if value is None:
            return None
        if not value:
            return count
        if any(arith.run_arithmetic(u, values, probe.known) is None for u in updates):
            return None
    return LOOP_LIMIT + 1


def _runs_a_command(line: str) -> bool:
    """``NAME=x cmd ...``: the assignments are the command's environment (bash's grammar
    reads a command, not a declaration); a value with no blank is no command."""
    if not any(c.isspace() for c in line.strip()):
        return False
    found = shellread.statements(shellread.parse(line))
    return (
        len(found) == 1
        and found[0].type == "command"
        and bool(found[0].child_by_field_name("name"))
    )


#: ``[ $? -eq 0 ]``, ``[[ "$?" != 0 ]]``, ``test $? -ne 0``: how the statement before ended
_STATUS_TEST = re.compile(
    r'(?:\[\[?|test)\s+"?\$\{?\?\}?"?\s+(?P<op>-eq|-ne|==?|!=)\s+"?0"?(?:\s+\]\]?)?'
)

#: a test that compares words (``[ "$1" = up ]``, ``[ $N -gt 2 ]``): it picks a branch, it
#: guards no change
_COMPARES = re.compile(r"\s(?:!?=|==|-eq|-ne|-lt|-gt|-le|-ge)\s|\$\{?[0-9#@*]")

#: a test of what a check prints: ``[ -z "$(ip netns list | grep a)" ]``, ``[ ! -z
#: "$(ip link show v0)" ]``, ``[[ -n $(...) ]]``, ``test -z "$(...)"``
_OUTPUT_TEST = re.compile(
    r'(?:\[\[?|test)\s+(?P<not>!\s+)?-(?P<op>[zn])\s+"?\$\((?P<check>[^()]+)\)"?(?:\s+\]\]?)?'
)


def _output_test(said: str) -> str:
    """A condition that tests a check's output read as the check itself: ``[ -z "$(CHECK)"
    ]`` (nothing printed) as ``! CHECK``, ``[ -n "$(CHECK)" ]`` and ``[ ! -z "$(CHECK)" ]``
    as ``CHECK`` (hunt ED: a Makefile's ``if [ -z "$$(ip netns list | grep $(NS))" ];
    then ... ip netns add $(NS); else echo exists; fi``, printed by ``make -n``, was "an
    'if' block whose condition iplab cannot evaluate", the lab lost); any other: as it is."""
    found = _OUTPUT_TEST.fullmatch(said.strip())
    if found is None:
        return said
    absent = (found["op"] == "z") != bool(found["not"])
    return f"! {found['check'].strip()}" if absent else found["check"].strip()


#: how a script names itself (``$0``, ``${BASH_SOURCE[0]}``) in what sets a variable to
#: its folder (``$(dirname "$0")``, ``$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)``)
_SCRIPT_SELF = re.compile(r"\$(?:0\b|\{0\}|\{?BASH_SOURCE\b)")
#: a program named under a variable's folder (``$DIR/helper.sh``, ``${here}/../f.sh``)
_OWN_FOLDER = re.compile(r"\$(?:\{(\w+)\}|(\w+))/")


#: ``$(dirname "$0")/``, ``$(dirname "${BASH_SOURCE[0]}")/``, ``${BASH_SOURCE%/*}/``: the
#: directory of the script, in a word that names a file beside it
_SCRIPT_DIR = re.compile(
    r'\$\(dirname\s+"?\$(?:0|\{0\}|BASH_SOURCE|\{BASH_SOURCE(?:\[0\])?\})"?\)/'
    r"|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\}/"
)


def _beside_the_script(node: shellread.Node) -> str | None:
    """``. "$(dirname "$0")/lab.env"`` (or ``source``, ``${BASH_SOURCE%/*}/``): the name of
    the file beside the script it reads; None: another command."""
    said = [shellread.source(w) for w in shellread.words(node)]
    if len(said) != 2 or said[0] not in (".", "source"):
        return None
    word = said[1][1:-1] if said[1][:1] == said[1][-1:] == '"' else said[1]
    found = _SCRIPT_DIR.match(word)
    rest = word[found.end() :] if found else ""
    return rest if rest and not set(rest) & set("$`\"'*?") else None


def _options_given(
    spec: str, given: Sequence[str]
) -> tuple[list[tuple[str, str | None]], int] | None:
    """The options getopts finds in ``given`` with ``spec`` (``"n:cd"``), in order, each
    with its argument (``OPTARG``), and how many words they take (``OPTIND - 1`` after the
    loop: ``shift $((OPTIND-1))`` leaves the rest); None when one is not in the spec or
    lacks its argument (bash's ``?`` or ``:``)."""
    found: list[tuple[str, str | None]] = []
    letters = spec.removeprefix(":")
    i = 0
    while i < len(given):
        word = given[i]
        if word == "--":
            return found, i + 1
        if not word.startswith("-") or word == "-":
            break
        for j, letter in enumerate(word[1:], 1):
            at = letters.find(letter)
            if letter == ":" or at < 0:
                return None
            if letters[at + 1 : at + 2] != ":":
                found.append((letter, None))
                continue
            rest = word[j + 1 :]
            if not rest:
                i += 1
                if i == len(given):
                    return None
                rest = given[i]
            found.append((letter, rest))
            break
        i += 1
    return found, i


def _options_loop(node: shellread.Node) -> str | None:
    """``while getopts SPEC NAME; do``: the name getopts sets (None: no options loop, or
    one that reads words of its own, ``getopts SPEC NAME "$@"`` aside)."""
    if node.type != "while_statement":
        return None
    condition = next((c for c in node.named_children if c.type != "do_group"), None)
    if condition is None or condition.type != "command":
        return None
    said = [shellread.source(w) for w in shellread.words(condition)]
    if len(said) < 3 or said[0] != "getopts" or not _NAMED.fullmatch(said[2]):
        return None
    return said[2] if said[3:] in ([], ['"$@"']) else None


def _assigns(text: str, name: str) -> bool:
    """``text`` (a loop's body, its uses ``$name`` taken out) may set ``name``: ``name=``,
    ``name += 2``, ``name++``, ``--name``, ``read name``, ``printf -v name``, ``unset name``."""
    n = re.escape(name)
    return any(
        re.search(pattern, text)
        for pattern in (
            rf"(?<![\w-]){n}\s*(?:\[[^]]*\])?\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)",
            rf"(?:\+\+|--){n}\b|(?<![\w-]){n}\s*(?:\+\+|--)",
            rf"\b(?:read|unset|mapfile|readarray|getopts|printf\s+-v|declare|local)\b[^;&|\n]*\b{n}\b",
        )
    )


def source_starts(node: shellread.Node, prefix: str) -> bool:
    return shellread.source(node).startswith(prefix)


class _Jump(Exception):
    """``continue`` or ``break`` read in a loop's body: the commands read before it in this
    iteration (``before``) stay, the rest of the body is left out."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.before: list[Cmd] = []


class _Exited(Exception):
    """``exit`` read in the script's own flow (:meth:`Reader._flowing`): the commands read
    before it (``before``), where it is and what it says."""

    def __init__(self, where: str, said: str) -> None:
        super().__init__(said)
        self.where = where
        self.said = said
        self.before: list[Cmd] = []


def _called(node: shellread.Node, functions: Collection[str]) -> list[str]:
    """The names in ``functions`` that commands in ``node`` call, in order, once each."""
    out: list[str] = []
    for child in node.named_children:
        said = shellread.words(child)[:1] if child.type == "command" else []
        name = shellread.unquoted(said[0]) if said else None
        found = [name] if name in functions else []
        out += [n for n in [*found, *_called(child, functions)] if n and n not in out]
    return out


def _redirected_loop(
    node: shellread.Node, kinds: Sequence[str]
) -> tuple[shellread.Node, list[str], shellread.Node | None] | None:
    """A loop of one of ``kinds`` with one file redirection (``done > up.batch``, ``done <
    hosts.txt``): the loop, the redirection's operator (``[">"]``) and its target; None:
    another statement."""
    body = node.child_by_field_name("body") if node.type == "redirected_statement" else None
    if body is None or body.type not in kinds:
        return None
    redirects = [c for c in node.named_children if c.id != body.id]
    if len(redirects) != 1 or redirects[0].type != "file_redirect":
        return None
    said = [c.type for c in redirects[0].children if not c.is_named]
    return body, said, redirects[0].child_by_field_name("destination")


def _brace_group(node: shellread.Node) -> bool:
    """``{ a; b; }``: commands bash runs in the same shell (not an arithmetic ``(( ))``)."""
    return node.type == "compound_statement" and shellread.source(node).startswith("{")


def _group_over_lines(node: shellread.Node) -> bool:
    """``{`` and its commands a line each, ``}``, alone or after ``&&`` (``: "label" &&
    {``: a script's named section), which leaves nowhere (no ``exit``)."""
    if _leaves(node):
        return False
    if _brace_group(node):
        return True
    joints = {c.type for c in node.children if not c.is_named}
    return (
        node.type == "list"
        and joints == {"&&"}
        and _brace_group(node.named_children[-1])
        and all(c.type == "command" for c in node.named_children[:-1])
    )


def _leaves(node: shellread.Node) -> bool:
    """``node`` holds an ``exit``, ``return``, ``break`` or ``continue`` (outside a function
    it defines)."""
    for child in node.named_children:
        if child.type == "function_definition":
            continue
        said = shellread.words(child)[:1] if child.type == "command" else []
        if said and shellread.source(said[0]) in ("exit", "return", "break", "continue"):
            return True
        if _leaves(child):
            return True
    return False


def _jump_word(node: shellread.Node) -> str | None:
    """``continue`` or ``break`` (without a count), as a statement; None otherwise."""
    if node.type != "command":
        return None
    words = shellread.source(node).split()
    return words[0] if words and words[0] in ("continue", "break") and len(words) == 1 else None


def _printf_assign(node: shellread.Node, scope: ShellVars, line: int) -> bool:
    """``printf -v NAME FORMAT ARGS...``: NAME set to what bash's printf makes of them (for
    ``%s``, ``%d``, ``%02d``, ``%x``...; an unknown format or argument leaves NAME unknown).
    False: not such a command."""
    if node.type != "command":
        return False
    words = [_word(w, scope) for w in shellread.words(node)]
    if words[:2] != ["printf", "-v"] or len(words) < 4 or not _NAMED.fullmatch(words[2] or ""):
        return False
    name, fmt, args = words[2] or "", words[3], words[4:]
    given = [a for a in args if a is not None]
    known = fmt is not None and len(given) == len(args)
    value = printed.printf_text(fmt, given) if fmt is not None and known else None
    scope.values[name], scope.lines[name] = value, line
    return True


def _locals(body: shellread.Node) -> set[str]:
    """The names a function's body declares ``local`` (or ``declare``/``typeset`` without
    ``-g``): bash keeps them in the call."""
    out: set[str] = set()
    for node in body.named_children:
        if node.type == "function_definition":
            continue
        out |= _locals(node)
        if node.type != "declaration_command" or node.children[0].type == "readonly":
            continue
        flags = "".join(shellread.source(c) for c in node.named_children if c.type == "word")
        if node.children[0].type == "export" or "g" in flags:
            continue
        for part in node.named_children:
            name = part.named_children[0] if part.type == "variable_assignment" else part
            if name.type == "subscript":
                name = name.named_children[0]
            if name.type == "variable_name":
                out.add(shellread.source(name))
    return out


def _errexit(line: str, before: bool) -> bool:
    """Whether the shell stops at a failing command after ``line`` (``set -e``, ``set
    -euo pipefail``, ``set -o errexit``; ``set +e`` ends it); ``before``: it did."""
    try:
        words = shlex.split(line)
    except ValueError:
        return before
    if words[:1] != ["set"]:
        return before
    for i, word in enumerate(words[1:], 1):
        if word in ("-o", "+o") and words[i + 1 : i + 2] == ["errexit"]:
            before = word == "-o"
        elif re.fullmatch(r"[-+][A-Za-z]+", word) and "e" in word:
            before = word[0] == "-"
    return before


def _assigned_names(node: shellread.Node) -> set[str]:
    """The variables ``node`` sets (``NS+=(x)``, ``X=1``, ``printf -v X``, ``read X``,
    ``for X in``)."""
    text = shellread.source(node)
    found = set(_SET_NAME.findall(text)) | set(_SET_BY_COMMAND.findall(text))
    return found | piped.loop_variables(node)


def _piped(node: shellread.Node) -> bool:
    """Whether ``node`` is a pipe (``program`` of one: the line's statement)."""
    if node.type == "program" and len(node.named_children) == 1:
        node = node.named_children[0]
    return node.type == "pipeline"


def _forget_assigned(node: shellread.Node, scope: ShellVars, line: int = 0) -> None:
    """The variables a construct iplab skips sets (``NS+=(x)``, ``X=1``, ``printf -v X``,
    ``read X``): unknown from now on (what it only reads keeps its value). ``line``: where
    the construct is, said when one is used (hunt AA: the line of ``tries=0`` was named)."""
    for name in _assigned_names(node):
        if name in scope.values or name in scope.arrays:
            scope.values[name] = None
            scope.arrays.pop(name, None)
            if line:
                what = shellread.source(node).split(maxsplit=1)[0]
                scope.skipped[name] = (line, f"{what} loop" if node.type in _LOOPS else what)


def _forget(node: shellread.Node, scope: ShellVars) -> None:
    """The variables a statement iplab cannot evaluate may change: unknown from now on."""
    for match in _REF_NAME.finditer(shellread.source(node)):
        if match[0] in scope.values:
            scope.values[match[0]] = None
