"""The attendee's own data ("My data"): see, download, choose visibility, delete.

Namespace "privacy"; mounted at the site root before the public catch-all.
"""

from django.urls import path

from ..views import my_data

app_name = "privacy"
urlpatterns = [
    path("<slug:slug>/me/", my_data.MyDataView.as_view(), name="my_data"),
    path("<slug:slug>/me/download/", my_data.DownloadView.as_view(), name="download"),
    path("<slug:slug>/me/visibility/", my_data.VisibilityView.as_view(), name="visibility"),
    path("<slug:slug>/me/recovery-code/", my_data.RecoveryCodeView.as_view(), name="recovery_code"),
    path("<slug:slug>/me/delete/", my_data.DeleteView.as_view(), name="delete"),
    path("<slug:slug>/me/deleted/", my_data.DeletedView.as_view(), name="deleted"),
]
