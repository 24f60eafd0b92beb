"""Factories for registration: questions, attendees (individuals and institution members),
answers, sign-in links and institutions with access codes."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from events.enums import AttendeeKind, AttendeeStatus, QuestionKind
from events.models import AccessCode, Answer, Attendee, Institution, Question, SignInLink
from events.models.registration import PLACEHOLDER_EMAIL_DOMAIN

from .factories import EventFactory, UserFactory


class AttendeeUserFactory(UserFactory):
    """An attendee's account: no password (they sign in by link or code)."""

    password = factory.PostGenerationMethodCall("set_unusable_password")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # declared again: runs after the password
        if create:
            obj.save()


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    identifier = factory.Sequence(lambda n: f"question-{n}")
    kind = QuestionKind.SHORT_TEXT
    label = factory.LazyAttribute(lambda o: {code: f"{o.identifier} ({code})" for code in o.event.languages})
    position = factory.Sequence(lambda n: n)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Institution {n}")
    seats = 10


class AccessCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessCode

    institution = factory.SubFactory(InstitutionFactory)
    code_hash = factory.Sequence(lambda n: f"{n:064x}")
    code_hint = "AB"


class AttendeeFactory(factory.django.DjangoModelFactory):
    """An individual, confirmed, with an account carrying the same e-mail address."""

    class Meta:
        model = Attendee

    event = factory.SubFactory(EventFactory)
    kind = AttendeeKind.INDIVIDUAL
    status = AttendeeStatus.CONFIRMED
    display_name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    language = "en"
    user = factory.SubFactory(
        AttendeeUserFactory,
        email=factory.SelfAttribute("..email"),
        display_name=factory.SelfAttribute("..display_name"),
    )
    confirmed_at = factory.LazyFunction(timezone.now)


class MemberFactory(AttendeeFactory):
    """An institution's member: no e-mail address, a placeholder account."""

    kind = AttendeeKind.INSTITUTION_MEMBER
    email = ""
    institution = factory.SubFactory(InstitutionFactory, event=factory.SelfAttribute("..event"))
    user = factory.SubFactory(
        AttendeeUserFactory,
        email=factory.Sequence(lambda n: f"member-{n}@{PLACEHOLDER_EMAIL_DOMAIN}"),
        display_name=factory.SelfAttribute("..display_name"),
    )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    attendee = factory.SubFactory(AttendeeFactory)
    question = factory.SubFactory(QuestionFactory, event=factory.SelfAttribute("..attendee.event"))
    value = "Busan"
    question_label_snapshot = factory.LazyAttribute(lambda o: dict(o.question.label))


class SignInLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignInLink

    attendee = factory.SubFactory(AttendeeFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    code_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
