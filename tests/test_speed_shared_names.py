"""shared_names' quick key for a desk, tag or byline as the reader makes it is the key the
general rule gives, and the general rule still decides every other wrapper."""

from __future__ import annotations

from pelican.settings import read_settings
from pelican.urlwrappers import Author, Category, Tag

from archive_speed.shared_names import _any_state, _state


def test_quick_key_is_the_general_key_for_wrappers_as_read() -> None:
    settings = read_settings(override={"TIMEZONE": "Europe/Kyiv"})
    for kind in (Category, Tag, Author):
        for name in ("Harbour", "harbour", "Olena Koval", "Київ", ""):
            wrapper = kind(name, settings)
            assert _state(wrapper) == _any_state(wrapper)
            wrapper.slug  # the slug made from the name is not part of the state
            assert _state(wrapper) == _any_state(wrapper) == _state(kind(name, settings))


def test_wrappers_outside_the_quick_case_take_the_general_rule() -> None:
    settings = read_settings(override={"TIMEZONE": "Europe/Kyiv"})
    set_slug = Tag("Harbour", settings)
    set_slug.slug = "port"  # an explicit slug: not made from the name, so part of the state
    assert _state(set_slug) == _any_state(set_slug) != _state(Tag("Harbour", settings))
    formatted = Tag("Harbour", settings)
    formatted.as_dict()  # Pelican's copies of name and slug, five fields now
    assert _state(formatted) == _any_state(formatted) == _state(Tag("Harbour", settings))
    assert _state(Tag("Harbour", settings)) != _state(Category("Harbour", settings))
    assert _state(Tag("Harbour", settings)) != _state(Tag("Harbour", read_settings(override={"TIMEZONE": "UTC"})))
    unhashable = Tag("Harbour", settings)
    unhashable._name = ["a", "list"]  # a name no key can hold: never shared
    assert _state(unhashable) is None
