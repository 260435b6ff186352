"""What goes wrong with the demo, said where (file, cooperation, step) and what to do."""

from __future__ import annotations

from dataclasses import dataclass

import click


class DemoDataError(click.ClickException):
    """The demo could not be seeded as written; nothing of it was kept.

    A :class:`click.ClickException`, so ``sikd serve`` (``make run``) stops and shows the
    message as an error instead of starting with half a demo."""


@dataclass(frozen=True)
class StoryProblem:
    """One thing wrong with a story: where (file, cooperation, step) and what to do."""

    file: str
    cooperation: str = ""
    step: int | None = None  # 1-based
    action: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.cooperation:
            where.append(f"kerja sama {self.cooperation}")
        if self.step is not None:
            where.append(f"langkah {self.step}" + (f" ({self.action})" if self.action else ""))
        return f"{': '.join(where)}: {self.message}"
