import sys

try:
    from iplab.cli import exit_process, main
except KeyboardInterrupt:  # a Ctrl-C while Python imports iplab: nothing ran yet
    sys.stderr.write("iplab: interrupted before anything ran\n")
    raise SystemExit(130) from None

exit_process(main())
