"""iplab as a process of its own: the console script ``iplab`` and ``python3 -m iplab``.

Kept apart from :mod:`iplab.cli` so that the import of iplab's code (some 0.1 s) happens
inside :func:`run`, where a Ctrl-C is caught: the script pip writes imports its target's
module before anything of iplab's runs, and a Ctrl-C then gave Python's traceback (hunt
EQ; ``python3 -m iplab`` said it and ended by SIGINT already).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import NoReturn


def run() -> NoReturn:
    """Import iplab's command line and run it; a Ctrl-C meanwhile: nothing ran yet."""
    try:
        from iplab.cli import exit_process, main
    except KeyboardInterrupt:
        # (said as a Ctrl-C before a command began is, and ended by SIGINT as iplab ends
        # by a signal that stops it: an exit 130 let the shell script running iplab go on)
        sys.stderr.write(
            "iplab: interrupted: iplab had not begun: nothing ran, the host is as it was\n"
        )
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        raise SystemExit(130) from None  # (SIGINT ignored by whoever started iplab)
    exit_process(main())
