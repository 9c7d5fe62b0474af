"""A small bounded cache of values that never change once made (a published version's
framework, a draft revision's), kept for the life of the process."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable


class Memo:
    """The `size` most recently used values, by key."""

    def __init__(self, size: int):
        self.size, self.items = size, OrderedDict()

    def find(self, key: Hashable):
        """The value kept for `key`, or None."""
        if key not in self.items:
            return None
        self.items.move_to_end(key)
        return self.items[key]

    def get(self, key: Hashable, make: Callable):
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return self.put(key, make())

    def put(self, key: Hashable, value):
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return value
