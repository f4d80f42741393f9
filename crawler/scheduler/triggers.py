"""Schedules as APScheduler triggers, read the way system cron reads them.

APScheduler 3's ``CronTrigger.from_crontab`` differs from cron in two ways that would make the
daemon and a crontab line disagree: it numbers days of the week from Monday (cron: 0 and 7 are
Sunday), and when both day-of-month and day-of-week are restricted it requires both (cron:
either). Here numeric days are mapped to names, and the either-rule becomes an ``OrTrigger``.
"""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from archive.errors import ProvError
from archive.index.watches import Watch

__all__ = ["ScheduleError", "build_trigger", "cron_trigger", "interval_trigger", "next_fire"]

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MAX_EVERY = 366 * 24 * 3600


class ScheduleError(ProvError, ValueError):
    """A schedule prov cannot use; the message says how to write one."""


def _day(token: str) -> int:
    text = token.strip().lower()
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text[:3] in DAY_NAMES and len(text) >= 3:
        return DAY_NAMES.index(text[:3])
    raise ScheduleError(f"day of week {token!r}: use 0-7 (0 and 7 are Sunday) or sun-sat")


def _days_of_week(field: str) -> str:
    """Cron's day-of-week field as the APScheduler field naming the same days."""
    days: set[int] = set()
    for part in field.split(","):
        base, slash, step_text = part.partition("/")
        if (slash and not step_text.isdigit()) or step_text == "0":
            raise ScheduleError(f"day of week {part!r}: a step is a positive number")
        step = int(step_text) if slash else 1
        if base == "*":
            low, high = 0, 6
        elif "-" in base:
            first, last = base.split("-", 1)
            low, high = _day(first), _day(last)
        else:
            low = _day(base)
            high = 6 if slash else low
        if low > high:
            raise ScheduleError(f"day of week {part!r}: the range runs backwards")
        days |= {day % 7 for day in range(low, high + 1, step)}
    if len(days) == 7:
        return "*"
    return ",".join(DAY_NAMES[day] for day in sorted(days))


def cron_trigger(expression: str) -> BaseTrigger:
    """A trigger firing when system cron would run EXPRESSION (5 fields or an @macro)."""
    text = " ".join(expression.split())
    if not text:
        raise ScheduleError('empty cron expression: give 5 fields, e.g. "*/30 * * * *"')
    text = MACROS.get(text.lower(), text)
    fields = text.split(" ")
    if len(fields) != 5:
        raise ScheduleError(
            f"cron expression {expression!r} has {len(fields)} fields; give 5: "
            'minute hour day-of-month month day-of-week, e.g. "*/30 * * * *" (or @daily)'
        )
    minute, hour, day, month, weekday = fields
    try:
        dow = _days_of_week(weekday)
        if not day.startswith("*") and not weekday.startswith("*"):  # cron: either may match
            return OrTrigger(
                [
                    CronTrigger(minute=minute, hour=hour, day=day, month=month),
                    CronTrigger(minute=minute, hour=hour, month=month, day_of_week=dow),
                ]
            )
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow)
    except ScheduleError as exc:
        raise ScheduleError(f"cron expression {expression!r}: {exc}") from None
    except ValueError as exc:
        raise ScheduleError(f"cron expression {expression!r}: {exc}") from None


def interval_trigger(seconds: int) -> BaseTrigger:
    if not 1 <= seconds <= MAX_EVERY:
        raise ScheduleError(f"--every {seconds}: give 1 to {MAX_EVERY} seconds")
    return IntervalTrigger(seconds=seconds)


def build_trigger(watch: Watch) -> BaseTrigger:
    if watch.cron is not None:
        return cron_trigger(watch.cron)
    assert watch.every_seconds is not None
    return interval_trigger(watch.every_seconds)


def next_fire(trigger: BaseTrigger, now: datetime) -> datetime | None:
    when: datetime | None = trigger.get_next_fire_time(None, now)
    return when
