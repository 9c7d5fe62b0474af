"""A small thread-safe LRU of rendered pages (waitress serves from several threads)."""

from __future__ import annotations

import threading
from collections import OrderedDict


class RenderedPages:
    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> str:
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > self.maxsize:
                self._pages.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
