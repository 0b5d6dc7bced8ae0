"""Program overview: requests per week and how requests ended. Counts only, never personal data,
so no audit event is needed for viewing it; both staff and admins may see it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from bot.requests import stats, workflow
from bot.staff.charts import bar_chart, column_chart
from bot.staff.db import settings, unit_of_work

bp = Blueprint("overview", __name__)

WEEKS = 12


@bp.route("/overview")
@login_required
def overview():
    with unit_of_work() as s:
        data = stats.overview(s, weeks=WEEKS, tz=settings().timezone)
    weekly = column_chart([(monday.strftime("%b %-d"), n) for monday, n in data.weeks])
    outcomes = bar_chart([(workflow.label(k), v) for k, v in data.outcomes.items()])
    return render_template("overview.html", data=data, weekly=weekly, outcomes=outcomes, weeks=WEEKS)
