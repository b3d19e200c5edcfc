"""Hunt EV #3 (left by hunt ET): a route glued to ``ip route show`` on its prompt's line.

simplified.guide's ``ip rule add`` page as stored (tests/fixtures/pages-et/et04-simplified-
guide-ip-rule-glued-output.txt) lost the line breaks after its commands: ``$ ip route show
table 100 default via 192.0.2.1 dev lab0 onlink`` is the command ``ip route show table 100``
and the route it printed. Its words are selectors ip reads too (but ``onlink``: ip refuses
the line, "any valid prefix is expected rather than "onlink""), so the line was one step.
The page's layout says which: it glues what its commands print elsewhere (``$ ip rule show
0: from all lookup local ...``), so a route after ``ip route show [table N]`` is what that
command printed, cut off and said. A page that glues nothing keeps such a line whole (a
filter of the routes shown, as ip reads it).
"""

from __future__ import annotations

from iplab.importer.convert import detect_kind, import_text
from tests.conftest import FIXTURES

ET04 = FIXTURES / "pages-et" / "et04-simplified-guide-ip-rule-glued-output.txt"


def _shown(yaml: str) -> list[str]:
    return [line.split("line: ", 1)[1] for line in yaml.splitlines() if "line: ip route" in line]


def test_et04_s_route_is_what_ip_route_show_printed() -> None:
    text = ET04.read_text(encoding="utf-8")
    result = import_text(text, detect_kind(ET04.name, text), ET04.name)
    assert "ip route show table 100" in _shown(result.yaml), result.yaml
    assert not any("onlink" in shown for shown in _shown(result.yaml)), result.yaml
    said = [w for w in result.warnings if w.startswith("line 7: 'ip route show table 100'")]
    assert len(said) == 1 and "default via 192.0.2.1 dev lab0 onlink" in said[0], said


GLUED = """\
```
$ sudo ip netns add evxr
$ ip rule show 0: from all lookup local 32766: from all lookup main
$ ip route show 10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1
```
"""


def test_a_page_that_glues_elsewhere_cuts_a_route_too() -> None:
    result = import_text(GLUED, "markdown", "page.md")
    steps = result.yaml.split("# --- import summary")[0]
    assert "action: route show" in steps and "10.0.0.0/24" not in steps, result.yaml
    assert any(w.startswith("line 4: 'ip route show' is followed") for w in result.warnings)


def test_a_page_that_glues_nothing_keeps_a_filter() -> None:
    text = (
        "```\n$ sudo ip netns add evxr\n"
        "$ ip route show table 100 default via 192.0.2.1 dev lab0\n```\n"
    )
    result = import_text(text, "markdown", "page.md")
    assert _shown(result.yaml) == ["ip route show table 100 default via 192.0.2.1 dev lab0"]
