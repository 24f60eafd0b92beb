"""Public pages of published events (the catch-all /<slug>/ comes last in rakwon_site.urls)."""

from django.urls import path

from ..views import public

app_name = "public"
urlpatterns = [
    path("", public.HomeView.as_view(), name="home"),
    path("<slug:slug>/", public.EventView.as_view(), name="event"),
    path("<slug:slug>/schedule/", public.ScheduleView.as_view(), name="schedule"),
    path("<slug:slug>/theme.css", public.ThemeView.as_view(), name="theme"),
]
