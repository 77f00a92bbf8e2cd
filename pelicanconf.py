"""Settings for building the archive locally (`make html`). publishconf.py extends them."""
from __future__ import annotations

SITENAME = "Harbour City Ledger archive"
SITEURL = ""  # relative links locally; publishconf.py sets the public address
RELATIVE_URLS = True
PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["archive_reader", "archive_search"]

# Dates without an offset in front matter are wall-clock times here (zoneinfo name, DST aware).
TIMEZONE = "Europe/Kyiv"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# The desks of the newsroom: slug → display name, in the order readers see them.
DESKS = {
    "news": "News",
    "business": "Business",
    "culture": "Culture",
    "sport": "Sport",
    "opinion": "Opinion",
}

# Where content lives: every article is content/<desk>/<yyyy>/<yyyy-mm-dd>-<slug>.md.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages", "images", "extra"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
USE_FOLDER_AS_CATEGORY = False

# Addresses: every page is a folder with index.html, so links have no .html and the site
# works under a sub-path (https://<user>.github.io/<repo>/).
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
# A story in another language (lang: uk) keeps the same kind of address.
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
DRAFT_LANG_URL = DRAFT_URL
DRAFT_LANG_SAVE_AS = DRAFT_SAVE_AS
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
CATEGORY_URL = "desk/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_SAVE_AS = "desk/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_SAVE_AS = "tag/index.html"
AUTHOR_URL = "byline/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_SAVE_AS = "byline/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
DAY_ARCHIVE_URL = "{date:%Y}/{date:%m}/{date:%d}/"
DAY_ARCHIVE_SAVE_AS = DAY_ARCHIVE_URL + "index.html"
# The slug is the file name after its date, unless the front matter sets one.
FILENAME_METADATA = r"\d{4}-\d{2}-\d{2}-(?P<slug>.*)"

# Feeds: site-wide and one per desk, in folders that byline feeds can never collide with.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/desk/{slug}.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50

DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# An optional custom domain for GitHub Pages (written to output/CNAME when set).
CNAME = None

# --- The theme's pages (plugins/archive_pages) -------------------------------------------
# archive_pages writes desk, tag, byline and date-archive listings itself, numbered from the
# oldest story so a full page never changes as the archive grows; Pelican's copies are off.
PLUGINS = [*PLUGINS, "archive_pages"]
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors"]
CATEGORIES_URL, TAGS_URL, AUTHORS_URL = "desk/", "tag/", "byline/"
PAGINATED_TEMPLATES: dict[str, int | None] = {}  # the front page shows each desk's latest only
ARCHIVE_FRONT_STORIES_PER_DESK = 5
ARCHIVE_RELATED_STORIES = 3
ARCHIVE_NEWS_SITEMAP_DAYS = 2  # Google News reads stories of the last two days only

# --- Importer (plugins/archive_import: `make import SRC=...`) ---
# Phrases found in a byline, a section label above the headline or a WordPress category,
# mapped to the desk a story is filed under (longest phrase wins; the desk must be in DESKS).
IMPORT_DESK_MAP = {
    "news desk": "news", "city desk": "news", "news": "news", "world": "news", "politics": "news",
    "business desk": "business", "business": "business", "economy": "business", "markets": "business",
    "culture desk": "culture", "culture": "culture", "arts": "culture", "books": "culture",
    "sports desk": "sport", "sport": "sport", "sports": "sport",
    "opinion": "opinion", "comment": "opinion", "editorial": "opinion",
}
# Desk for stories the mapping does not place.
IMPORT_DEFAULT_DESK = "news"
# Known chrome lines of one source (a folder or file-name part of the raw files), removed as
# "site chrome (configured)"; the generic rules already handle sites not listed here.
IMPORT_CHROME_HINTS = {
    "kyivindependent": ["Edit post", "This audio is created with AI assistance"],
}
# The JSON-lines report of every imported story and every removed block.
IMPORT_REPORT = "import-report.jsonl"

# --- Build speed (plugins/archive_speed) ---------------------------------------------------
# Pelican's content cache keyed by each file's SHA-256 (not its mtime), so a fresh checkout with
# cache/ restored reuses it; archive_speed drops it when code, settings or its bytes change, and
# re-renders only the pages whose content changed (see the README's "Benchmarks").
PLUGINS = [*PLUGINS, "archive_speed"]
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "sha256"
CONTENT_CACHING_LAYER = "reader"
# Pelican gzips its content cache at level 9 and writes it again on every build: 2.5 s of a
# "+1 article" build at 10,000 stories; uncompressed it is written and read in a fraction of that.
GZIP_CACHE = False
