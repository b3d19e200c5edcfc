"""Command-line options and output that several commands share (cli, graph, import)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iplab.errors import UsageError

EXPORT_FORMATS = ("text", "script", "markdown")


def add_scenario(p: argparse.ArgumentParser, required: bool = True, prefix: bool = True) -> None:
    """SCENARIO, --var, --templates and (by default) --prefix."""
    p.add_argument(
        "scenario", nargs=None if required else "?",
        help="a scenario file, or the name of a bundled scenario"
        + ("" if required else " (not needed with --live)"),
    )  # fmt: skip
    p.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE",
        help="set a scenario variable (repeatable); the value is read as YAML",
    )  # fmt: skip
    p.add_argument(
        "--templates", action="append", default=[], type=Path, metavar="DIR",
        help="a directory whose templates override the bundled ones by name (repeatable)",
    )  # fmt: skip
    if prefix:
        p.add_argument(
            "--prefix", default="", metavar="P",
            help="rename every namespace and link the scenario creates to P+name",
        )  # fmt: skip


def add_state_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v", "--verbose", action="store_true",
        help="say how each state read is done (which reader: ip -j or netlink) and how long",
    )  # fmt: skip
    p.add_argument(
        "--state-dir", metavar="DIR",
        help="where journals and the audit log live (default: $IPLAB_STATE_DIR, "
        "/var/lib/iplab for root, ~/.local/state/iplab otherwise)",
    )  # fmt: skip
    p.add_argument(
        "--audit-key", metavar="FILE", type=Path,
        help="sign the audit log's head with this secret (a file outside the state "
        "directory; default: $IPLAB_AUDIT_KEY); audit verify then requires the signature",
    )  # fmt: skip


def write_text(text: str, output: Path | None) -> None:
    """To ``output`` (a script is made executable), or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    if text.startswith("#!"):
        output.chmod(0o755)
