"""Full-text search for the archive: a Whoosh index built at build time, exported as static
files for the browser client (theme/static/js/search/engine.js), queried by editors with
`python -m archive_search`."""

from .mapped import use_mapped_files
from .pelican_plugin import register

# Whoosh would copy every segment file into memory for each reader (see mapped.py).
use_mapped_files()

__all__ = ["register"]
