"""Root URL configuration."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from replies.health import healthz
from replies.sitemaps import SITEMAPS
from replies.views import robots_txt

admin.site.site_header = "政协提案答复库 · 管理"
admin.site.site_title = "政协提案答复库"
admin.site.index_title = "资料维护"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("replies.api")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("alerts/", include("replies.alerts.urls")),
    path("", include("replies.urls")),
]

handler404 = "replies.views.page_not_found"
