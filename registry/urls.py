from django.urls import path

from core.cache import cached_page

from . import views

app_name = "registry"

urlpatterns = [
    path("", cached_page(views.kim_list), name="kim-list"),
]
