"""The slips of a scenario written by hand (hunt AX; inputs under tests/fixtures/by-hand/),
each said with what to do: YAML's own words named a line and no cause; a Jinja message
named iplab's own classes."""

from __future__ import annotations

from pathlib import Path

import pytest

import iplab.cli

HERE = Path(__file__).parent / "fixtures" / "by-hand"


def _error(capsys: pytest.CaptureFixture[str], name: str) -> str:
    assert iplab.cli.main(["check", "-q", str(HERE / name)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    prefix = f"iplab: error: {HERE / name}:"
    assert err.startswith(prefix) and err.count("\n") == 1
    return err[len(prefix) : -1]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a03-indent.yaml", "8: invalid YAML: mapping values are not allowed here ('name' starts"
         " in column 6 and 'action' above it in column 5: the keys of one mapping (one step)"
         " start in the same column)"),
        ("a04-tab.yaml", "4: invalid YAML: found character '\\t' that cannot start any token"
         " (YAML indents with spaces: replace the tab with spaces)"),
        ("a05-dash-glued.yaml", "6: invalid YAML: mapping values are not allowed here (a list"
         " item needs a space after its dash: '- action', not '-action' (line 5))"),
        ("a06-colon-in-value.yaml", "4: invalid YAML: mapping values are not allowed here (a"
         ' value that holds \': \' needs quotes: command: "echo note: this breaks")'),
    ],
)  # fmt: skip
def test_a_yaml_slip_is_said_with_its_cause(
    capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    """A key indented one space too far, a tab, ``-action:`` with no space after the dash
    and ``command: echo note: this breaks`` were each 'invalid YAML: mapping values are not
    allowed here' (or PyYAML's words for the tab) and a line, with no cause: the line above
    or the column was the author's to find. Each is said, with what to write."""
    assert _error(capsys, name) == said


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a07-list-index.yaml", "5: setup[0].line: undefined variable in 'ip netns add"
         " {{ ns[2] }}': list object has no element 2"),
        ("a08-map-key.yaml", "11: setup[1].line: undefined variable in 'ip netns add"
         " {{ hosts.green }}': 'dict object' has no attribute 'green'"),
    ],
)  # fmt: skip
def test_a_variable_is_named_as_yaml_wrote_it(
    capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    """``{{ ns[2] }}`` of a two-item list was 'iplab.yamlio.YList object has no element 2'
    (and a mapping 'iplab.yamlio.YMap object'): a variable is a list or a dict."""
    assert _error(capsys, name) == said


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a09-loop-as-words.yaml", "3: setup[0].loop: cannot read expression 'ns1 ns2 ns3':"
         " chunk after expression (a loop is a YAML list ([ns1, ns2, ns3]) or one expression"
         " ({{ range(1, 4) | list }}))"),
        ("a10-unicode-names.yaml", "5: setup[0].name: namespace name 'r\u00f6d' may only use"
         " ASCII letters, digits, '_', '.', '-' and must not start with '-' or '.'"),
    ],
)  # fmt: skip
def test_what_to_write_instead(capsys: pytest.CaptureFixture[str], name: str, said: str) -> None:
    """``loop: ns1 ns2 ns3`` was Jinja's 'chunk after expression' alone; a namespace named
    ``r\u00f6d`` was refused for using what is not a letter, when \u00f6 is one."""
    assert _error(capsys, name) == said


def test_a_list_of_command_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Setup written as the tutorial prints it, a list of lines (``- ip netns add red``),
    was "a step must be a mapping with an 'action', found 'ip netns add red'": it now says
    how that line is written as a step."""
    assert _error(capsys, "a13-steps-as-lines.yaml") == (
        "3: setup[0]: a step must be a mapping with an 'action', found 'ip netns add red'"
        " (write each command as a step: '- line: ip netns add red' (ip, bridge, brctl), or"
        " 'action: raw' with 'command:' for another program)"
    )


def test_a_variable_set_below_the_one_that_uses_it(capsys: pytest.CaptureFixture[str]) -> None:
    """``n: "{{ m }}"`` above ``m: 3`` was "'m' is undefined" alone, though m is right there:
    vars are read in order, and it says so."""
    assert _error(capsys, "a15-vars-out-of-order.yaml") == (
        "3: vars.n: undefined variable in '{{ m }}': 'm' is undefined (vars are read in"
        " order, and m is set below n: move m above it)"
    )
