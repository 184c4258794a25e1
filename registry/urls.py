from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.kim_list, name="kim-list"),
    path("<int:pk>/", views.kim_detail, name="kim-detail"),
]
