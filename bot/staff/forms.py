"""Forms of the dashboard (Flask-WTF: every POST form carries a CSRF token).

Why WTForms: validation messages are attached to fields, so templates can tie each error to its control
(aria-describedby) as WCAG 3.3.1 asks.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, PasswordField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from bot.requests.staff_accounts import MIN_PASSWORD_LENGTH, ROLES
from bot.requests.workflow import LABELS, STATUSES


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=1024)])
    next = HiddenField()


class SignOutForm(FlaskForm):
    pass


class StatusForm(FlaskForm):
    # Every status is a valid *choice*; whether the move is allowed is the workflow's decision, which
    # gives a specific message instead of WTForms' generic "Not a valid choice".
    status = SelectField(
        "New status",
        choices=[(s, LABELS[s]) for s in STATUSES],
        validators=[DataRequired("Choose the new status.")],
        validate_choice=False,
    )
    current = HiddenField()


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add an internal note",
        validators=[
            DataRequired("Write the note before adding it."),
            Length(max=5000, message="A note can be at most 5000 characters."),
        ],
    )


class ExportForm(FlaskForm):
    """Carries the current filters as hidden fields; the CSRF token makes the export a deliberate action."""

    status = HiddenField()
    outcome = HiddenField()
    channel = HiddenField()
    date_from = HiddenField()
    date_to = HiddenField()
    q = HiddenField()


class CreateUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter the person's email address."), Length(max=254)])
    role = SelectField("Role", choices=[(r, r.capitalize()) for r in ROLES], default="staff")
    password = PasswordField(
        "Initial password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Share it privately; the person should change it.",
        validators=[DataRequired("Enter an initial password.")],
    )


class UserActionForm(FlaskForm):
    pass


class PurgeForm(FlaskForm):
    days = IntegerField(
        "Purge requests closed more than this many days ago",
        validators=[
            DataRequired("Enter a number of days."),
            NumberRange(min=1, max=36500, message="Enter a number of days between 1 and 36500."),
        ],
    )
    confirm = BooleanField("I understand this permanently removes personal data", validators=[Optional()])
