"""URLs of the drives pages (included by recruitment/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
