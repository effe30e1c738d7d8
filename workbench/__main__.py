"""``python -m workbench``: the same CLI as the ``workbench`` command."""

import sys

from workbench.cli import main

sys.exit(main())
