"""Factories for the models: tests build their data here, never by hand-written fixtures."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.enums import EventStatus, TeamRole
from events.models import Event, EventTeamMember, Session, User
from exhibits.models import Booth, Exhibitor, ExhibitorStaff, Hall

PASSWORD = "correct horse battery staple"


def png_upload(
    name: str = "logo.png", size: tuple[int, int] = (64, 64), colour: str = "#1a5fb4"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.SelfAttribute("email")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Expo {n}")
    slug = factory.Sequence(lambda n: f"expo-{n}")
    description = "An exhibition."
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=1))
    time_zone = "Asia/Seoul"
    status = EventStatus.PUBLISHED


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventTeamMember

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.OWNER


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Hall {n}")
    position = factory.Sequence(lambda n: n)


class ExhibitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibitor

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Exhibitor {n}")
    description = "We make things."


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExhibitorStaff

    exhibitor = factory.SubFactory(ExhibitorFactory)
    user = factory.SubFactory(UserFactory)


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    event = factory.SubFactory(EventFactory)
    hall = factory.SubFactory(HallFactory, event=factory.SelfAttribute("..event"))
    exhibitor = factory.SubFactory(ExhibitorFactory, event=factory.SelfAttribute("..event"))
    number = factory.Sequence(lambda n: f"B-{n}")
    x = 0
    y = 0
    width = 2
    height = 2


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.event.starts_on, dt.time(10, 0), tzinfo=o.event.tz)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
