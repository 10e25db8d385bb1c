"""`python -m gonghui ARGS` is `gonghui ARGS`."""

import sys

from gonghui.cli import main

sys.exit(main(sys.argv[1:]))
