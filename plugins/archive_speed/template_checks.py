"""Templates not checked on disk at every render.

Jinja checks the modification time of a template, and of every template it extends or imports,
each time it is loaded (`auto_reload`): 18,000 `stat` calls for the 6,800 pages of 2,000 stories.
Templates do not change while a build runs, and each build starts with new environments.
"""

from __future__ import annotations

from typing import Any


def load_templates_once(generator: Any) -> None:
    """`generator_init` receiver: the generator's Jinja environment trusts the templates it
    has loaded for the rest of the build."""
    generator.env.auto_reload = False
