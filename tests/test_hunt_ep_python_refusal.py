"""Hunt EP: a test harness's Python module (tests/fixtures/scripts-ep/ep06-tcp-test/
setup.py, re-typed after steinwurf/tcp-test's tcp_test/setup.py) shells out its lab,
``os.system("sudo ip netns add srv")``. iplab refuses a Python program, rightly, and says
the way out (copy its commands into a .sh file), but it added a Makefile's: "(line 5 is
indented with spaces, not a tab: make stops there, '*** missing separator'; indent it with
a tab first)", read off ``def setup():`` taken for a make rule and its four-space body
(line 5 of the original; line 10 of the re-typed file, under its five comment lines). That
hint is a Makefile's only; a Makefile's refusal keeps it."""

from __future__ import annotations

from iplab.importer.formats import not_a_script
from tests.conftest import FIXTURES

EP06 = FIXTURES / "scripts-ep" / "ep06-tcp-test" / "setup.py"


def test_a_python_module_is_refused_without_a_makefile_s_hint() -> None:
    said = not_a_script(str(EP06), EP06.read_text(encoding="utf-8"))
    assert said is not None and "a Python program" in said, said
    assert "missing separator" not in said and "make " not in said, said


def test_a_python_script_by_its_shebang_too() -> None:
    text = '#!/usr/bin/env python3\ndef setup():\n    os.system("ip netns add a")\n'
    said = not_a_script("lab", text)
    assert said is not None and "python3 program" in said and "missing separator" not in said


def test_a_makefile_s_space_indented_recipe_is_still_said() -> None:
    text = "up:\n\tip netns add a\n    ip netns add b\n"
    said = not_a_script("Makefile", text)
    assert said is not None and "line 3 is indented with spaces" in said, said
