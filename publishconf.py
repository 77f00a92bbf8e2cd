"""Settings for the public build (`make publish`, the Pages workflow): absolute addresses."""
from __future__ import annotations

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403 - the public build is the local build plus these

# The Pages workflow passes the site's address (https://<user>.github.io/<repo>); a local
# `make publish` can too: SITEURL=https://example.org make publish
SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
# output/ is kept between builds (the Pages workflow restores it with cache/): archive_speed
# re-renders only changed pages, removes pages nothing writes any more, and empties the folder
# itself whenever its cache cannot be trusted (other settings, code or packages).
DELETE_OUTPUT_DIRECTORY = False
