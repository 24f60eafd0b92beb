"""The booth page's share-contact form (exhibits/templatetags/leads.py, public/_share_contact.html):
what a visitor is offered to share."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.registration_factories import AnswerFactory, AttendeeFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_share_form_offers_the_name_once_when_it_was_a_registration_answer(client, event, booth_a):
    """The bug: the default "Name" question (personal data) was offered again beside the name."""
    attendee = AttendeeFactory(event=event, display_name="Kim Minji", email="minji@example.org")
    name = QuestionFactory(
        event=event, identifier="name", label={"en": "Name", "ko": "이름"}, contains_personal_data=True
    )
    AnswerFactory(attendee=attendee, question=name, value="Kim Minji", question_label_snapshot=name.label)
    residence = QuestionFactory(
        event=event, identifier="residence", label={"en": "Place of residence"}, contains_personal_data=True
    )
    AnswerFactory(attendee=attendee, question=residence, value="Busan")
    client.force_login(attendee.user)

    html = client.get(reverse("visit:booth", args=[event.slug, booth_a.pk])).content.decode()

    form = re.search(r'<section class="share-contact".*?</section>', html, re.S).group(0)
    offered = [
        " ".join(label.split())
        for label in re.findall(r"<label[^>]*>\s*<input[^>]*>(.*?)</label>", form, re.S)
    ]
    assert offered == ["Name: Kim Minji", "E-mail address: minji@example.org", "Place of residence: Busan"]
