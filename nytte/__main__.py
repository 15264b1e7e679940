import sys

from nytte.cli import main

sys.exit(main())
