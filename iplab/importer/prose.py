"""Lines written as sentences, and files written in them: what no command looks like.

A page's reader takes a line for a command by its first word; a plain-text file with no
mark of a page is read as a script. Both went wrong on prose: an email's ``Hi Bob,``, a man
page's ``Connect them with a veth pair and assign addresses:`` after a command, a forum
post's last line ``touch base with me if it fails`` (``touch`` is a program: it ran, and
left six files). :func:`is_sentence` tells such a line; :func:`reads_as_prose` tells such a
file. Pure functions of the text.

Why this module is long: it is the one place that knows how a sentence differs from a
command: the words that label output or say a command fails, a command glued to the
heading after it (in English, numbered, or in Chinese, Japanese or Korean), a command
inside a sentence or in its general form. Each reads the same words; apart, they would
each keep a copy of what a title's or a sentence's words are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iplab.ipwords import verb_of
from iplab.words import placeholder

__all__ = [
    "announced_commands",
    "command_in_sentence",
    "commands_in_sentences",
    "glued_heading",
    "is_label",
    "is_sentence",
    "labels_output",
    "reads_as_prose",
    "said_to_fail",
    "says_it_printed",
]

#: names of plain-text files: a page (a forum post, an email, notes), not a script
TEXT_SUFFIXES = (".txt", ".text", ".log", ".eml", ".mbox", ".wiki", ".mediawiki")
#: a sentence's first word (``Hi``, ``That's``, ``From:``), as no command is spelled
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:['\u2019][a-z]+)?[,.:;!?]?")
#: a word of plain English, no option, path, number, variable or quote
_PLAIN = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?[,.;!?]?")
#: words of English sentences that no network command takes as an argument
_SMALL_WORDS = frozenset({
    "the", "you", "your", "me", "my", "with", "it", "is", "are", "was", "we", "our", "us",
    "will", "would", "should", "could", "this", "that", "these", "those", "because",
    "please", "just", "when", "what", "which", "who",
})  # fmt: skip
_SENTENCE_END = tuple(".,:;!?")
#: a word written in Chinese, Japanese or Korean script: no command is spelled so, a
#: sentence starts so (``本期重点 认识 veth``, ``原文:https://...``)
_IDEOGRAPHIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
#: what ends a sentence in those scripts (``... 不修改数据包。``)
_IDEOGRAPHIC_END = tuple("\u3002\uff01\uff1f")
#: programs whose arguments are words to print (``echo this is it``): a command, never prose
_SAYS = frozenset({"echo", "printf", "logger", "wall", "say", "figlet", "banner", "cowsay"})
#: what only a script holds: its loops, conditions, functions, here-documents, variables
_SCRIPT_SHAPE = re.compile(
    r"\s*(?:(?:for|while|until|if|case)\s|(?:done|fi|esac|then|do|else)\s*(?:[;#|&].*)?$"
    r"|function\s|[A-Za-z_][A-Za-z0-9_]*\s*\(\)|(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*="
    r"|set\s+-[euxo]|trap\s|.*<<-?\s*['\"]?[A-Za-z_])"
)


def is_sentence(line: str) -> bool:
    """A line of prose: a capitalised first word that no command is spelled like, then
    more words or a sentence's punctuation (``Create two namespaces:``, ``Cheers,``); or
    plain lowercase words, two or more of them words no command takes (``touch base with
    me if it fails``), unless the first is a program that prints its words (``echo``)."""
    words = line.split()
    if not words or "=" in words[0]:
        return False
    if _IDEOGRAPHIC.search(words[0]) or line.rstrip().endswith(_IDEOGRAPHIC_END):
        return True  # 本期重点 认识 veth, 原文:https://..., ... 不修改数据包。(hunt BC)
    if len(words) > 1 and _IDEOGRAPHIC.match(words[1]) and words[0] not in _SAYS:
        return True  # ip 명령은 ... 만들었다., ip 命令用于...: a program's name, then words
        # about it (hunt DJ: taken for a command, the prompted line under it was a comment)
    if _CAPITALISED.fullmatch(words[0]):
        return len(words) >= 3 or line.rstrip().endswith(_SENTENCE_END)
    if len(words) < 4 or words[0] in _SAYS or not all(_PLAIN.fullmatch(w) for w in words):
        return False
    return len({w.rstrip(",.;!?") for w in words[1:]} & _SMALL_WORDS) >= 2


def cjk_word(line: str) -> bool:
    """A word of ``line`` is written in Chinese, Japanese or Korean letters: on a page's
    line of prose after an ip command's words, the title that names it (hunt ET,
    jishuzhan's ``ip addr show 输出详解``, "the output explained", was run as a step and
    would fail: no link has that name)."""
    return any(_IDEOGRAPHIC.search(word) for word in line.split()[1:])


#: a word of a note's label: plain, maybe in parentheses (``(own``, ``shell):``, ``I``)
_LABEL_WORD = re.compile(r"\(?[A-Za-z]+(?:['\u2019][a-z]+)?\)?[,:]?")


def is_label(line: str) -> bool:
    """A line of notes that names what the lines after it do, written as no command is:
    three plain words or more that end with ``:`` or hold some in parentheses (``back on
    the host:``, ``enter it for real (own shell):``, ``how I debug a netns (notes to
    self)``). The caller checks that the first word is no program it knows."""
    words = line.split()
    if len(words) < 3 or not all(_LABEL_WORD.fullmatch(w) for w in words):
        return False
    return words[-1].endswith(":") or "(" in line


#: a line number a source browser prints before a line of text (``4The``, ``12  The``)
_GUTTER = re.compile(r"^\d{1,5}\s*(?=[A-Z][a-z])")


def reads_as_prose(suffix: str, text: str) -> bool:
    """A file with no mark of a page or a script (a fence, a tag, ``#!``, .sh) is a page
    of plain text when it is written in sentences, a script otherwise (every line a
    command). By its name (.txt, .log, .eml, .wiki...): a page when a line is a sentence.
    With another
    name: a page when two lines or more are sentences, a tenth of its lines or more, or one
    is and no line has a script's shape. (A file of commands alone, whatever its name, is
    a script: a page's reader reads only the lines it knows for commands.)"""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    # (a page copied from a source browser with its line numbers, ``4The VXLAN protocol
    # is``: hunt ET, lxr's vxlan.txt, each of its lines a raw step of a "script")
    sentences = sum(is_sentence(_GUTTER.sub("", ln)) for ln in lines)
    scripted = any(_SCRIPT_SHAPE.match(ln) for ln in lines)
    if suffix in TEXT_SUFFIXES:
        return sentences > 0
    return (sentences >= 2 and sentences * 10 >= len(lines)) or (sentences > 0 and not scripted)


#: what a command prints when it failed (iproute2's and ping's own words)
ERROR_SHOWN = re.compile(
    r"^(?:RTNETLINK answers: |Error: |Cannot find device |Device \"[^\"]*\" does not exist"
    r"|connect: |ping: |Object \"[^\"]*\" is unknown|Cannot create namespace file "
    r"|Cannot open network namespace \"|Cannot remove namespace file |Not enough information: "
    r"|Garbage instead of arguments |Unknown device type|What is \"[^\"]*\"\?"
    r"|Command line is not complete|(?:-?bash|sh|zsh): (?:line \d+: )?[^:\n]+: command not found"
    r"|.*: Operation not permitted$)",
    re.M,
)


#: what a client that reaches a server prints when it reached nothing (curl's ``curl: (7)
#: Failed to connect``, netcat's ``nc: connect to ... failed: Connection refused``,
#: ``iperf3: error - unable to connect to server``, wget's ``failed: Connection refused.``,
#: socat's ``socat[42] E connect(...)``, telnet's ``Unable to connect to remote host``):
#: apart from :data:`ERROR_SHOWN`, as it says only that this run of the command failed.
#: Run again after a change, the same line is another experiment, never a retry read once
#: (hunt BK: a page's "curl gets nowhere yet", shown failing, stopped the run and rolled
#: the lab back)
CLIENT_FAILURE_SHOWN = re.compile(
    r"^(?:curl: \(\d+\) |nc: (?:connect to|getaddrinfo)|Ncat: (?:Connection|TIMEOUT)"
    r"|iperf3?: error - |socat\[\d+\] E |telnet: Unable to connect"
    r"|(?:Connecting to|wget: unable to resolve).*(?:failed: .*|host address .*)$)",
    re.M,
)


def failure_shown(line: str) -> bool:
    """A line a failing command prints (iproute2's and ping's own words)."""
    return ERROR_SHOWN.match(line) is not None


#: an ip command after words of a sentence (``[01:02] next addresses, ip -n red addr add
#: ...``, ``and we type ip netns add red``)
_IP_INSIDE = re.compile(
    r"\S.*?(?<=[\s:])(?:sudo\s+)?ip\s+(?:-[a-z]+\s+\S+\s+)?"
    r"(?P<object>(?:netns|link|l|addr|address|a|route|r|neigh|rule)\s+\S.*)"
)


def commands_in_sentences(text: str) -> list[int]:
    """The lines of a text that hold an ``ip`` command inside a sentence, not at its start
    (a video's transcript: hunt T, "no command found" said nothing of them). Where no
    line has one of ip's verbs after its object, none is a transcript's command (hunt EN:
    "clarify the ip netns command for me", a question that names the tool, was said to
    be one); where one has, ``ip netns`` alone, spoken, is one too."""
    found: list[int] = []
    verbs = False
    for n, line in enumerate(text.splitlines(), 1):
        if inside := _IP_INSIDE.match(line.strip()):
            found.append(n)
            verbs = verbs or verb_of("ip", inside["object"].split()).verb is not None
    return found if verbs else []


#: where a command inside a sentence ends: the sentence goes on (``ip link add veth0 type
#: veth peer name veth1 ,a interface named ...``, ``... up and ip netns exec ...``, ``(``)
_SENTENCE_GOES_ON = re.compile(
    r"\s*[,;(]|\.\s|\s+and\s|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff60\u3000-\u303f]"
)


def command_in_sentence(line: str) -> str | None:
    """The ``ip`` command a sentence holds, up to where the sentence goes on (hunt DX:
    ``first,execute command: ip netns add lains``: ``ip netns add lains``); None: no
    sentence holds one."""
    found = _IP_INSIDE.match(line.strip())
    if found is None:
        return None
    start = re.search(r"(?:sudo\s+)?\bip\s", found[0][1:])
    if start is None:
        return None
    said = line.strip()[1 + start.start() :]
    return _SENTENCE_GOES_ON.split(said, maxsplit=1)[0].strip() or None


def form_in_sentence(line: str) -> str | None:
    """The placeholder the ``ip`` command inside a sentence holds (``use the ip link add
    <interface-name> type <interface-type> command``: ``<interface-name>``), a command's
    general form with nothing to run (hunt DN: "no command found" told the reader to write
    it on a line of its own and import that); None: a command as it is typed."""
    found = _IP_INSIDE.match(line.strip())
    if found is None:
        return None
    start = re.search(r"(?:sudo\s+)?\bip\s", found[0][1:])
    return placeholder(line.strip()[1 + start.start() :]) if start else None


#: a sentence that announces a command under it (``... using the below command:``, ``Run
#: the following commands:``), not what one printed (``The output is shown below:``)
_ANNOUNCES = re.compile(r"\bcommands?\b|\bbelow\b|\bfollowing\b", re.IGNORECASE)
_PRINTED_SAID = re.compile(r"\boutput\b|\bresults?\b|\bprints?\b", re.IGNORECASE)


def announced_commands(text: str) -> list[int]:
    """The lines of a text that announce a command under them: a sentence ending with
    ``:`` that names a command, or what is below or follows (hunt DJ: a page whose commands
    are pictures of a terminal keeps only these; "no command found" said nothing of why)."""
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if line.rstrip().endswith(":")
        and is_sentence(line.strip())
        and _ANNOUNCES.search(line)
        and not _PRINTED_SAID.search(line)
    ]


#: the last sentence of a paragraph that says the block after it is what the command
#: above printed (``Expected output:``, ``Sample output:``, ``You should see something
#: like this:``)
_OUTPUT_LABEL = re.compile(
    r"(?:(?:the|its|sample|example|typical|expected)\s+)*(?:output|result)s?"
    r"(?:\s+(?:should|will|would)\s+(?:look|be)(?:\s+something)?(?:\s+like)?(?:\s+this)?)?"
    r"|you(?:['\u2019]ll|\s+will|\s+should)\s+(?:now\s+)?(?:see|get)"
    r"(?:\s+something)?(?:\s+like)?(?:\s+this)?",
    re.IGNORECASE,
)
#: the end of a sentence, where the last one starts
_SENTENCES = re.compile(r"(?<=[.!?])\s+|(?<=[\u3002\uff01\uff1f])\s*")  # (CJK full stops: no space)


def _last_sentence(text: str) -> str:
    """The last sentence of a text, its emphasis (``**``, ``_``, backquotes) taken off."""
    plain = " ".join(text.replace("*", "").replace("`", "").split()).strip("_ ")
    return next((s for s in reversed(_SENTENCES.split(plain)) if s), "")


def labels_output(text: str) -> tuple[bool, bool]:
    """Whether a paragraph ends with a label of what a command printed (``Expected
    output:``), and whether the label is all of it (``Run it. Expected output:`` is not)."""
    last = _last_sentence(text)
    if not last.endswith(":") or not _OUTPUT_LABEL.fullmatch(last[:-1].rstrip()):
        return False, False
    return True, last == " ".join(text.replace("*", "").replace("`", "").split()).strip("_ ")


#: a sentence that says what the command above it printed, the output on the lines under it
#: (``returns``, ``it gives me:``, ``which prints the following``): a verb of showing, last
_PRINTED_VERB = re.compile(
    r"(?:(?:it|this|that|which|and|then|now|this\s+command|the\s+command)\s+)*"
    r"(?:returns|returned|gives|gave|prints|printed|shows|showed|outputs|displays|yields)"
    r"(?:\s+(?:me|us|you))?(?:\s+(?:the\s+following|this|something\s+like(?:\s+this)?))?",
    re.IGNORECASE,
)


def says_it_printed(text: str) -> bool:
    """A paragraph, all of it, that says the lines under it are what the command above it
    printed, with no colon (an issue's ``calling`` / ``sudo ip netns exec n0 ip route`` /
    ``returns`` / the routes: hunt EO #5, the routes were the next step's prose)."""
    plain = " ".join(text.replace("*", "").replace("`", "").split()).strip("_ ")
    return _PRINTED_VERB.fullmatch(plain.rstrip(":.").rstrip()) is not None


#: words that say the command they introduce fails (``This ping should fail``, ``this
#: ping must fail now:``, ``Pinging the peer should fail as well``)
_SAID_TO_FAIL = re.compile(
    r"\b(?:should|must|will|(?:is|are)\s+(?:going|expected|supposed)\s+to"
    r"|expect(?:ed)?\s+(?:it\s+|this\s+)?to)\s+(?:now\s+|still\s+|also\s+|then\s+)?fail\b"
    r"|\bshould(?:n['\u2019]t|\s+not)\s+(?:work|succeed|answer|get\s+(?:a\s+|any\s+)?repl)",
    re.IGNORECASE,
)
#: in the comment after a command itself: it fails (``# FAILS: loopback is down``, ``#
#: fails too!``, ``# expected: Network is unreachable``)
_FAILS = re.compile(
    r"\bfail(?:s|ed|ing|ure)?\b|\bunreachable\b|\b100\s?%\s+(?:packet\s+)?loss\b"
    r"|\bno\s+repl(?:y|ies)\b|\btimes?\s+out\b",
    re.IGNORECASE,
)
#: the same claim in the other languages tutorials are written in (hunt EV #4: choisungwook's
#: Korean ``iptables forward설정이 되지 않아서 실패합니다.``, "fails because forwarding is
#: not set"): Korean 실패합니다/실패한다/실패해야 합니다, Chinese and Japanese 失败 失敗,
#: ``ping 不通``, German ``schlägt fehl``/``fehlschlagen``, French ``échoue``, Spanish
#: ``falla``/``fallará``/``debería fallar``, Portuguese ``falha``, Italian ``fallisce``,
#: Russian ``не удаётся``/``не проходит``/``завершится ошибкой``
_FAILS_ELSEWHERE = re.compile(
    r"실패(?:합니다|한다|해야|할\s*(?:것|겁니다)|하게|했습니다|했다|함|해요|입니다)"
    r"|失[败敗]|不通|(?:无法|不能)\s*ping\s*通|通信(?:できません|できない)|疎通(?:しません|しない)"
    r"|\bschl(?:ä|ae)gt\b(?:\s+\S+){0,6}?\s+fehl\b|\bfehl(?:schlagen|geschlagen)\b"
    r"|\b[ée]chou(?:e|ent|era|eront|er|ait)\b"
    r"|\bfall(?:a|an|ar|ará|arán|ara|aría)\b|\bfalh(?:a|am|ar|ará|arão)\b"
    r"|\bfallisc(?:e|ono)\b|\bfallire\b"
    r"|не\s+уда[её]тся|не\s+проходит|не\s+пройд[её]т|заверш(?:ится|ается)\s+(?:ошибкой|неудачей)",
    re.IGNORECASE,
)
#: what makes such a failure a condition or denies it, in those languages (``si falla``,
#: ``wenn ... fehlschlägt``, ``如果失败``, ``失敗した場合``, ``실패하지 않``, ``ya no falla``)
_CONDITION_ELSEWHERE = re.compile(
    r"\b(?:si|s['\u2019]il|wenn|falls|ob|cuando|quand|lorsque|warum|pourquoi|por\s*qu[eé]"
    r"|если|когда|почему)\b"
    # (a denial of the failure itself, not of another word: ``nicht aktiv, daher schlägt
    # der Ping fehl`` says it fails)
    r"|\bschl(?:ä|ae)gt\s+(?:\S+\s+){0,4}?(?:nicht|nie)\s+(?:mehr\s+)?fehl\b"
    r"|\b(?:nicht|nie)\s+(?:mehr\s+)?fehl(?:schlagen|geschlagen)\b"
    r"|\bn['\u2019]\s*[ée]chou\w*\s+(?:pas|plus|jamais)\b|\bne\s+(?:pas|plus)\s+[ée]chouer\b"
    r"|\b(?:no|não|nao|non)\s+(?:\w+\s+)?(?:fall|falh|fallisc|fallir)\w*"
    r"|\b\u043d\u0435\s+(?:\w+\s+)?заверш\w*\s+(?:ошибкой|неудачей)"  # (не ... завершится)
    r"|만약|경우|실패하지\s*않|왜|如果|若|的话|要是|不会|不再|为什么|場合|もし|たら|なら"
    r"|失敗し(?:ない|ません)|なぜ",
    re.IGNORECASE,
)
#: words that make a failure a condition or deny it, not a claim (``if it fails, check the
#: route``, ``no longer fails``)
_CONDITION = re.compile(
    r"\b(?:if|when|unless|whether|why|in\s+case|otherwise|not|never|no\s+longer|anymore)\b"
    r"|n['\u2019]t\b",
    re.IGNORECASE,
)


#: a word a code block's last line and the heading under it make when the page's text lost
#: the line break between them (``upAdding``, ``listVerify``, ``loBring``): the command's
#: last word, ending in lower case or a digit, then the heading's first, capitalised
_GLUED_TITLE = re.compile(r"(?P<end>\S*[a-z0-9])(?P<word>[A-Z][a-z]+)")
#: a word of a heading (``Default``, ``IPv4``, ``a``), no option, path or number
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\u2019-]*[,:?!]?")
#: the words a heading leaves in lower case (``Adding a Default Route in the Namespace``)
_TITLE_SMALL = frozenset({
    "a", "an", "the", "in", "on", "of", "to", "for", "with", "and", "or", "from", "into",
    "via", "between", "by", "at", "as", "is", "it",
})  # fmt: skip


#: a letter of Chinese, Japanese or Korean (not their punctuation: ``\uff0c``, ``\u3002``)
_CJK_LETTER = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def glued_heading(line: str, above: str = "") -> tuple[str, str] | None:
    """A line that is a command glued to the heading after it, the page's text having lost
    the line break between a code block and the next title (hunt DJ, oneuptime's pages as
    stored: ``sudo ip netns exec myns ip link set veth1 upAdding a Default Route in the
    Namespace``): the command and the heading; None for any other line. The heading is
    two words or more, each capitalised but the small ones (``Verify the Namespace Was
    Created``), or a capitalised word then lower-case ones, a small one among them
    (``Adding a default route``); not ip's words after a name written in camel case
    (``ip link add myBridge type bridge``). The caller checks that the command is one.
    A numbered step glued so (hunt DX, besthub's ``ip netns add ns02. List namespaces``,
    ``ip link set lo up3. Verify the interface ...``): its number one digit, the heading a
    capitalised word and more, and only when ``above`` (the text over the line) holds the
    step before it (``1. Add a namespace named ns0``, glued or not): a page that numbers
    its steps; the full stop of a sentence after a name (``veth2. Then``) stays. A
    command's last word glued to a sentence in Chinese, Japanese or Korean (hunt DX,
    njzxch's ``ip netns add ns1查看当前系统中所有网络命名空间:``, ``... dev veth1此时,ns1
    可通过 veth0 与主机通信。``): split where those letters begin, no name ip takes holding
    them; three words before them at least (``ip netnsコマンドの使い方``, a title that names
    the tool, stays)."""
    words = line.split()
    for k, word in enumerate(words):
        cjk = _GLUED_CJK.fullmatch(word)
        if cjk and k >= 2 and _CJK_LETTER.search(cjk["word"]):
            # (``ip netns add ns1查看当前...``: hunt DX; not ``ip netnsコマンド``, nor a
            # full-width comma alone, which ends a list of commands: hunt EX)
            return " ".join([*words[:k], cjk["end"]]), " ".join([cjk["word"], *words[k + 1 :]])
        numbered = _GLUED_NUMBER.fullmatch(word)
        if numbered and _step_before(numbered, words[k + 1 :], above):
            step = " ".join([f"{numbered['number']}.", *words[k + 1 :]])
            return " ".join([*words[:k], numbered["end"]]), step
        stepped = _GLUED_STEP.fullmatch(word)  # (``Step 2: Create a Network Namespace``)
        if stepped and _numbered_step(heading := [stepped["word"], *words[k + 1 :]]):
            return " ".join([*words[:k], stepped["end"]]), " ".join(heading)
        glued = _GLUED_TITLE.fullmatch(word)
        if glued is None:
            continue
        heading = [glued["word"], *words[k + 1 :]]
        if len(heading) < 2 or not all(_TITLE_WORD.fullmatch(w) for w in heading):
            return None
        rest = [w.rstrip(",:?!") for w in heading[1:]]
        small = [w in _TITLE_SMALL for w in rest]
        titled = all(w[:1].isupper() or s for w, s in zip(rest, small, strict=True))
        sentence = any(small) and all(w.islower() for w in rest)
        if not (titled or sentence):
            return None
        return " ".join([*words[:k], glued["end"]]), " ".join(heading)
    return None


#: a word whose ASCII head is a command's last word, the rest a sentence in Chinese,
#: Japanese or Korean glued to it (``ns1查看当前系统中所有网络命名空间:``)
_GLUED_CJK = re.compile(
    r"(?P<end>[!-~]*[A-Za-z0-9])"
    r"(?P<word>[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff60\u3000-\u303f]\S*)"
)
#: a command's last word glued to a numbered list's item (``ns02. List namespaces``: the
#: name ``ns0``, the item ``2.``): the word, its last digit the item's number
_GLUED_NUMBER = re.compile(r"(?P<end>\S*[A-Za-z0-9])(?P<number>[1-9])\.")


def _step_before(numbered: re.Match[str], heading: Sequence[str], above: str) -> bool:
    """Whether the words after a word that ends with a list item's number (``ns02.``) are
    that item's heading (``List namespaces``: a capitalised word, then words of a title)
    and the text above holds the item before it (``1. Add``), on a line of its own or
    glued to what a command printed (``00:002. Bring the loopback interface up``)."""
    number = int(numbered["number"])
    if number < 2 or not heading or re.fullmatch(r"[A-Z][a-z]+", heading[0]) is None:
        return False
    if not all(_TITLE_WORD.fullmatch(w) for w in heading):
        return False
    return re.search(rf"{number - 1}\. [A-Z][a-z]", above) is not None


#: a command's last word glued to a numbered step's heading (``-j ACCEPTStep 6: Test
#: Connectivity``, ``container1Step 3: ...``)
_GLUED_STEP = re.compile(r"(?P<end>\S*[A-Za-z0-9])(?P<word>Step|Part|Stage|Phase|Task)")
#: the words that number a page's steps (``Step 2:``, ``Part 3.``): a heading's start
_STEP_WORDS = frozenset({"Step", "Part", "Stage", "Phase", "Task", "Exercise", "Lab"})
_STEP_NUMBER = re.compile(r"\d{1,2}[.:)]")


def _numbered_step(heading: Sequence[str]) -> bool:
    """``Step 2: Create a Network Namespace (Container)``, ``Step 5: Enable NAT for
    Internet Access``: a numbered step's heading, whatever its words' case (hunt DN:
    oneuptime's ``ip netns add container1Step 3: Create veth Pair and Connect to Bridge``
    was lost, ``veth`` in lower case), a word of it at least after the number."""
    return (
        len(heading) >= 3
        and heading[0] in _STEP_WORDS
        and _STEP_NUMBER.fullmatch(heading[1]) is not None
        and all(re.fullmatch(r"\(?[A-Za-z][\w'\u2019/-]*\)?[,:?!.]?", w) for w in heading[2:])
    )


#: ping's summary of a run that got no reply (``2 packets transmitted, 0 received, 100%
#: packet loss``), written as a comment under the command
_NO_REPLY_SHOWN = re.compile(r"\b0 (?:packets )?received\b|\b100(?:\.0+)?% packet loss")


def said_to_fail(text: str, *, own: bool = False, shown: bool = False) -> str:
    """The words of the last sentence of ``text`` (the words that introduce a command, or,
    ``own``, the comment after the command itself) when they say the command fails; ""
    when they do not. (Hunt AO: an exercise's ping that "should fail" before the fix.)
    ``shown``: ``text`` is the comment right under the command, what it printed; all of
    it when it shows a ping that reached nothing (``# 2 packets transmitted, 0 received,
    100% packet loss``; hunt BK: the ping after ``ip_forward=0`` was a probe that must
    succeed)."""
    if shown:
        said = " ".join(text.split())
        return said if _NO_REPLY_SHOWN.search(said) else ""
    last = _last_sentence(text)
    if _SAID_TO_FAIL.search(last):
        return last
    if own and _FAILS.search(last) and not _CONDITION.search(last):
        return last
    if _FAILS_ELSEWHERE.search(last) and not _CONDITION_ELSEWHERE.search(last):
        return last  # (Korean's 실패합니다 says "fails", before the command or after it)
    return ""


#: an ip command whose words ran together, its spaces lost when the page was copied
#: (``ipnetnsaddmario``, ``sudoipnetnsexecmarioip``): ip, its object and its verb in one word
_SPACES_LOST = re.compile(
    r"(?<![\w/.-])(?:sudo)?ip(?:netns|link|addr|address|route|neigh|rule)"
    r"(?:add|del|delete|exec|set|list|show|flush|identify|pids)\w*"
)


def spaces_lost(line: str) -> str | None:
    """The first word of ``line`` that is an ip command run together, its spaces lost
    (hunt DN: a scraped post's ``> ipnetnsaddmario > ipnetnsaddluigi``; import said only
    "no command found"), or None."""
    found = _SPACES_LOST.search(line)
    return found[0] if found else None
