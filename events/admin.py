"""Django admin for superusers' back-office work on events."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Event, EventTeamMember, Session, Speaker, TeamInvitation, User


@admin.register(User)
class RakwonUserAdmin(UserAdmin):
    list_display = ("email", "display_name", "is_staff", "is_superuser", "last_login")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),
    )


class TeamInline(admin.TabularInline):
    model = EventTeamMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("name", "slug")
    inlines = [TeamInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("title", "event", "starts_at", "ends_at")
    list_filter = ("event",)
    search_fields = ("title",)


admin.site.register(Speaker)
admin.site.register(TeamInvitation)
