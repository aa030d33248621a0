from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<str:code>/", views.item_guide, name="item"),
    path("items/<str:code>/v<int:version>/", views.item_guide, name="item_version"),
    path("items/<str:code>/v<int:version>/files/<int:order>/<str:kind>/", views.material_file,
         name="material_file"),
    path("bundles/<str:code>/", views.bundle_guide, name="bundle"),
]
