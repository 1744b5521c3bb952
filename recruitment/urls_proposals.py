"""URLs of the proposals pages (included by recruitment/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
