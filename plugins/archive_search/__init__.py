"""Full-text search for the archive: a Whoosh index built at build time, exported as static
files for the browser client (theme/static/js/search/engine.js), queried by editors with
`python -m archive_search`."""

from .pelican_plugin import register

__all__ = ["register"]
