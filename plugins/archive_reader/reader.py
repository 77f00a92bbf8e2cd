"""ArchiveReader: turns one article file into Pelican content in a single markdown-it pass."""
from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag, URLWrapper

from archive_format import (
    MISSING_FRONT_MATTER,
    FieldProblem,
    FrontMatterSyntaxError,
    front_matter_lines,
    known_zone,
    load_front_matter,
    localize,
    text_mapping,
    validate_front_matter,
)
from archive_reader.plain_story import SANITIZED_ESCAPES, plain_inline, plain_story
from archive_reader.sanitize import sanitize_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Site pages (content/pages/) are not stories: they have a title, not a headline and desk.
PAGE_FIELDS = frozenset({"title", "slug", "summary", "status", "lang", "date", "modified", "template"})


def relative_path(path: str, start: str) -> str:
    """os.path.relpath(path, start), its folder's part worked out once per folder: stories
    share a few dozen folders, and relpath's two absolute paths cost 10 µs a call."""
    folder, name = os.path.split(path)
    if name in ("", os.curdir, os.pardir):
        return os.path.relpath(path, start)
    relative = _relative_folder(folder, start, os.getcwd())
    if os.path.basename(relative) == os.pardir:
        # The folder holds `start`: `name` may be on the way back to it.
        return os.path.relpath(path, start)
    return name if relative == os.curdir else os.path.join(relative, name)


def shown_path(source_path: str) -> str:
    """The path as the editor knows it: relative to the project folder when inside it."""
    try:
        relative = relative_path(source_path, os.curdir)
    except ValueError:  # another drive on Windows
        return source_path
    return source_path if relative.startswith(os.pardir) else relative


@lru_cache(maxsize=1024)
def _relative_folder(folder: str, start: str, cwd: str) -> str:
    # `cwd` is part of the key: relpath makes relative paths absolute against it.
    return os.path.relpath(folder or os.curdir, start)


class InvalidArticle(ValueError):
    """An article whose front matter breaks the schema; ``problems`` says every way it does."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class ReaderSettingError(SystemExit):
    """A pelicanconf.py setting the reader cannot read every story with.

    A SystemExit, as InvalidArchive: otherwise Pelican logs "Could not process" for each story
    and builds the archive without them.
    """


def _timezone(settings: Mapping[str, Any]) -> str:
    """TIMEZONE, checked: the zone of every date written without an offset."""
    name = settings.get("TIMEZONE") or "UTC"
    if not known_zone(name):
        raise ReaderSettingError(f"pelicanconf.py: TIMEZONE = {name!r}: not a zoneinfo name; "
                                 'write one such as "Europe/Kyiv" or "UTC"')
    return str(name)


def _desks(settings: Mapping[str, Any]) -> Mapping[str, str] | None:
    """DESKS, checked (a mapping of desk slug → display name), or None when it is not set."""
    desks = settings.get("DESKS")
    if not desks:
        return None
    if not text_mapping(desks):
        raise ReaderSettingError(f"pelicanconf.py: DESKS = {desks!r}: expected each desk's slug and "
                                 'display name, in display order, e.g. {"news": "News", "sport": "Sport"}')
    return desks


class ArchiveReader(BaseReader):
    """Reads ``.md`` article files: YAML front matter validated against the archive's
    schema, Markdown rendered with markdown-it-py and sanitized with nh3.

    Invalid files raise InvalidArticle and are also recorded in ``problems``, so the
    build can fail listing every bad file instead of quietly skipping them.
    """

    enabled = True
    file_extensions = ["md", "markdown"]

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.problems: list[FieldProblem] = []
        self._tz = _timezone(settings)
        self._desks = _desks(settings)
        # One desk, tag and byline object per name for the stories this reader reads (below).
        self._wrappers: dict[tuple[type[URLWrapper], str], URLWrapper] = {}
        self._unslugged: set[tuple[type[URLWrapper], str]] = set()

    @cached_property
    def _md(self) -> MarkdownIt:
        """The markdown-it parser, made for the first story or summary that is not plain: most
        are (plain_story.py), and a rebuild that reads only plain ones never imports markdown-it
        (importing the reader and making two of them took 0.13 s with it, 0.03 without)."""
        from archive_reader.markdown import archive_markdown

        return archive_markdown()

    # -- reading ---------------------------------------------------------------------
    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Return (sanitized HTML, Pelican metadata) for one file, or raise InvalidArticle."""
        shown = shown_path(source_path)
        text = self._text(source_path, shown)
        # A plain story comes escaped as the sanitizer would write it: nothing left to sanitize.
        plain = plain_story(text, SANITIZED_ESCAPES)
        if plain is not None:
            block, html = plain
        else:
            block, rendered = self._parse(text, shown)
            html = sanitize_html(rendered)
        try:
            meta = load_front_matter(block)
        except FrontMatterSyntaxError as error:
            self._fail([FieldProblem(shown, "front matter", str(error), error.line)])
        if self._is_page(source_path):
            return html, self._page_metadata(meta, shown)
        problems = validate_front_matter(meta, shown, desks=self._desks, tz_name=self._tz)
        if problems:
            # The fields' lines take a second YAML pass: only a story with problems needs them.
            self._fail(validate_front_matter(meta, shown, desks=self._desks, tz_name=self._tz,
                                             lines=front_matter_lines(block)))
        return html, self._article_metadata(meta)

    def _text(self, source_path: str, shown: str) -> str:
        """The file's text (a byte order mark dropped, line ends made \\n); fails, naming the
        line, when it is not UTF-8, and when it cannot be read (a link to a missing file)."""
        try:
            with open(source_path, encoding="utf-8-sig") as handle:
                return handle.read()
        except UnicodeDecodeError as error:
            # read() decodes the whole file at once: `object` is every byte of it (after a BOM)
            line = error.object[:error.start].count(b"\n") + 1
            byte = error.object[error.start:error.start + 1].hex()
            self._fail([FieldProblem(shown, "file", f"is not UTF-8 text (byte 0x{byte} on line {line}); "
                                     "save it as UTF-8 (\"Save with encoding\" in most editors)", line)])
        except OSError as error:
            self._fail([FieldProblem(shown, "file", f"cannot be read ({error.strerror}); "
                                     "fix or remove the file (a link to a missing file?)")])

    def _parse(self, text: str, shown: str) -> tuple[str, str]:
        """(front matter block, HTML) of a story through markdown-it; fails without front matter."""
        tokens = self._md.parse(text)
        if not tokens or tokens[0].type != "front_matter":
            self._fail([FieldProblem(shown, "front matter", MISSING_FRONT_MATTER, 1)])
        return tokens[0].content, self._md.renderer.render(tokens, self._md.options, {})

    def _fail(self, problems: list[FieldProblem]) -> NoReturn:
        self.problems.extend(problems)
        raise InvalidArticle(problems)

    def _is_page(self, source_path: str) -> bool:
        relative = relative_path(source_path, self.settings.get("PATH", "."))
        return any(relative == p or relative.startswith(p.rstrip("/") + os.sep)
                   for p in self.settings.get("PAGE_PATHS", ["pages"]))

    # -- mapping onto Pelican ------------------------------------------------------
    def _inline(self, text: str) -> str:
        plain = plain_inline(text, SANITIZED_ESCAPES) if isinstance(text, str) else None
        return sanitize_html(self._md.renderInline(text)) if plain is None else plain

    def _article_metadata(self, meta: Mapping[str, Any]) -> dict[str, Any]:
        """Map the archive's fields onto Pelican's: headline→title, desk→category,
        byline→authors; every other field is kept under its own name for templates."""
        out: dict[str, Any] = dict(meta)
        out["title"] = meta["headline"]
        out["date"] = localize(meta["date"], self._tz)
        if "modified" in meta:
            out["modified"] = localize(meta["modified"], self._tz)
        out["category"] = self._desk(meta["desk"])
        byline = list(meta.get("byline", []))
        if byline:
            out["authors"] = [self._named(Author, name) for name in byline]
        tags = list(meta.get("tags", []))
        if tags:
            out["tags"] = [self._named(Tag, name) for name in tags]
        else:
            out.pop("tags", None)
        if "summary" in meta:
            out["summary"] = self._inline(meta["summary"])
        if "corrections" in meta:
            out["corrections"] = [{"date": localize(c["date"], self._tz), "text": c["text"]}
                                  for c in meta["corrections"]]
        return out

    def _desk(self, desk: str) -> Category:
        """The desk's Category, its slug the desk whatever its display name; one per desk."""
        key = (Category, desk)
        category = self._wrappers.get(key)
        if category is None:
            category = Category(self._desks.get(desk, desk) if self._desks else desk, self.settings)
            category.slug = desk  # the desk slug is the URL, whatever its display name
            self._wrappers[key] = category
        return category

    def _named(self, kind: type[URLWrapper], name: str) -> URLWrapper:
        """The `kind` (Tag or Author) of `name`: one object per name, shared by the stories
        this reader reads, its slug made once.

        Pelican slugifies each wrapper's name on first use (14 µs; four or five per story), and
        bylines and tags recur from story to story. Shared, they are also pickled once where
        stories are cached between builds (in Pelican's reader cache, 28 MB instead of 30 at
        10,000 stories; archive_speed's kept stories store them as references), and they are
        what archive_speed's shared_names would share in any case. A
        name that makes no slug gets a wrapper of its own each time: Pelican makes its slug,
        and warns about it, when it is used, as for a wrapper it made itself.
        """
        key = (kind, name)
        wrapper = self._wrappers.get(key)
        if wrapper is not None:
            return wrapper
        wrapper = kind(name, self.settings)
        if key not in self._unslugged:
            if wrapper.slug:
                self._wrappers[key] = wrapper
            else:
                self._unslugged.add(key)
        return wrapper

    def _page_metadata(self, meta: Mapping[str, Any], shown: str) -> dict[str, Any]:
        unknown = sorted(set(meta) - PAGE_FIELDS)
        problems = [FieldProblem(shown, name, f"is not a field of a site page (known: {', '.join(sorted(PAGE_FIELDS))})")
                    for name in unknown]
        if not isinstance(meta.get("title"), str) or not meta["title"].strip():
            problems.append(FieldProblem(shown, "title", "is missing; every page needs a title"))
        if problems:
            self._fail(problems)
        out: dict[str, Any] = dict(meta)
        for name in ("date", "modified"):
            if name in meta:
                out[name] = localize(str(meta[name]), self._tz)
        if "summary" in meta:
            out["summary"] = self._inline(meta["summary"])
        return out
