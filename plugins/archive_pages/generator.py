"""The Pelican generator that writes the archive's own pages: listings with stable
pagination, the date archive, alias redirects, the 404 page, sitemaps and host files."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from typing import Any

from pelican.generators import Generator, PelicanTemplateNotFound

from archive_format import write_atomic

from .jsonld import news_article, script_safe_json
from .listings import DateArchive, Listing, NewestFirst, desk_name, subject_listings
from .neighbours import attach_neighbours
from .paging import paginate, save_path
from .settings import ArchivePagesSettings
from .sitemaps import NewsEntry, SitemapEntry, write_news_sitemap, write_sitemaps
from .urls import absolute_site_url, join

logger = logging.getLogger(__name__)

Article = Any  # a pelican.contents.Article


class ArchiveContentError(SystemExit):
    """An article whose front matter asks for something the archive cannot publish.

    A SystemExit, so the build stops with the file and field named and no traceback.
    """


class ArchivePagesGenerator(Generator):
    """Adds neighbours and JSON-LD to articles, then writes every listing and extra file."""

    def generate_context(self) -> None:
        """Compute per-article extras and the front page's desks, once per build."""
        self.options = ArchivePagesSettings.from_pelican(self.settings)
        self.site_url = absolute_site_url(self.settings)
        articles: list[Article] = list(self.context.get("articles", []))
        attach_neighbours(articles, self.options.related_stories, self.options.related_window)
        # Drafts and hidden stories are rendered too (drafts/ for preview), outside the listings.
        unlisted = [*self.context.get("drafts", []), *self.context.get("hidden_articles", [])]
        for article in [*articles, *unlisted]:
            article.desk_name = desk_name(self.settings, article.category)
            article.jsonld = script_safe_json(news_article(article, self.settings, self.site_url))
        self.articles = articles
        newest_first = NewestFirst(articles)
        self.listings: list[Listing] = subject_listings(self.context, self.settings, newest_first)
        self.date_archive = DateArchive(articles, self.options, newest_first)
        self.listings.extend(self.date_archive.listings())
        self.context["SITE_ABSOLUTE_URL"] = self.site_url
        self.context["ARCHIVE_URL"] = self.options.archive_url
        self.context["front_desks"] = self._front_desks()
        self.context["FRONT_STORIES_PER_DESK"] = self.options.front_stories_per_desk
        self.context["SEARCH_PAGE_URL"] = self._search_page_url()
        self._check_aliases()

    def _search_page_url(self) -> str:
        """The search page's address, or "" while the theme has no search.html (no dead link)."""
        try:
            self.get_template("search")
        except PelicanTemplateNotFound:
            logger.warning("The theme has no search.html: the archive has no search page")
            return ""
        return str(self.settings.get("SEARCH_URL", "search/"))

    def _front_desks(self) -> list[Listing]:
        """Desks in DESKS order (others after, by name) with their latest stories."""
        order = list(self.settings.get("DESKS") or {})
        desks = [listing for listing in self.listings if listing.kind == "desk"]
        desks.sort(key=lambda desk: (order.index(desk.slug) if desk.slug in order else len(order), desk.title))
        return desks

    def _check_aliases(self) -> None:
        """Fail with the article's file when an alias would overwrite a page or another alias."""
        aliased = [article for article in self.articles if getattr(article, "aliases", None)]
        if not aliased:
            return  # nothing can collide: no table of every address needed
        taken: dict[str, str] = {save_path(article.url): "the address of a story" for article in self.articles}
        for url in [listing.url for listing in self.listings] + [self.options.archive_url, ""]:
            taken[save_path(url)] = "the address of a listing page"
        for year in self.date_archive.years():
            taken[save_path(year.url)] = "the address of a listing page"
        for article in aliased:
            for alias in article.aliases:
                target = save_path(str(alias).lstrip("/"))
                if target in taken:
                    raise ArchiveContentError(
                        f"{article.source_path}: aliases: {alias!r} is {taken[target]}; remove it from aliases"
                    )
                taken[target] = f"an alias of {article.source_path}"

    def _write(self, writer: Any, save_as: str, template: str, **values: Any) -> None:
        relative_urls = self.settings.get("RELATIVE_URLS", False)
        writer.write_file(
            save_as, self.get_template(template), self.context, relative_urls=relative_urls, paginated={}, **values
        )

    def generate_output(self, writer: Any) -> None:
        """Write listings, the date archive, redirects, the 404 page, sitemaps and host files."""
        newest = max((article.date for article in self.articles), default=None)
        sitemap: list[SitemapEntry] = [SitemapEntry(join(self.site_url, ""), newest)]
        sitemap += [
            SitemapEntry(join(self.site_url, article.url), getattr(article, "modified", None) or article.date)
            for article in self.articles
        ]
        sitemap += [SitemapEntry(join(self.site_url, page.url)) for page in self.context.get("pages", [])]
        if self.context["SEARCH_PAGE_URL"]:
            sitemap.append(SitemapEntry(join(self.site_url, self.context["SEARCH_PAGE_URL"])))
        for listing in self.listings:
            for page in paginate(listing.stories, listing.url, self.options.per_page, self.options.page_url):
                self._write(writer, page.save_as, listing.kind, listing=listing, page=page, stories=page.stories, url=page.url)
                if page.stories:
                    sitemap.append(SitemapEntry(join(self.site_url, page.url), page.stories[0].date))
        years = self.date_archive.years()
        self._write(writer, save_path(self.options.archive_url), "archive", periods=years, url=self.options.archive_url)
        sitemap.append(SitemapEntry(join(self.site_url, self.options.archive_url)))
        for year in years:
            months = self.date_archive.months_of(year.date.year)
            self._write(writer, save_path(year.url), "archive_year", year=year, periods=months, url=year.url)
            sitemap.append(SitemapEntry(join(self.site_url, year.url)))
        for article in self.articles:
            for alias in getattr(article, "aliases", None) or []:
                alias_path = str(alias).lstrip("/")
                self._write(writer, save_path(alias_path), "redirect", article=article, url=alias_path)
        self._write_search_page(writer)
        # Pages serves 404.html at any missing address: only the publish build's absolute
        # SITEURL makes its links work everywhere; a relative build's work from the root.
        self._write(writer, "404.html", "404", url="404.html")
        self._write_host_files(sitemap)

    def _write_search_page(self, writer: Any) -> None:
        """The search page from the theme's search.html, unless Pelican writes it as a direct template."""
        url = self.context["SEARCH_PAGE_URL"]
        if url and "search" not in (self.settings.get("DIRECT_TEMPLATES") or []):
            self._write(writer, save_path(url), "search", url=url, page_url=url)

    def _write_host_files(self, sitemap: list[SitemapEntry]) -> None:
        """Sitemaps, robots.txt, .nojekyll (serve files as built) and CNAME when configured."""
        output = self.output_path
        names = write_sitemaps(output, self.site_url, sitemap, self.options.sitemap_max_urls)
        names.append(write_news_sitemap(output, str(self.settings.get("SITENAME", "")), self._recent_news()))
        lines = ["User-agent: *", "Allow: /"]
        if self.site_url:
            lines += [f"Sitemap: {self.site_url}/{name}" for name in ("sitemap.xml", "news-sitemap.xml")]
        _write_text(os.path.join(output, "robots.txt"), "\n".join(lines) + "\n")
        _write_text(os.path.join(output, ".nojekyll"), "")
        if self.options.cname:
            _write_text(os.path.join(output, "CNAME"), self.options.cname.strip() + "\n")

    def _recent_news(self) -> list[NewsEntry]:
        """Stories published within the last ARCHIVE_NEWS_SITEMAP_DAYS days, newest first."""
        now = datetime.now().astimezone()
        since = now - timedelta(days=self.options.news_sitemap_days)
        recent = [article for article in self.articles if since <= article.date <= now]
        recent.sort(key=lambda article: article.date, reverse=True)
        default_lang = str(self.settings.get("DEFAULT_LANG", "en"))
        return [
            NewsEntry(join(self.site_url, a.url), str(a.title), a.date, getattr(a, "lang", None) or default_lang)
            for a in recent
        ]


def _write_text(path: str, text: str) -> None:
    """Write a small file atomically."""
    write_atomic(path, text)
