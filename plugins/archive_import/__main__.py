"""`python -m archive_import --help`."""

import sys

from archive_import.cli import main

sys.exit(main())
