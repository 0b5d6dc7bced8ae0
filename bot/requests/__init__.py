"""The data API: the only way actions, the CLI and the staff app read or change stored data.

Why one package: every entry point must apply the same rules — one request per submission however often it
is retried, personal fields encrypted, contact details matched only through blind indexes, a neutral answer to
anyone who doesn't know the contact on file, nothing lost while the database is down, every change audited.
Each public function is one unit of work (its own session) and is safe to call from many threads.

Modules: `fields` (the one list of a request's fields), `drafts`, `store`, `outbox`, `submit`, `lookup`,
`export`, `search` (the staff list), `workflow` (status changes), `retention`, `stats`, `notify`,
`contacts`; plus the small records around requests: `staff_accounts`, `sms_optouts`.
"""

from bot.requests.drafts import RequestDraft, draft_from_form
from bot.requests.export import count_requests, export_rows, get_request, list_requests, render_csv, request_to_dict
from bot.requests.fields import EXPORT_FIELDS, FIELDS
from bot.requests.lookup import LookupResult, lookup_status
from bot.requests.store import DatabaseUnavailable
from bot.requests.submit import SubmitResult, deliver_pending, submit_request

__all__ = [
    "DatabaseUnavailable",
    "EXPORT_FIELDS",
    "FIELDS",
    "LookupResult",
    "RequestDraft",
    "SubmitResult",
    "count_requests",
    "deliver_pending",
    "draft_from_form",
    "export_rows",
    "get_request",
    "list_requests",
    "lookup_status",
    "render_csv",
    "request_to_dict",
    "submit_request",
]
