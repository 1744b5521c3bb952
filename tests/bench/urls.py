from django.http import HttpRequest, HttpResponse
from django.urls import path

from registry.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare), *site_urlpatterns]
