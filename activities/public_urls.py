"""The public "You said, we did" pages, under you-said-we-did/: no sign-in."""

from django.urls import path

from activities import public

urlpatterns = [
    path("<str:code>/", public.you_said_we_did, name="you_said_we_did"),
    path("<str:code>/feed/", public.you_said_we_did_feed, name="you_said_we_did_feed"),
]
