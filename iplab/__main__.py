"""``python3 -m iplab``: iplab as a process of its own (the console script is
:func:`iplab.cli.run`)."""

import os
import signal
import sys

try:
    from iplab.cli import exit_process, main
except KeyboardInterrupt:  # a Ctrl-C while Python imports iplab: nothing ran yet
    # (said as a Ctrl-C before a command began is, and ended by SIGINT as iplab ends by
    # a signal that stops it: an exit 130 let the shell script running iplab go on, hunt EQ)
    sys.stderr.write(
        "iplab: interrupted: iplab had not begun: nothing ran, the host is as it was\n"
    )
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    raise SystemExit(130) from None  # (SIGINT ignored by whoever started iplab)

exit_process(main())
