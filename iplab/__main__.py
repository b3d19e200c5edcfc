from iplab.cli import main

raise SystemExit(main())
