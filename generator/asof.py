"""Which date the figures are computed for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class Source(str, Enum):
    COMMAND_LINE = "command_line"  # a view of the past: later reports are ignored
    REGISTER = "register"
    TODAY = "today"


@dataclass(frozen=True)
class AsOf:
    date: dt.date
    source: Source

    @property
    def ignores_later_reports(self) -> bool:
        return self.source is Source.COMMAND_LINE


def resolve(command_line: dt.date | None, register_as_of: dt.date | None,
            timezone: str | None, now: dt.datetime | None = None) -> AsOf:
    """``--as-of``, else ``register.as_of``, else today's date in the register's
    time zone — not the machine's: CI runs in UTC, seven hours behind Vietnam."""
    if command_line is not None:
        return AsOf(command_line, Source.COMMAND_LINE)
    if register_as_of is not None:
        return AsOf(register_as_of, Source.REGISTER)
    return AsOf(today(timezone or DEFAULT_TIMEZONE, now), Source.TODAY)


def today(timezone: str = DEFAULT_TIMEZONE, now: dt.datetime | None = None) -> dt.date:
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(ZoneInfo(timezone)).date()
