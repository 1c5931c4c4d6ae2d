"""Numbered pages of a ranked list: the page a request asks for (``?page=``), and the links to the next
and to the first, which keep the request's other arguments (its filters, its tab)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

MAX_PAGE = 5000  # a ranked page further than this starts again at the first


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    size: int

    @classmethod
    def requested(cls, size: int) -> Page:
        number = request.args.get("page", 1, type=int)
        return cls(number if 1 <= number <= MAX_PAGE else 1, size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_rank(self) -> int:
        return self.offset + 1

    def next_url(self, total: int) -> str | None:
        """The following page, when the list (``total`` long) goes on past this one."""
        return url_for(request.endpoint, **self._args(), page=self.number + 1) if self.offset + self.size < total \
            else None

    def first_url(self) -> str | None:
        return url_for(request.endpoint, **self._args()) if self.number > 1 else None

    def of(self, items: list) -> list:
        """This page's part of a whole list."""
        return items[self.offset:self.offset + self.size]

    @staticmethod
    def _args() -> dict:
        """The request's path and query arguments but the page."""
        return {**(request.view_args or {}),
                **{key: values for key, values in request.args.lists() if key != "page"}}
