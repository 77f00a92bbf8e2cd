"""One of Pelican's methods answered from a memo for the length of a build.

Several of Pelican's methods give the same answer every time they are asked the same question
within one build, yet work it out again at each call (a file's stamp, a story's path inside
content/). `remembered_method` swaps such a method for one that asks it once per key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def remembered_method(owner: type, name: str, key: Callable[..., Hashable | None]
                      ) -> Iterator[dict[Hashable, Any]]:
    """While inside, `owner.<name>(self, *args)` answers from a memo keyed by `key(self, *args)`
    (the memo is what the `with` gives, for answers known otherwise).

    A key of None means the answer is not one to remember: the method itself is asked. The
    method's own code answers every new key, so an answer is always Pelican's; it is put back on
    the way out, even after an error.
    """
    original = getattr(owner, name)
    memo: dict[Hashable, Any] = {}

    def remembered(self: Any, *args: Any) -> Any:
        found = key(self, *args)
        if found is None:
            return original(self, *args)
        if found not in memo:
            memo[found] = original(self, *args)
        return memo[found]

    remembered.__doc__ = original.__doc__
    setattr(owner, name, remembered)
    try:
        yield memo
    finally:
        setattr(owner, name, original)
