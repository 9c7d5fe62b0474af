"""/api/v1/ (the JSON API, its OpenAPI document and reference page), the token page, and
/scim/v2/."""

from django.urls import path, re_path

from . import pages, scim_views
from .core import the_api

api = the_api()

urlpatterns = [
    path("api/v1/docs", pages.docs, name="api-docs"),
    path("api/v1/", api.urls),
    # Anything else under /api/v1/ (an id that is not a number, a mistyped path) is a problem
    # document too, not the HTML page of the site.
    re_path(r"^api/v1/", pages.api_not_found),
    path("api/tokens/", pages.token_list, name="api-tokens"),
    path("api/tokens/new/", pages.token_create, name="api-token-create"),
    path("api/tokens/<int:pk>/revoke/", pages.token_revoke, name="api-token-revoke"),
    path("scim/v2/Users", scim_views.users),
    path("scim/v2/Users/<str:pk>", scim_views.user),
    path("scim/v2/Groups", scim_views.groups),
    path("scim/v2/Groups/<str:pk>", scim_views.group),
    path("scim/v2/ServiceProviderConfig", scim_views.service_provider_config),
    path("scim/v2/Schemas", scim_views.schemas),
    path("scim/v2/ResourceTypes", scim_views.resource_types),
]
