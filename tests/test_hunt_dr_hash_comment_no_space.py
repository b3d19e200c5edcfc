"""Hunt DR #2: seotesttools.com's VLAN lab (tests/fixtures/pages-dr/dr02-..., a Chinese page
whose code block was lost) writes its comments with no space after the hash, as bash allows:
``#新建bridge设备`` and, on the lines right under it, ``brctl addbr br100_0`` ...; then
``#给bridge设备连接接口`` over ``brctl addif br100_0 veth0_0 veth4_0.100``.

Those brctl lines were said to "stand alone in the prose (no command and no '# comment' right
above it)" and not read, while the ip lines around them were: the lab's bridges were never
made, and the model refused ``ip link set dev br100_0 up`` (line 33). A ``#comment`` line
right above is such a comment: the brctl lines under it are read, each port added."""

from __future__ import annotations

from iplab import plan, scenario
from iplab.importer.convert import detect_kind, import_text
from tests.conftest import REPO

PAGE = (
    REPO
    / "tests"
    / "fixtures"
    / "pages-dr"
    / "dr02-seotesttools-zh-vlan-subif-brctl-addif-many.txt"
)


def _import(text: str, name: str) -> str:
    return import_text(text, detect_kind(name, text), name).yaml


def test_the_brctl_lines_under_a_hash_comment_are_read() -> None:
    yaml = _import(PAGE.read_text(encoding="utf-8"), PAGE.name)
    assert "stands alone in the prose" not in yaml
    text = yaml.split("\n# --- import summary")[0]
    assert "brctl addbr br100_0" in text
    assert "brctl addif br200_1 veth3_0 veth4_1.200" in text
    plan.build(scenario.load_text(yaml, "page.yaml"))  # (br100_0 is made before it is up)


def test_a_line_alone_in_prose_is_still_not_read() -> None:
    page = (
        "Some words about bridges, then the lines.\n\nip netns add a\n\n"
        "We then add\nbrctl addbr br0\n"
    )
    assert "stands alone in the prose" in _import(page, "page.txt")
