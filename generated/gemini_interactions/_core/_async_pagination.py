# Copied from runtime/_core/_async_pagination.py by interactions-codegen; edit it there.
"""Pagers for list operations: iterate items across pages, or take pages one at a time.

A pager fetches lazily: nothing is sent until it is iterated or `first_page()` is called. It
follows `next_page_token` until the API stops returning one (or returns the same token twice,
which would otherwise loop forever). `AsyncPager` here is the one source of both pagers:
`_sync_pagination.SyncPager` is rewritten from it when the package is generated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["AsyncPager"]

_PageT = TypeVar("_PageT")
_ItemT = TypeVar("_ItemT")


class AsyncPager(Generic[_PageT, _ItemT]):
    """Items of a list operation across all pages (iterate the pager), or page by page."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[_PageT]],
        items: Callable[[_PageT], Sequence[_ItemT] | None],
        next_token: Callable[[_PageT], str | None],
        page_token: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._items = items
        self._next_token = next_token
        self._page_token = page_token

    async def first_page(self) -> _PageT:
        """Fetch only the first page (starting at the `page_token` given, if any)."""
        return await self._fetch(self._page_token)

    async def iter_pages(self) -> AsyncIterator[_PageT]:
        """Every page, fetched as iteration reaches it."""
        token = self._page_token
        seen: set[str] = set()
        while True:
            page = await self._fetch(token)
            yield page
            token = self._next_token(page)
            if not token or token in seen:
                return
            seen.add(token)

    async def __aiter__(self) -> AsyncIterator[_ItemT]:
        async for page in self.iter_pages():
            for item in self._items(page) or ():
                yield item
