"""Hunt EV #4 (left by hunt ET): a page that says a command fails, in another language.

choisungwook's Korean page (tests/fixtures/pages-et/et10-choisungwook-ko-bridge-forward-
policy.md) says of its first pings ``iptables forward설정이 되지 않아서 실패합니다.`` ("they
fail: iptables forwarding is not set"). iplab knew the English ("This ping should fail:",
``# FAILS``) only: a probe said to fail in Korean, German (``schlägt fehl``), French
(``échoue``), Spanish (``falla``), Chinese (``失败``, ``ping 不通``), Japanese (``失敗``),
Russian (``не удаётся``)... was a probe that must succeed. Those words are now read where the
English ones are (the sentence before the command, its own comment), not when they make the
failure a condition or deny it (``si falla``, ``如果失败``, ``실패하지 않``); a sentence that
ends in ``。`` is the last one too.

et10 itself keeps its reading: the paragraph nearest its pings is the page's caveat (a quote:
"with calico installed it works"), which says nothing of a failure.
"""

from __future__ import annotations

import pytest

from iplab.importer.convert import import_text
from iplab.importer.prose import said_to_fail
from tests.conftest import FIXTURES

ET10 = FIXTURES / "pages-et" / "et10-choisungwook-ko-bridge-forward-policy.md"


def test_et10_s_korean_sentence_says_the_pings_fail() -> None:
    line = next(
        line for line in ET10.read_text(encoding="utf-8").splitlines() if "실패합니다" in line
    )
    sentence = line.lstrip("* ")
    assert said_to_fail(sentence) == sentence
    assert said_to_fail(sentence, own=True) == sentence


@pytest.mark.parametrize(
    "said",
    [
        "이제 ping은 실패해야 합니다:",
        "Der Ping schlägt jetzt fehl:",
        "Dieser Ping sollte fehlschlagen.",
        "Ce ping échoue :",
        "Este ping debería fallar:",
        "O ping deve falhar:",
        "Il ping fallisce.",
        "此时 ping 会失败\uff1a",
        "这时 ping 不通。",
        "この ping は失敗します。",
        "Пинг не проходит:",
        "Пинг завершится ошибкой.",
    ],
)
def test_a_failure_said_in_another_language(said: str) -> None:
    assert said_to_fail(said) == said


@pytest.mark.parametrize(
    "said",
    [
        "Si falla, revise la ruta.",
        "Wenn der Ping fehlschlägt, prüfen Sie die Route.",
        "如果失败\uff0c请检查路由。",
        "失敗した場合はルートを確認してください。",
        "Le ping n'échoue plus.",
        "Ya no falla.",
        "이제 ping은 실패하지 않습니다.",
        "Der Ping funktioniert jetzt.",
        "现在 ping 通了。",
    ],
)
def test_a_condition_or_a_denial_is_no_claim(said: str) -> None:
    assert said_to_fail(said) == ""


PAGE = """\
# Zwei Namensräume

```
ip netns add evxa
ip netns add evxb
ip link add va type veth peer name vb
ip link set va netns evxa
ip link set vb netns evxb
ip -n evxa addr add 10.9.0.1/24 dev va
ip -n evxb addr add 10.9.0.2/24 dev vb
ip -n evxa link set va up
```

Die Gegenseite ist noch nicht aktiv, daher schlägt der Ping fehl:

```
ip netns exec evxa ping -c 1 -W 1 10.9.0.2
```
"""


def test_a_page_s_german_sentence_makes_a_probe_that_must_fail() -> None:
    result = import_text(PAGE, "markdown", "de.md")
    said = [w for w in result.warnings if "the page says" in w]
    assert len(said) == 1 and "a probe that must fail" in said[0], result.warnings
    assert "reachable: false" in result.yaml, result.yaml
