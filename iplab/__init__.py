"""iplab: render, run, verify, undo and audit Linux network-namespace labs."""

# the one place the version is written (pyproject.toml reads it from here)
__version__ = "0.1.0"

__all__ = ["__version__"]
