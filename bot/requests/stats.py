"""Program statistics: requests per week and how they ended, without any personal data.

Why separate from the dashboard: the numbers must stay correct after retention purges (which keep the
status, channel, dates and eligibility outcome), and they are plain functions that tests check directly.
Weeks start on Monday in the program's time zone (settings.timezone), because that is how staff count.
Buckets are made in Python rather than SQL so SQLite and PostgreSQL give identical results.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.models import MediationRequest
from bot.requests.workflow import FINAL_STATUSES, STATUSES


@dataclass(frozen=True)
class Overview:
    weeks: tuple[tuple[date, int], ...]  # (Monday, requests created that week), oldest first
    statuses: dict[str, int]  # every status → count (all time)
    outcomes: dict[str, int]  # final statuses only → count
    eligibility: dict[str, int]  # eligibility outcome → count
    channels: dict[str, int]
    total: int
    purged: int


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def status_counts(session) -> dict[str, int]:
    rows = session.execute(select(MediationRequest.status, func.count()).group_by(MediationRequest.status)).all()
    counts = {s: 0 for s in STATUSES}
    counts.update({status: n for status, n in rows})
    return counts


def weekly_counts(
    session, *, weeks: int = 12, tz: str = "America/Chicago", now: Optional[datetime] = None
) -> tuple[tuple[date, int], ...]:
    zone = ZoneInfo(tz)
    now = now or datetime.now(timezone.utc)
    this_week = week_start(now.astimezone(zone).date())
    first = this_week - timedelta(weeks=weeks - 1)
    start_utc = datetime.combine(first, time.min, tzinfo=zone).astimezone(timezone.utc)
    created = session.execute(
        select(MediationRequest.created_at).where(MediationRequest.created_at >= start_utc)
    ).scalars()
    buckets = Counter(week_start(c.astimezone(zone).date()) for c in created)
    return tuple((first + timedelta(weeks=i), buckets.get(first + timedelta(weeks=i), 0)) for i in range(weeks))


def _grouped(session, column) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column)).all()
    return {(key or "unknown"): n for key, n in rows}


def overview(session, *, weeks: int = 12, tz: str = "America/Chicago", now: Optional[datetime] = None) -> Overview:
    statuses = status_counts(session)
    purged = session.execute(
        select(func.count()).select_from(MediationRequest).where(MediationRequest.purged_at.is_not(None))
    ).scalar_one()
    return Overview(
        weeks=weekly_counts(session, weeks=weeks, tz=tz, now=now),
        statuses=statuses,
        outcomes={s: statuses.get(s, 0) for s in FINAL_STATUSES},
        eligibility=_grouped(session, MediationRequest.eligibility_outcome),
        channels=_grouped(session, MediationRequest.channel),
        total=sum(statuses.values()),
        purged=purged,
    )
