"""``python3 -m iplab``: iplab as a process of its own (as the console script,
:func:`iplab._console.run`)."""

from iplab._console import run

run()
