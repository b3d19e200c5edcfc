"""Hunt AF #10: ``printf 'LINES' | ip -batch -`` was a raw step, refused, while the
here-document form was read line by line."""

from __future__ import annotations

import yaml

from tests.test_hunt_af_wrapped import HUNT, _imported, _steps


def _line(name: str, number: int) -> str:
    """Line ``number`` of a hunt file, its prompt (``$ ``, ``# ``) taken off."""
    text = (HUNT / name).read_text(encoding="utf-8").splitlines()[number - 1]
    return text.split(" ", 1)[1]


def test_printf_of_literal_lines_piped_to_ip_batch_is_read_as_a_here_document_is() -> None:
    """Hunt AF #10 (af15-legit-batch-kill.md line 8): ``printf 'link set bv1 netns b1\\n
    ...' | ip -batch -`` was a raw step, refused ("it reads its commands from standard
    input"), while the here-document form of line 9 was read line by line. Each line the
    format prints is now a step, as in the here-document."""
    result = _imported("af15-legit-batch-kill.md")
    printed = [
        (s["action"], s.get("dev"), s.get("netns") or s.get("state") or s.get("address"))
        for s in _steps(result)[2:5]
    ]
    assert printed == [
        ("link set", "bv1", "b1"),
        ("link set", "bv0", "up"),
        ("addr add", "bv0", "10.11.0.1/24"),
    ]
    script = yaml.safe_load(result.yaml)["setup"][2]["script"]
    assert script == _line("af15-legit-batch-kill.md", 8)  # (printed as written)
    assert result.model_error is None
