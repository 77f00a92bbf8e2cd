"""archive_speed: where Pelican itself is slow at archive scale, small fixes wired by signals.

- listings: tag, desk and byline pages without Pelican's quadratic filter (listings.py)
- translations: stories grouped by slug without Pelican's quadratic scan (translations.py)
- source_paths: a story's path inside content/ worked out once per build (source_paths.py)
- file_stamps: each source file read and hashed once per build by Pelican's caches (file_stamps.py)
- pinned_urls: article and page URLs computed once per build (urls.py)
- cache_guard: caches keyed by content hashes, dropped when code, settings or bytes change
  (cache_guard.py)
- render_cache: a page is re-rendered only when what it shows has changed (render_cache.py,
  page_keys.py, fingerprint.py, template_reads.py)
- page_text: a story's text resolved for its page is let go once the page is written (page_text.py)
- reader_cache: Pelican's reader cache is let go once it is saved (reader_cache.py)
- story_tokens: what Pelican made of a story's file tokened once per file, across builds
  (story_tokens.py)
- shared_names: stories share one desk, tag or byline object per name (shared_names.py)
- collector: Python's cycle collector run less often while the archive is in memory
- dates: each date a template formats with `strftime` is formatted once per build (dates.py)
- template_checks: templates not checked on disk at every render (template_checks.py)
- kept_stories: what Pelican made of each unchanged story file loaded, not made again
  (kept_stories.py)

Each fix can be switched off with `ARCHIVE_SPEED_FIXES` (settings.py); the README's
"Benchmarks" section gives each one's measured effect.

Where a "+1 article" rebuild of 10,000 stories spends its CPU (without search), and what was
done about it (process-time of the build's parts, and cProfile, on the BBC-derived corpus):
- Pelican's content cache was gzipped at level 9 on every build: 2.5 s of zlib alone.
  pelicanconf.py sets GZIP_CACHE = False; saving the cache now takes 0.25 s.
- render_cache fingerprinted 17,225 pages by walking what each template reads, so a story was
  hashed again on every page showing it (its own, its neighbours' "related" lists, each
  listing). fingerprint.py now remembers each read per (story, shape of the read) and each
  tag/byline by its fields; a sliced list (`desk.stories[:5]`) and a `|length` are read item by
  item and by count instead of hashing every story whole: fingerprinting went from 20.1 to
  11.8 s under cProfile (about 4.5 s of real CPU remain).
- urls.py pins article URLs and output paths when the articles generator finishes, before the
  theme's generator reads them: 10,000 fewer URL formattings.
- page_keys.py: a page whose key (its template, what it reads with stories cut to their
  identity, and a token of each story its last fingerprint read) is unchanged is kept without
  fingerprinting; kept files with the size and time the build left are not hashed again;
  related stories are ranked by number; the cycle collector runs less often; each source file
  is hashed once: "+1" 12.0 → 7.2–7.6 s in-process.
- translations.py groups stories by slug without Pelican's scan of every original per story,
  source_paths.py works each story's path inside content/ out once: reading and grouping the
  archive 2.6 → 1.8 s in a "+1" (with search's kept fingerprints and the sitemap written as
  text, "+1" 11.4 → 9.6 CPU s, same output).
- What remains, over the whole archive on every build: page keys (2.6 s: a token per story and
  each listing page's values), Pelican making 10,000 articles from its cache (0.7 s), the
  writer's per-page work (0.8 s), the theme's per-story pass (1.1 s).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from archive_speed.cache_guard import CacheGuard
from archive_speed.dates import remember_dates
from archive_speed.file_stamps import remembered_file_stamps
from archive_speed.kept_stories import KeptStories
from archive_speed.page_keys import made_digest
from archive_speed.listings import use_listing_generator
from archive_speed.page_text import release_page_text
from archive_speed.reader_cache import release_reader_cache
from archive_speed.render_cache import IncrementalWriter
from archive_speed.settings import check_settings, enabled_fixes
from archive_speed.shared_names import share_names
from archive_speed.source_paths import remembered_source_paths
from archive_speed.story_tokens import StoryNotes
from archive_speed.translations import linear_translations
from archive_speed.template_checks import load_templates_once
from archive_speed.urls import pin_urls


# The attribute of the Pelican instance holding the build's CacheGuard.
GUARD = "archive_speed_guard"
# The attribute of the Pelican instance holding what the build undoes when it finishes.
UNDO = "archive_speed_undo"
# The attribute of the Pelican instance holding the build's StoryNotes (None when not used).
NOTES = "archive_speed_notes"
# The StoryNotes of the build under way: stories are made where only the story is at hand.
_notes: list[StoryNotes] = []
# The KeptStories of the build under way, given to its articles generator.
_kept: list[KeptStories] = []
# New container objects between two runs of the cycle collector (Python's default is 700).
COLLECTOR_THRESHOLD = 100_000


def _start(pelican: Any) -> None:
    """Before any work: fail on wrong settings, drop caches that cannot be trusted.

    The guard's key is taken now, before readers add their defaults to the settings.
    """
    fixes = check_settings(pelican.settings)
    guard = CacheGuard(pelican.settings)
    setattr(pelican, GUARD, guard)
    if "cache_guard" in fixes:
        guard.check()
    if "collector" in fixes:
        # Every collection of the oldest generation walks every object of the archive held in
        # memory (stories, their metadata, the page manifest): 15 % of a "+1" at 2,000 stories.
        # Collected 140 times less often, the cyclic garbage a build makes is still freed.
        young, middle, old = gc.get_threshold()
        gc.set_threshold(max(young, COLLECTOR_THRESHOLD), middle, old)
    undo = ExitStack()
    setattr(pelican, UNDO, undo)
    _notes.clear()
    _kept.clear()
    notes = None
    if {"story_tokens", "render_cache", "cache_guard"} <= fixes:
        notes = StoryNotes(pelican.settings, guard.key, made_digest)
        notes.distrust_other_makers(_note_story)
        _notes.append(notes)
        undo.callback(_notes.clear)
    setattr(pelican, NOTES, notes)
    remember_path = None
    if "source_paths" in fixes:
        remember_path = undo.enter_context(remembered_source_paths())
    if "file_stamps" in fixes:
        undo.enter_context(remembered_file_stamps())
    if {"kept_stories", "cache_guard"} <= fixes and KeptStories.usable(pelican.settings, _note_story):
        _kept.append(KeptStories(pelican.settings, guard.key, notes, remember_path))
        if "pinned_urls" in fixes:
            _kept[0].pin()
        undo.callback(_kept.clear)


def _note_story(content: Any) -> None:
    """`content_object_init` receiver: what the story was made with, for its token."""
    for notes in _notes:
        notes.note(content)


def _keep_stories(generator: Any) -> None:
    """`article_generator_init` receiver: the generator asks the kept stories first."""
    for kept in _kept:
        kept.attach(generator)


def _note_stamps(generator: Any) -> None:
    """`*_generator_finalized` receiver: the reader cache's stamps, before it is let go."""
    for notes in _notes:
        notes.note_stamps(getattr(generator, "readers", None))


def _when(fix: str, action: Callable[[Any], None]) -> Callable[[Any], None]:
    """A generator signal's receiver that applies `action` to the generator when `fix` is on."""

    def receiver(generator: Any) -> None:
        if fix in enabled_fixes(generator.settings):
            action(generator)

    receiver.__name__ = receiver.__qualname__ = f"_{fix}"
    return receiver


def _group_linearly(generator: ArticlesGenerator) -> None:
    """This generator's stories are grouped by slug in linear time (its own
    generate_context, wrapped on the instance)."""
    generate_context = generator.generate_context

    def grouped_linearly() -> None:
        with linear_translations():
            generate_context()

    generator.generate_context = grouped_linearly


def _share_generator_names(generator: ArticlesGenerator) -> None:
    stories = (story for kind in ("articles", "translations", "drafts", "drafts_translations",
                                  "hidden_articles", "hidden_translations")
               for story in getattr(generator, kind, None) or [])
    (_kept[0].share_names if _kept else share_names)(stories)


def _pinned_urls(generators: list[Any]) -> None:
    if generators and "pinned_urls" in enabled_fixes(generators[0].settings):
        pin_urls(generators)


def _pinned_urls_of(generator: Any) -> None:
    """`*_generator_finalized` receiver: pin one generator's URLs before others read them."""
    _pinned_urls([generator])


# Pelican's signals hold weak references: the receivers live here for the process.
_listings = _when("listings", use_listing_generator)
_translations = _when("translations", _group_linearly)
_dates = _when("dates", remember_dates)
_template_checks = _when("template_checks", load_templates_once)
_reader_cache = _when("reader_cache", release_reader_cache)
_shared_names = _when("shared_names", _share_generator_names)


def _writer(pelican: Any) -> type[IncrementalWriter] | None:
    if "render_cache" not in enabled_fixes(pelican.settings):
        return None
    return IncrementalWriter.bound_to(getattr(pelican, GUARD), getattr(pelican, NOTES, None))


def _page_written(path: str, context: dict[str, Any]) -> None:
    # A page's context is a copy of the build's, settings included.
    if "page_text" in enabled_fixes(context):
        release_page_text(path, context)


def _finish(pelican: Any) -> None:
    """Record the caches of a successful build (the incremental writer does it when in use)."""
    fixes = enabled_fixes(pelican.settings)
    if "cache_guard" in fixes and "render_cache" not in fixes:
        getattr(pelican, GUARD).record()
    getattr(pelican, UNDO).close()


def register() -> None:
    """Connect the fixes to Pelican's signals."""
    signals.initialized.connect(_start)
    signals.article_generator_init.connect(_listings)
    signals.article_generator_init.connect(_translations)
    signals.article_generator_init.connect(_keep_stories)
    signals.generator_init.connect(_dates)
    signals.generator_init.connect(_template_checks)
    signals.article_generator_finalized.connect(_pinned_urls_of)
    signals.page_generator_finalized.connect(_pinned_urls_of)
    signals.content_object_init.connect(_note_story)
    signals.article_generator_finalized.connect(_note_stamps)
    signals.page_generator_finalized.connect(_note_stamps)
    signals.article_generator_finalized.connect(_reader_cache)
    signals.article_generator_finalized.connect(_shared_names)
    signals.page_generator_finalized.connect(_reader_cache)
    signals.all_generators_finalized.connect(_pinned_urls)
    signals.get_writer.connect(_writer)
    signals.content_written.connect(_page_written)
    signals.finalized.connect(_finish)
