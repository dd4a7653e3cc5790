"""Office hours such as "Mon-Thu 08:00-16:00, Fri 08:00-16:30", in Asia/Jakarta time."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from actions.texts import text

JAKARTA = ZoneInfo("Asia/Jakarta")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART_RE = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OfficeHours:
    """Opening times per weekday (0 = Monday) in Asia/Jakarta."""

    hours: dict[int, tuple[dt.time, dt.time]]

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        """Read a spec like "Mon-Thu 08:00-16:00, Fri 08:00-16:30"; raise ValueError when malformed."""
        hours: dict[int, tuple[dt.time, dt.time]] = {}
        for part in filter(str.strip, spec.split(",")):
            match = _PART_RE.match(part.lower())
            if not match or match.group(1) not in DAYS or (match.group(2) or match.group(1)) not in DAYS:
                raise ValueError(f"OFFICE_HOURS: cannot read {part.strip()!r} (expected e.g. 'Mon-Thu 08:00-16:00')")
            first, last = DAYS.index(match.group(1)), DAYS.index(match.group(2) or match.group(1))
            opens = dt.time(int(match.group(3)), int(match.group(4)))
            closes = dt.time(int(match.group(5)), int(match.group(6)))
            if closes <= opens or last < first:
                raise ValueError(f"OFFICE_HOURS: {part.strip()!r} closes before it opens")
            hours.update({day: (opens, closes) for day in range(first, last + 1)})
        return cls(hours)

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether the office is open at this moment."""
        local = moment.astimezone(JAKARTA)
        window = self.hours.get(local.weekday())
        return window is not None and window[0] <= local.time() < window[1]

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """When the office next opens after this moment (Jakarta time), or None without hours."""
        local = moment.astimezone(JAKARTA)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            window = self.hours.get(day.weekday())
            if window:
                opening = dt.datetime.combine(day, window[0], tzinfo=JAKARTA)
                if opening > local:
                    return opening
        return None


def duration(seconds: float) -> str:
    """A waiting time for people: under a minute, minutes, hours (and minutes), or days (and hours)."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return text("id", "wait_moment")
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return text("id", "wait_minutes", minutes=str(minutes))
    days, hours = divmod(hours, 24)
    if not days and minutes:
        return text("id", "wait_hours", hours=str(hours), minutes=str(minutes))
    if not days:
        return text("id", "wait_whole_hours", hours=str(hours))
    if hours:
        return text("id", "wait_days", days=str(days), hours=str(hours))
    return text("id", "wait_whole_days", days=str(days))


def jakarta(timestamp: str) -> str:
    """An ISO UTC timestamp as 'DD-MM-YYYY HH:MM' in Jakarta time."""
    return dt.datetime.fromisoformat(timestamp).astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M")


def utc_bound(day: dt.date) -> str:
    """Midnight at the start of a Jakarta day, as the UTC ISO text the database holds."""
    return dt.datetime.combine(day, dt.time(), tzinfo=JAKARTA).astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def day_argument(value: str) -> dt.date:
    """A command-line date (YYYY-MM-DD), a day in WIB; a clear message when it is not one."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-10-01.") from None
