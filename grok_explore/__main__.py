"`python -m grok_explore demo …`: the same as the `grok-explore` command (see nbs/90_cli.ipynb)."
import sys

from grok_explore.cli import main

sys.exit(main())
