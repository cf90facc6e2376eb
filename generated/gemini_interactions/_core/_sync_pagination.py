# Rewritten from runtime/_core/_async_pagination.py by interactions-codegen; edit it there.
"""The synchronous twin of `_async_pagination`: the same code with `async` / `await` removed and
async names mapped to their sync twins, rewritten from `_async_pagination.py` token by token when
the package is generated; `_async_pagination` documents it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

__all__ = ["SyncPager"]

_PageT = TypeVar("_PageT")
_ItemT = TypeVar("_ItemT")


class SyncPager(Generic[_PageT, _ItemT]):
    """Items of a list operation across all pages (iterate the pager), or page by page."""

    def __init__(
        self,
        fetch: Callable[[str | None], _PageT],
        items: Callable[[_PageT], Sequence[_ItemT] | None],
        next_token: Callable[[_PageT], str | None],
        page_token: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._items = items
        self._next_token = next_token
        self._page_token = page_token

    def first_page(self) -> _PageT:
        """Fetch only the first page (starting at the `page_token` given, if any)."""
        return self._fetch(self._page_token)

    def iter_pages(self) -> Iterator[_PageT]:
        """Every page, fetched as iteration reaches it."""
        token = self._page_token
        seen: set[str] = set()
        while True:
            page = self._fetch(token)
            yield page
            token = self._next_token(page)
            if not token or token in seen:
                return
            seen.add(token)

    def __iter__(self) -> Iterator[_ItemT]:
        for page in self.iter_pages():
            for item in self._items(page) or ():
                yield item
