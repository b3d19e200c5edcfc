"""Hunt EO #4 (left by hunt EM): a command of a function another function calls names the
whole chain of calls.

The kernel's selftest test_xdp_redirect.sh (tests/fixtures/github-scripts-7/xdp-redirect-setup-
in-function.sh, copied unchanged from torvalds/linux) runs ``setup`` from ``test_xdp_redirect``
(line 50), which lines 77 and 78 call. The import named ``ip netns add ${NS1}`` "line 23, called
at line 77" and said its warnings "(in setup, called at line 77)": line 77 calls no setup, and
the call at line 50 was not said. Now: "line 23, called at line 50, called at line 77"."""

from __future__ import annotations

from iplab.importer.convert import import_text
from tests.conftest import REPO
from tests.pages import page_imported

SCRIPT = REPO / "tests" / "fixtures" / "github-scripts-7" / "xdp-redirect-setup-in-function.sh"


def test_the_summary_names_each_call() -> None:
    result = page_imported(SCRIPT)
    text = "\n".join([result.summary(), *result.warnings])
    assert "line 23 (in setup, called at line 50, called at line 77)" in text, text[:3000]
    assert "line 23 (in setup, called at line 77)" not in text


def test_a_step_the_model_refuses_names_each_call() -> None:
    result = import_text(
        '#!/bin/bash\nmk() {\n    ip netns add "$1"\n    ip link set nosuch netns "$1"\n}\n'
        "setup() {\n    mk ns1\n}\nsetup\n",
        "shell",
        "lab.sh",
    )
    said = result.model_error or ""
    assert "(line 4, called at line 7, called at line 9: ip link set nosuch" in said, said
