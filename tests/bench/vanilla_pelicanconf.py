"""Settings of the baseline the benchmark compares us with: vanilla Pelican 4.12, as shipped.

Default theme (notmyidea), Python-Markdown, 10 articles per page, Pelican's default feeds (all,
per category, per author), no plugins. The benchmark passes the content and output folders on
the command line and, for the "+1 article" scenarios, turns Pelican's own content cache on.
"""

AUTHOR = "Newsroom"
SITENAME = "Newsroom archive (vanilla Pelican baseline)"
# Absolute, as in a published site, so the feeds carry real links.
SITEURL = "https://archive.example.org"
TIMEZONE = "Europe/Kyiv"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
PLUGINS: list[str] = []
