"""iplab: render, run, verify, undo and audit Linux network-namespace labs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("iplab")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
