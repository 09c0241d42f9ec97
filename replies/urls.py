from django.urls import path

from replies import views

app_name = "replies"

_reply = "replies/<str:council>/<int:term>-<int:session>/<str:number>/<str:department>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("replies/<int:pk>/", views.reply_by_id, name="detail"),
    path("replies/<int:pk>/source/", views.reply_source, name="source"),
    path(_reply, views.reply_detail, name="permalink"),
    path(_reply + "<str:kind>/", views.reply_detail, name="permalink_kind"),
    path("departments/<str:slug>/", views.department_detail, name="department"),
    path("sectors/<str:slug>/", views.sector_detail, name="sector"),
    path("sessions/<str:council>/<int:term>-<int:number>/", views.session_detail, name="session"),
    path("directory/", views.directory, name="directory"),
]
