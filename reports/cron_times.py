"""When a crontab expression fires, read in a time zone.

Local wall-clock times are what people schedule, so they are what is matched. Where the
clocks go forward, a time that does not exist fires at the first minute after the jump;
where they go back, a time that occurs twice fires the first time only (as cron does)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from croniter import croniter


def _is_repeated(moment: datetime) -> bool:
    """True for the second occurrence of a local time in the hour the clocks go back."""
    return moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()


@dataclass(frozen=True)
class CronSchedule:
    expression: str
    zone: str

    def fire_times_after(self, moment: datetime) -> Iterator[datetime]:
        """Fire times strictly after `moment` (an aware datetime), in the zone, ascending."""
        zone = ZoneInfo(self.zone)
        times = croniter(self.expression, moment.astimezone(zone))
        while True:
            fire = times.get_next(datetime)
            if not _is_repeated(fire):
                yield fire

    def next_after(self, moment: datetime) -> datetime:
        return next(self.fire_times_after(moment))

    def due_between(self, after: datetime, until: datetime) -> list[datetime]:
        """Every fire time in (after, until], oldest first."""
        due = []
        for fire in self.fire_times_after(after):
            if fire > until:
                return due
            due.append(fire)
        return due
