"""Addresses: the site's absolute URL, and joining site paths onto it."""

from __future__ import annotations

from typing import Any, Mapping


def absolute_site_url(settings: Mapping[str, Any]) -> str:
    """SITEURL when it is absolute (publishing), else "" (a local, relative build)."""
    site_url = str(settings.get("SITEURL") or "")
    return site_url.rstrip("/") if site_url.startswith(("http://", "https://")) else ""


def is_absolute(url: str) -> bool:
    """True for a URL with its own scheme and host."""
    return url.startswith(("http://", "https://", "//"))


def join(site_url: str, path: str) -> str:
    """`path` (a site path such as "2023/03/16/slug/") on the site at `site_url`."""
    if is_absolute(path):
        return path
    return f"{site_url}/{path.lstrip('/')}"
