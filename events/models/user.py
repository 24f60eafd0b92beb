"""People who log in: organisers, exhibitor staff, and (later) visitors. E-mail is the log-in."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class RakwonUserManager(UserManager):
    def create_user(self, email, password=None, **extra):
        email = self.normalize_email(email).lower()
        extra.setdefault("username", email)
        return super().create_user(extra.pop("username"), email, password, **extra)

    def create_superuser(self, username=None, email=None, password=None, **extra):
        email = (email or username or "").lower()
        return super().create_superuser(email, email, password, **extra)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=120, blank=True)

    objects = RakwonUserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").lower()
        if not self.username:
            self.username = self.email
        super().save(*args, **kwargs)
