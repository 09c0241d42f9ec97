from django.urls import path, register_converter

from replies import views
from replies.feeds import ReplyFeed
from replies.ratelimit import rate_limited


class TextConverter:
    """A path segment without control characters (PostgreSQL rejects NUL in text)."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TextConverter, "text")

app_name = "replies"

_proposal = "replies/<text:council>/<int:term>-<int:session>/<text:number>/"
_reply = _proposal + "<text:department>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("replies/<int:pk>/", views.reply_by_id, name="detail"),
    path("replies/<int:pk>/source/", views.reply_source, name="source"),
    path(_proposal, views.proposal_detail, name="proposal"),
    path(_reply, views.reply_detail, name="permalink"),
    path(_reply + "<text:kind>/", views.reply_detail, name="permalink_kind"),
    path("departments/<text:slug>/", views.department_detail, name="department"),
    path("sectors/<text:slug>/", views.sector_detail, name="sector"),
    path("sessions/<text:council>/<int:term>-<int:number>/", views.session_detail, name="session"),
    path("directory/", views.directory, name="directory"),
    path("stats/", views.stats, name="stats"),
    path("feed/", rate_limited("feed")(ReplyFeed()), name="feed"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.jsonl", views.export_jsonl, name="export_jsonl"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/latest.zip", views.open_data_latest, name="open_data_latest"),
]
