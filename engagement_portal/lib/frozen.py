"""Bulk writes that respect a freeze.

Rubric versions (once published) and self-assessments (once submitted) refuse changes in their
models' `save()` and `delete()`. A queryset's `update()` and `delete()` skip those methods, so
the managers built here check first that none of the rows they would touch is frozen.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models


class GuardedQuerySet(models.QuerySet):
    # Set per model by guarded_manager: which rows are frozen, and the error to raise.
    frozen_rows: Callable[[], models.Q]
    refusal: Callable[[], Exception]

    def _refuse_if_frozen(self) -> None:
        if self.filter(type(self).frozen_rows()).exists():
            raise type(self).refusal()

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


def guarded_manager(
    name: str, *, frozen_rows: Callable[[], models.Q], refusal: Callable[[], Exception]
) -> models.Manager:
    """A manager whose bulk update() and delete() raise `refusal()` if any row they would touch
    matches `frozen_rows()`. Both are functions so they can name models defined later."""
    queryset = type(
        name,
        (GuardedQuerySet,),
        {"frozen_rows": staticmethod(frozen_rows), "refusal": staticmethod(refusal)},
    )
    return queryset.as_manager()
