"""Django admin for superusers' back-office work on the exhibition floor."""

from django.contrib import admin

from .models import Booth, BoothSession, Exhibitor, ExhibitorStaff, Hall, StaffInvitation


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "position")
    list_filter = ("event",)


class StaffInline(admin.TabularInline):
    model = ExhibitorStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Exhibitor)
class ExhibitorAdmin(admin.ModelAdmin):
    list_display = ("name", "event")
    list_filter = ("event",)
    search_fields = ("name",)
    inlines = [StaffInline]


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ("number", "exhibitor", "hall", "event")
    list_filter = ("event", "hall")


admin.site.register(BoothSession)
admin.site.register(StaffInvitation)
