from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.login, name="login"),
    path("keluar/", views.logout, name="logout"),
    # The language switch: POST language=en|id and next; read back by views.in_chosen_language.
    path("bahasa/", set_language, name="language"),
    path("kegiatan/rencana/", views.plan_event, name="event-plan"),
    path("laporan/", views.report_list, name="report-list"),
    path("laporan/baru/", views.report_new, name="report-new"),
    path("laporan/kirim/", views.report_submit, name="report-submit"),
    path("laporan/<int:pk>/", views.report_detail, name="report-detail"),
    path("foto/<int:pk>/", views.photo, name="photo"),
    path("kim/usulkan/", views.propose_kim, name="kim-propose"),
    path("aktivitas/catat/", views.activity_new, name="activity-new"),
    path("aktivitas/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("kiriman/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("keputusan/", views.decision_list, name="decisions"),
    path("sesi/", views.session, name="session"),
    path("sw.js", views.service_worker, name="sw"),
]
