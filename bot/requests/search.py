"""The request list: filters from the query string, the SQL that applies them, and the name search.

Why the name search runs in Python: names are encrypted with Fernet, which is randomized on purpose
(the same name encrypts differently every time), so the database cannot compare or LIKE-match them, and
a deterministic or blind-index scheme for partial names would leak who has similar names. The SQL filters
(status, eligibility outcome, channel, dates, reference) run first and narrow the rows; only their names
are then decrypted and matched in memory. At this program's volume (hundreds of requests a year) that
is fast; a reference search never decrypts anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping, Optional
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import MediationRequest as R
from bot.requests.workflow import STATUSES

PAGE_SIZE = 25
REFERENCE_RE = re.compile(r"^MR-?[0-9A-Z]{1,6}$")
CHANNELS = ("web", "sms", "rest", "shell")
FILTER_KEYS = ("status", "outcome", "channel", "date_from", "date_to", "q")


@dataclass
class RequestFilters:
    status: str = ""
    outcome: str = ""
    channel: str = ""
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    q: str = ""
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)

    def query_args(self, **overrides) -> dict[str, str]:
        """Non-empty filter values as query-string arguments (for links that keep the filters)."""
        args = {k: v for k, v in self.raw.items() if v and k in FILTER_KEYS and k not in self.errors}
        args.update({k: str(v) for k, v in overrides.items() if v not in (None, "")})
        return args

    def audit_detail(self) -> dict:
        """Filters safe to put in the audit log: the free-text search may be a name, so only its presence."""
        detail = {
            k: self.raw[k]
            for k in ("status", "outcome", "channel", "date_from", "date_to")
            if self.raw.get(k) and k not in self.errors
        }
        if self.q:
            detail["search"] = "reference" if looks_like_reference(self.q) else "name"
        return detail


def looks_like_reference(text: str) -> bool:
    return bool(REFERENCE_RE.match(text.strip().upper()))


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


def parse_filters(args: Mapping[str, str], outcomes: tuple[str, ...] = ()) -> RequestFilters:
    """Read filters from a query string. Bad values are reported per field and ignored, never fatal."""
    raw = {k: (args.get(k) or "").strip() for k in FILTER_KEYS}
    f = RequestFilters(raw=raw)
    if raw["status"]:
        if raw["status"] in STATUSES:
            f.status = raw["status"]
        else:
            f.errors["status"] = "Choose a status from the list."
    if raw["outcome"]:
        if not outcomes or raw["outcome"] in outcomes:
            f.outcome = raw["outcome"][:20]
        else:
            f.errors["outcome"] = "Choose an eligibility outcome from the list."
    if raw["channel"]:
        if raw["channel"] in CHANNELS:
            f.channel = raw["channel"]
        else:
            f.errors["channel"] = "Choose a channel from the list."
    for key in ("date_from", "date_to"):
        if raw[key]:
            try:
                setattr(f, key, _parse_date(raw[key]))
            except ValueError:
                f.errors[key] = "Enter the date as YYYY-MM-DD, for example 2024-03-31."
    if f.date_from and f.date_to and f.date_from > f.date_to:
        f.errors["date_to"] = "The end date is before the start date."
        f.date_to = None
    f.q = raw["q"][:100]
    try:
        f.page = max(1, int(args.get("page") or 1))
    except ValueError:
        f.page = 1
    return f


def _filtered(stmt, f: RequestFilters, tz: str):
    zone = ZoneInfo(tz)
    if f.status:
        stmt = stmt.where(R.status == f.status)
    if f.outcome:
        stmt = stmt.where(R.eligibility_outcome == f.outcome)
    if f.channel:
        stmt = stmt.where(R.channel == f.channel)
    if f.date_from:
        stmt = stmt.where(R.created_at >= datetime.combine(f.date_from, time.min, tzinfo=zone).astimezone(timezone.utc))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=zone).astimezone(timezone.utc)
        stmt = stmt.where(R.created_at < end)
    if f.q and looks_like_reference(f.q):
        ref = f.q.strip().upper()
        if not ref.startswith("MR-"):
            ref = "MR-" + ref[2:]
        stmt = stmt.where(R.reference.like(ref.replace("%", "").replace("_", "") + "%"))
    return stmt


def matching_ids(session, f: RequestFilters, tz: str) -> list[int]:
    """Ids of requests matching every filter, newest first (name search applied in Python, see module doc)."""
    order = (R.created_at.desc(), R.id.desc())
    if f.q and not looks_like_reference(f.q):
        needle = f.q.casefold()
        rows = session.execute(_filtered(select(R.id, R.reference, R.name), f, tz).order_by(*order)).all()
        return [r.id for r in rows if needle in r.reference.casefold() or (r.name and needle in r.name.casefold())]
    return list(session.execute(_filtered(select(R.id), f, tz).order_by(*order)).scalars())


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int


def load_page(session, f: RequestFilters, tz: str, per_page: int = PAGE_SIZE) -> Page:
    ids = matching_ids(session, f, tz)
    total = len(ids)
    pages = max(1, -(-total // per_page))
    page = min(f.page, pages)
    chunk = ids[(page - 1) * per_page : page * per_page]
    items = []
    if chunk:
        by_id = {r.id: r for r in session.execute(select(R).where(R.id.in_(chunk))).scalars()}
        items = [by_id[i] for i in chunk]
    return Page(items=items, total=total, page=page, pages=pages)


def load_all(session, f: RequestFilters, tz: str) -> list:
    ids = matching_ids(session, f, tz)
    rows: list = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        by_id = {r.id: r for r in session.execute(select(R).where(R.id.in_(chunk))).scalars()}
        rows.extend(by_id[i] for i in chunk)
    return rows


def known_outcomes(session) -> tuple[str, ...]:
    values = session.execute(
        select(R.eligibility_outcome).where(R.eligibility_outcome.is_not(None)).distinct()
    ).scalars()
    return tuple(sorted(set(values)))
