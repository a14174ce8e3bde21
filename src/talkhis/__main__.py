"""``python -m talkhis``: the same command line as ``talkhis``."""

import sys

from .cli import main

sys.exit(main())
