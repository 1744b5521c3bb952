from django.urls import path

from recruitment import views

urlpatterns = [
    path("", views.home, name="home"),
    path("how-to-join/", views.page, {"slug": "how-to-join"}, name="how-to-join"),
    path("how-donation-works/", views.page, {"slug": "how-donation-works"}, name="donation"),
    path("about-transplants/", views.page, {"slug": "about-transplants"}, name="transplants"),
    path("privacy/", views.page, {"slug": "privacy"}, name="privacy"),
    path("myths-and-questions/", views.myths, name="myths"),
    path("eligibility/", views.checker, name="checker"),
]
