"""What each role gets from each URL: the table behind tests/test_permission_matrix.py.

Every named URL must appear here (or in NOT_WALKED with the reason), so a new view without a
rule fails the suite. Values: a status code; LOGIN (302 to the log-in page); DONE (a permitted
change went through: a 302 elsewhere with no warning or error message, and a success message or,
where `changed` is given, the change seen in the database); or ("redirect", path) for a 302 to
that exact path.

Optional keys of an entry: `setup(world)` runs before the request; `changed(world, response)`
says whether the change happened: it must be True for DONE (and for 200 where given) and False
for every refused role, so a refusal dressed as success fails the matrix; `use` maps a URL
argument to another object of the world.
"""

ROLES = ["anonymous", "visitor", "staff_a", "staff_b", "moderator", "owner"]
LOGIN = "login"
DONE = "done"
TO_SIGNIN = ("redirect", "/expo/signin/")
TO_LANDING = ("redirect", "/accounts/landing/")
TO_HOME = ("redirect", "/")
# Answers that refuse: where an entry says what `changed` means, it must not have happened.
REFUSED = (LOGIN, TO_SIGNIN, 400, 403, 404, 405)


def _row(anonymous, visitor, staff_a, staff_b, moderator, owner) -> dict:
    return dict(zip(ROLES, (anonymous, visitor, staff_a, staff_b, moderator, owner), strict=True))


PUBLIC = _row(200, 200, 200, 200, 200, 200)
LOGGED_IN = _row(LOGIN, 200, 200, 200, 200, 200)
TEAM = _row(LOGIN, 404, 404, 404, 200, 200)
TEAM_POST_ONLY = _row(LOGIN, 404, 404, 404, 405, 405)
TEAM_CHANGE = _row(LOGIN, 404, 404, 404, DONE, DONE)
OWNER_POST_ONLY = _row(LOGIN, 404, 404, 404, 403, 405)
OWNER_CHANGE = _row(LOGIN, 404, 404, 404, 403, DONE)
STAFF_OF_A = _row(LOGIN, 404, 200, 404, 200, 200)
ATTENDEE = _row(TO_SIGNIN, 200, 404, 404, 404, 404)
LEADS_OF_A = _row(LOGIN, 404, 200, 404, 403, 403)


def get(row: dict, **extra) -> dict:
    return {**row, **extra}


def post(row: dict, data: dict | None = None, **extra) -> dict:
    return {**row, "method": "post", "data": data or {}, **extra}


# --- What "changed" means for each change, read back from the database ------------------------


def _gone(model_path: str, key: str):
    def check(world, response) -> bool:
        from django.apps import apps

        return not apps.get_model(model_path).objects.filter(pk=world["ids"][key]).exists()

    return check


def _field_is(model_path: str, key: str, field: str, value):
    def check(world, response) -> bool:
        from django.apps import apps

        found = apps.get_model(model_path).objects.filter(pk=world["ids"][key]).values_list(field, flat=True)
        return list(found) == [value]

    return check


def _field_set(model_path: str, key: str, field: str):
    def check(world, response) -> bool:
        from django.apps import apps

        return (
            apps.get_model(model_path)
            .objects.filter(pk=world["ids"][key], **{f"{field}__isnull": False})
            .exists()
        )

    return check


def _first_of(model_path: str, key: str, **within):
    """The object moved up is now first in its list."""

    def check(world, response) -> bool:
        from django.apps import apps

        scope = {name: world["ids"][other] for name, other in within.items()}
        ordered = apps.get_model(model_path).objects.filter(**scope).order_by("position", "id")
        return ordered.values_list("pk", flat=True).first() == world["ids"][key]

    return check


def _lead_of_visitor_exists(world, response) -> bool:
    from exhibits.models import Lead

    return Lead.objects.filter(
        booth_id=world["ids"]["booth"], attendee_id=world["ids"]["visitor_attendee"]
    ).exists()


def _visitor_lead(world) -> None:
    from exhibits.models import Lead

    Lead.objects.create(
        attendee_id=world["ids"]["visitor_attendee"],
        booth_id=world["ids"]["booth"],
        exhibitor_id=world["ids"]["exhibitor"],
        shared_fields=[{"key": "name", "value": "Visitor"}],
    )


def _visitor_asked(world, response) -> bool:
    from events.models import SessionQuestion

    return SessionQuestion.objects.filter(session_id=world["ids"]["session"], text="And the slides?").exists()


def _voted_for_question(world, response) -> bool:
    from events.models import QuestionVote

    return QuestionVote.objects.filter(question_id=world["ids"]["session_question"]).exists()


def _approval_turned_off(world, response) -> bool:
    from events.models import SessionQuestionSettings

    return SessionQuestionSettings.objects.filter(
        session_id=world["ids"]["session"], needs_approval=False
    ).exists()


_POLL_VOTE = {"option": ""}  # the answer's id exists only with the world: _poll_answer_chosen sets it


def _poll_answer_chosen(world) -> None:
    _POLL_VOTE["option"] = str(world["ids"]["poll_option"])


def _voted_in_poll(world, response) -> bool:
    from events.models import PollVote

    voted = PollVote.objects.filter(poll_id=world["ids"]["poll"], option_id=world["ids"]["poll_option"])
    return voted.exists()


def _poll_created(world, response) -> bool:
    from events.models import SessionPoll

    return SessionPoll.objects.filter(session_id=world["ids"]["session"], question="Best talk?").exists()


def _bookmarked(field: str, key: str):
    def check(world, response) -> bool:
        from exhibits.models import Bookmark

        scope = {"attendee_id": world["ids"]["visitor_attendee"], f"{field}_id": world["ids"][key]}
        return Bookmark.objects.filter(**scope).exists()

    return check


def _has_staff_calendar_feed(world, response) -> bool:
    from exhibits.models import StaffCalendarFeed

    return StaffCalendarFeed.objects.filter(staff__exhibitor_id=world["ids"]["exhibitor"]).exists()


def _has_calendar_feed(world, response) -> bool:
    from exhibits.models import CalendarFeed

    return CalendarFeed.objects.filter(attendee_id=world["ids"]["visitor_attendee"]).exists()


def _meeting_cancelled(world, response) -> bool:
    from exhibits.models import Appointment

    return Appointment.objects.filter(pk=world["ids"]["appointment"], status="cancelled").exists()


def _visitor_meeting_is(status: str):
    return _field_is("exhibits.VisitorMeeting", "visitor_meeting", "status", status)


def _visitor_meeting_joined(world, response) -> bool:
    from exhibits.models import VisitorMeeting

    pk = world["ids"]["joinable_meeting"]
    return VisitorMeeting.objects.filter(pk=pk, invitee_joined_at__isnull=False).exists()


def _recording_of(kind: str, state: str):
    """A recording of the world's session (or booth A) in `state` exists."""

    def check(world, response) -> bool:
        from media_rtc.models import Recording

        return Recording.objects.filter(**{f"{kind}_id": world["ids"][kind]}, state=state).exists()

    return check


def _recording_running(kind: str):
    """Before stopping: the world's session (or booth A) is being recorded."""

    def setup(world) -> None:
        from media_rtc.models import Recording

        room = f"stage.{world['ids'][kind]}" if kind == "session" else f"booth.{world['ids'][kind]}"
        Recording.objects.create(
            event_id=world["ids"]["event"], room=room, state="recording", **{f"{kind}_id": world["ids"][kind]}
        )

    return setup


def _meeting_joined(world, response) -> bool:
    from django.db.models import Q

    from exhibits.models import Appointment

    joined = Q(visitor_joined_at__isnull=False) | Q(staff_joined_at__isnull=False)
    return Appointment.objects.filter(joined, pk=world["ids"]["appointment"]).exists()


def _archive_question(world) -> None:
    from django.utils import timezone

    from events.models import Question

    Question.objects.filter(pk=world["ids"]["question"]).update(archived_at=timezone.now())


def _question_active(world, response) -> bool:
    from events.models import Question

    return Question.objects.filter(pk=world["ids"]["question"], archived_at__isnull=True).exists()


def _code_revoked(world, response) -> bool:
    from events.models import AccessCode

    return not AccessCode.objects.filter(institution_id=world["ids"]["institution"], active=True).exists()


# Freeing a seat names the member in the form: each walk makes a fresh member of the world's
# institution and puts its id into the posted data (the dict below, filled in by the setup).
_SEAT = {"member": "0"}


def _member_of_institution(world) -> None:
    from events.models import Institution
    from tests.registration_factories import MemberFactory

    institution = Institution.objects.select_related("event").get(pk=world["ids"]["institution"])
    member = MemberFactory(event=institution.event, institution=institution)
    world["ids"]["seat_member"] = _SEAT["member"] = member.pk


def _seat_freed(world, response) -> bool:
    from events.models import Attendee

    return Attendee.objects.filter(pk=world["ids"]["seat_member"], status="cancelled").exists()


def _visitor_has_recovery_code(world, response) -> bool:
    from events.models import Attendee

    visitor = Attendee.objects.get(pk=world["ids"]["visitor_attendee"])
    return visitor.recovery_code_hash != ""


def _export_queued(world, response) -> bool:
    from events.models import ExportJob

    return ExportJob.objects.exclude(pk=world["ids"]["job"]).count() == 1


def _download_audited(world, response) -> bool:
    from events.enums import AuditAction
    from events.models import AuditLogEntry

    return AuditLogEntry.objects.filter(action=AuditAction.EXPORT_DOWNLOADED).count() == 1


def _failed_asset(world) -> None:
    from exhibits.models import BoothAsset
    from exhibits.models.assets import AssetStatus

    BoothAsset.objects.filter(pk=world["ids"]["asset"]).update(status=AssetStatus.FAILED, error_code="broken")


def _asset_queued_again(world, response) -> bool:
    from exhibits.models import BoothAsset

    return BoothAsset.objects.filter(pk=world["ids"]["asset"], error_code="").exists()


def _leads_export_audited(world, response) -> bool:
    from events.models import AuditLogEntry

    return AuditLogEntry.objects.filter(subject=f"exhibitor:{world['ids']['exhibitor']}").count() == 1


def _language_cookie_ko(world, response) -> bool:
    cookie = response.cookies.get("django_language")
    return cookie is not None and cookie.value == "ko"


EXPECTED: dict[str, dict] = {
    # Accounts
    "accounts:signup": get(PUBLIC),
    "accounts:signup_sent": get(PUBLIC),
    # The walk's token is no sealed sign-up: refused alike for everyone, nothing created
    "accounts:signup_confirm": get(_row(404, 404, 404, 404, 404, 404)),
    "accounts:password_reset": get(PUBLIC),
    "accounts:password_reset_done": get(PUBLIC),
    # A made-up link: the page says it does not work, for everyone
    "accounts:password_reset_confirm": get(PUBLIC),
    "accounts:password_reset_complete": get(PUBLIC),
    # Logged in already: on to the landing page; logging out ends on the home page
    "accounts:login": get(_row(200, TO_LANDING, TO_LANDING, TO_LANDING, TO_LANDING, TO_LANDING)),
    "accounts:logout": post(_row(TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME)),
    # After logging in: each person to the pages of what they do there
    "landing": get(
        _row(
            LOGIN,
            ("redirect", "/expo/lobby/"),
            ("redirect", "/exhibitor/"),
            ("redirect", "/exhibitor/"),
            ("redirect", "/organiser/"),
            ("redirect", "/organiser/"),
        )
    ),
    "accounts:accept_team_invitation": get(PUBLIC),
    # The walk's token is no organiser invitation: the page says so, to anyone.
    "accounts:accept_organiser_invitation": get(PUBLIC),
    # Only superusers invite organisers (none of the walk's roles is one).
    "accounts:invite_organiser": get(_row(LOGIN, 403, 403, 403, 403, 403)),
    "staff_invitations:accept": get(PUBLIC),
    "set_language": post(
        _row(DONE, DONE, DONE, DONE, DONE, DONE), {"language": "ko"}, changed=_language_cookie_ko
    ),
    # Public pages of a published event
    "public:home": get(PUBLIC),
    "public:event": get(PUBLIC),
    "public:schedule": get(PUBLIC),
    "public:theme": get(PUBLIC),
    "visit:hall": get(PUBLIC),
    "visit:booth": get(PUBLIC),
    "visit:document": get(PUBLIC),  # a booth's document read page by page: as public as the booth
    # Sharing contact details at a booth: the attendee only
    "visit:share_contact": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404),
        {"fields_to_share": ["name"]},
        changed=_lead_of_visitor_exists,
    ),
    "visit:withdraw_contact": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404),
        setup=_visitor_lead,
        changed=lambda world, response: not _lead_of_visitor_exists(world, response),
    ),
    # A player's report of a video play or document view: an empty report is refused by anyone
    "visit:asset_event": post(_row(400, 400, 400, 400, 400, 400)),
    # The visitor's tour: looking is public; bookmarks belong to the attendee
    "visit:search": get(PUBLIC),
    "visit:agenda": get(PUBLIC),
    "visit:session": get(PUBLIC),  # a session's page: as public as the agenda; chat needs the live event
    "visit:session_calendar": get(PUBLIC),
    # Q&A on the session page without JavaScript: POST only. Only confirmed attendees ask (staff and
    # the team are told so, 400); the team votes too; moderating is the team's here (the session is
    # at no booth, so no exhibitor staff moderate it).
    "questions:ask": post(
        _row(TO_SIGNIN, DONE, 400, 400, 400, 400), {"text": "And the slides?"}, changed=_visitor_asked
    ),
    "questions:vote": post(_row(TO_SIGNIN, DONE, 400, 400, DONE, DONE), changed=_voted_for_question),
    "questions:moderate": post(
        _row(TO_SIGNIN, 403, 403, 403, DONE, DONE),
        {"action": "pin"},
        changed=_field_is("events.SessionQuestion", "session_question", "pinned", True),
    ),
    "questions:approval": post(
        _row(TO_SIGNIN, 403, 403, 403, DONE, DONE), {"needs_approval": "off"}, changed=_approval_turned_off
    ),
    # Polls on the session page without JavaScript: POST only. Only confirmed attendees vote (staff
    # and the team are told so, 400); the session's moderators (here the team) write and close polls.
    "polls:vote": post(
        _row(TO_SIGNIN, DONE, 400, 400, 400, 400),
        _POLL_VOTE,
        setup=_poll_answer_chosen,
        changed=_voted_in_poll,
    ),
    "polls:create": post(
        _row(TO_SIGNIN, 403, 403, 403, DONE, DONE),
        {"question": "Best talk?", "option": ["Keynote", "Panel"], "action": "open"},
        changed=_poll_created,
    ),
    "polls:state": post(
        _row(TO_SIGNIN, 403, 403, 403, DONE, DONE),
        {"action": "close"},
        changed=_field_is("events.SessionPoll", "poll", "state", "closed"),
    ),
    "visit:calendar_feed": get(_row(404, 404, 404, 404, 404, 404)),  # an unknown token
    "visit:bookmarks": get(_row(TO_SIGNIN, 200, 200, 200, 200, 200)),
    "visit:bookmark_booth": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404), {"action": "add"}, changed=_bookmarked("booth", "booth")
    ),
    "visit:bookmark_session": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404),
        {"action": "add"},
        changed=_bookmarked("session", "session"),
    ),
    "visit:calendar_feed_renew": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404), changed=_has_calendar_feed),
    # Registration, visitor side
    "attendee:register": get(PUBLIC),
    # POST only, and only for one's own unconfirmed registration:
    # tests/events/views/test_registration_takeover.py
    "attendee:confirm_registration": get(_row(405, 405, 405, 405, 405, 405)),
    "attendee:join": get(PUBLIC),
    "attendee:signin": get(PUBLIC),
    "attendee:recover": get(PUBLIC),
    "attendee:new_link": get(PUBLIC),
    "attendee:link_sent": get(PUBLIC),
    "attendee:signin_link": get(_row(404, 404, 404, 404, 404, 404)),  # an unknown token
    "attendee:lobby": get(_row(TO_SIGNIN, 200, 200, 200, 200, 200)),
    # Privacy, attendee side
    "privacy:my_data": get(ATTENDEE),
    "privacy:download": get(ATTENDEE),
    "privacy:visibility": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404),
        {"visible_to_others": "on"},
        changed=_field_is("events.Attendee", "visitor_attendee", "visible_to_others", True),
    ),
    # Recovery codes are for institution members; the world's visitor registered on their own and
    # is sent back to "My data" with the reason (tests/events/views/test_member_recovery.py).
    "privacy:recovery_code": post(
        _row(TO_SIGNIN, ("redirect", "/expo/me/"), 404, 404, 404, 404),
        changed=_visitor_has_recovery_code,
    ),
    "privacy:delete": get(ATTENDEE),
    "privacy:deleted": get(PUBLIC),
    # Organiser: the event, its team and schedule
    "organiser:home": get(LOGGED_IN),
    # ORGANISER_SIGNUP=invitation (the default): owners of an event (and invited organisers).
    "organiser:event_create": get(_row(LOGIN, 403, 403, 403, 403, 200)),
    "organiser:dashboard": get(TEAM),
    "organiser:dashboard_chart_json": get(TEAM),
    "organiser:dashboard_chart_csv": get(TEAM),
    "organiser:live": get(TEAM),
    "organiser:moderation": get(TEAM),
    "organiser:sanction_lift": post(
        TEAM_CHANGE, changed=_field_set("events.ChatSanction", "sanction", "lifted_at")
    ),
    "organiser:event_edit": get(TEAM),
    "organiser:event_status": post(
        TEAM_CHANGE, {"status": "closed"}, changed=_field_is("events.Event", "event", "status", "closed")
    ),
    "organiser:event_delete": get(_row(LOGIN, 404, 404, 404, 403, 200)),
    # The API's pages: the team reads tokens and webhooks, owners change them (docs/api.md).
    "organiser:api_tokens": get(TEAM),
    "organiser:api_token_revoke": post(
        OWNER_CHANGE, changed=_field_set("events.ApiToken", "event_token", "revoked_at")
    ),
    "organiser:webhooks": get(TEAM),
    "organiser:webhook_delete": post(OWNER_CHANGE, changed=_gone("events.Webhook", "event_webhook")),
    "organiser:team": get(TEAM),
    "organiser:team_remove": post(OWNER_CHANGE, changed=_gone("events.EventTeamMember", "member")),
    "organiser:team_invitation_withdraw": post(
        OWNER_CHANGE, changed=_gone("events.TeamInvitation", "invitation")
    ),
    "organiser:schedule": get(TEAM),
    "organiser:session_create": get(TEAM),
    "organiser:session_edit": get(TEAM),
    "organiser:session_delete": post(TEAM_CHANGE, changed=_gone("events.Session", "session")),
    # Organiser: the floor
    "floor:halls": get(TEAM),
    "floor:hall_create": get(TEAM),
    "floor:hall_edit": get(TEAM),
    "floor:hall_move": post(
        TEAM_CHANGE, {"direction": "up"}, changed=_first_of("exhibits.Hall", "empty_hall", event_id="event")
    ),
    "floor:hall_delete": post(TEAM_CHANGE, changed=_gone("exhibits.Hall", "empty_hall")),
    "floor:exhibitors": get(TEAM),
    "floor:exhibitor_create": get(TEAM),
    "floor:exhibitor_detail": get(TEAM),
    "floor:exhibitor_edit": get(TEAM),
    "floor:exhibitor_delete": get(TEAM),
    "floor:staff_remove": post(TEAM_CHANGE, changed=_gone("exhibits.ExhibitorStaff", "extra_staff")),
    "floor:booths": get(TEAM),
    "floor:booth_create": get(TEAM),
    "floor:import": get(TEAM),
    "floor:import_template": get(TEAM),
    "floor:booth_edit": get(TEAM),
    "floor:booth_delete": post(TEAM_CHANGE, changed=_gone("exhibits.Booth", "booth")),
    # Exhibitor staff
    "exhibitor:home": get(LOGGED_IN),
    "exhibitor:exhibitor_edit": get(STAFF_OF_A),
    # The booth editor: staff of exhibitor A (which owns booth A-1) and the event team
    "exhibitor:booth_editor": get(STAFF_OF_A),
    "exhibitor:booth_text_preview": post(STAFF_OF_A, {"text": "**x**"}),  # renders, saves nothing
    "exhibitor:booth_links": get(STAFF_OF_A),
    "exhibitor:booth_link_move": post(
        _row(LOGIN, 404, DONE, 404, DONE, DONE),
        {"direction": "up"},
        changed=_first_of("exhibits.BoothLink", "link", booth_id="booth"),
    ),
    "exhibitor:booth_link_edit": get(STAFF_OF_A),
    "exhibitor:booth_link_delete": post(
        _row(LOGIN, 404, DONE, 404, DONE, DONE), changed=_gone("exhibits.BoothLink", "link")
    ),
    "exhibitor:booth_media": get(STAFF_OF_A),
    "exhibitor:booth_media_progress": get(STAFF_OF_A),
    "exhibitor:booth_asset_move": post(
        _row(LOGIN, 404, DONE, 404, DONE, DONE),
        {"direction": "up"},
        changed=_first_of("exhibits.BoothAsset", "asset", booth_id="booth"),
    ),
    "exhibitor:booth_asset_retry": post(
        _row(LOGIN, 404, DONE, 404, DONE, DONE), setup=_failed_asset, changed=_asset_queued_again
    ),
    "exhibitor:booth_asset_edit": get(STAFF_OF_A),
    "exhibitor:booth_asset_delete": get(STAFF_OF_A),
    # Leads are exhibitor A's alone (visitors shared them with A, not with the organisers:
    # docs/leads.md); the team is told why (403). Every download is in the audit log.
    "exhibitor:leads": get(LEADS_OF_A),
    # Tokens for the exhibitor's leads and lead webhooks: its staff only, like the leads.
    "exhibitor:api_tokens": get(LEADS_OF_A),
    "exhibitor:api_token_revoke": post(
        _row(LOGIN, 404, DONE, 404, 403, 403),
        changed=_field_set("events.ApiToken", "staff_token", "revoked_at"),
    ),
    "exhibitor:webhooks": get(LEADS_OF_A),
    "exhibitor:webhook_delete": post(
        _row(LOGIN, 404, DONE, 404, 403, 403), changed=_gone("events.Webhook", "staff_webhook")
    ),
    "exhibitor:leads_export": get(LEADS_OF_A, changed=_leads_export_audited),
    "exhibitor:lead_edit": get(LEADS_OF_A),
    # Booth analytics (counts that identify nobody): staff of exhibitor A and the event team
    "exhibitor:booth_analytics": get(STAFF_OF_A),
    # Meetings by appointment: the agenda and publishing are the exhibitor's own staff's (the
    # team is told why); a meeting is its two sides' only (others: 404); counts for the team.
    "exhibitor:meetings": get(LEADS_OF_A),
    "exhibitor:meetings_publish": post(_row(LOGIN, 404, 400, 404, 403, 403)),  # nothing sent: refused
    "exhibitor:meetings_invite": post(_row(LOGIN, 404, 400, 404, 403, 403)),  # nobody chosen: refused
    "exhibitor:meeting_slot_withdraw": post(
        _row(LOGIN, 404, DONE, 404, 403, 403),
        changed=_field_set("exhibits.MeetingSlot", "free_slot", "withdrawn_at"),
    ),
    # The staff member's own calendar feed: an unknown token answers nobody; renewing is one's own.
    "exhibitor:meetings_calendar_feed": get(_row(404, 404, 404, 404, 404, 404)),
    "exhibitor:meetings_calendar_renew": post(
        _row(LOGIN, 404, DONE, 404, 403, 403), changed=_has_staff_calendar_feed
    ),
    "visit:book_meeting": get(ATTENDEE),
    "visit:meetings": get(_row(TO_SIGNIN, 200, 200, 200, 200, 200)),
    "visit:meeting_confirm": post(_row(LOGIN, DONE, DONE, 404, 404, 404)),
    "visit:meeting_cancel": post(_row(LOGIN, DONE, DONE, 404, 404, 404), changed=_meeting_cancelled),
    "visit:meeting_move": get(_row(LOGIN, 200, 200, 404, 404, 404)),
    "rtc_meetings:join": post(_row(LOGIN, DONE, DONE, 404, 404, 404), changed=_meeting_joined),
    # Meetings between two visitors: the visitor was asked by someone open to meetings; the
    # visitor is not open to meetings themselves, so asking is refused with how to become so.
    "visit:people": get(_row(TO_SIGNIN, 200, 200, 200, 200, 200)),
    "visit:ask_meeting": get(_row(TO_SIGNIN, 403, 403, 403, 403, 403)),
    "visit:visitor_meeting_accept": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404), changed=_visitor_meeting_is("confirmed")
    ),
    "visit:visitor_meeting_decline": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404), changed=_visitor_meeting_is("cancelled")
    ),
    "visit:visitor_meeting_cancel": post(
        _row(TO_SIGNIN, DONE, 404, 404, 404, 404), changed=_visitor_meeting_is("cancelled")
    ),
    "visit:visitor_meeting_move": get(_row(TO_SIGNIN, 200, 404, 404, 404, 404)),
    "rtc_meetings:join_visitor": post(_row(LOGIN, DONE, 404, 404, 404, 404), changed=_visitor_meeting_joined),
    "rtc_meetings:room": get(_row(TO_SIGNIN, 200, 404, 404, 404, 404)),
    # Recording a session's stage or a booth's room: the team sees the pages, only the event's
    # organisers (owners) start and stop; the booth's own staff do not see them.
    "recordings:session": get(TEAM),
    "recordings:booth": get(TEAM),
    "recordings:session_start": post(OWNER_CHANGE, changed=_recording_of("session", "recording")),
    "recordings:booth_start": post(OWNER_CHANGE, changed=_recording_of("booth", "recording")),
    "recordings:session_stop": post(
        OWNER_CHANGE, setup=_recording_running("session"), changed=_recording_of("session", "processing")
    ),
    "recordings:booth_stop": post(
        OWNER_CHANGE, setup=_recording_running("booth"), changed=_recording_of("booth", "processing")
    ),
    "floor:meeting_counts": get(TEAM),
    "exhibitor:booth_chart_json": get(STAFF_OF_A),
    "exhibitor:booth_chart_csv": get(STAFF_OF_A),
    # Organiser: registration
    "registration_admin:settings": get(TEAM),
    "registration_admin:questions": get(TEAM),
    "registration_admin:question_create": get(TEAM),
    "registration_admin:question_edit": get(TEAM, pk="question"),
    # Nobody answered it, so archiving deletes it: either way it is off the form
    "registration_admin:question_archive": post(
        TEAM_CHANGE, pk="question", changed=lambda world, response: not _question_active(world, response)
    ),
    "registration_admin:question_restore": post(
        TEAM_CHANGE, pk="question", setup=_archive_question, changed=_question_active
    ),
    "registration_admin:question_move": post(
        TEAM_CHANGE,
        {"direction": "up"},
        pk="question",
        changed=_first_of("events.Question", "question", event_id="event"),
    ),
    "registration_admin:preview": get(TEAM),
    "registration_admin:institutions": get(TEAM),
    "registration_admin:institution_edit": get(TEAM, pk="institution"),
    "registration_admin:institution_revoke": post(TEAM_CHANGE, pk="institution", changed=_code_revoked),
    "registration_admin:institution_new_code": post(TEAM, pk="institution"),
    "registration_admin:seat_revoke": post(
        TEAM_CHANGE, _SEAT, pk="institution", setup=_member_of_institution, changed=_seat_freed
    ),
    "registration_admin:institutions_new_codes": post(TEAM),
    "registration_admin:institutions_codes_csv": post(TEAM),
    "registration_admin:attendees": get(TEAM),
    "registration_admin:attendee": get(TEAM, pk="attendee"),
    # Approving or rejecting is for a registration awaiting approval; cancelling for a confirmed one
    "registration_admin:attendee_approve": post(
        TEAM_CHANGE, pk="pending", changed=_field_is("events.Attendee", "pending", "status", "confirmed")
    ),
    "registration_admin:attendee_reject": post(
        TEAM_CHANGE, pk="pending", changed=_field_is("events.Attendee", "pending", "status", "rejected")
    ),
    "registration_admin:attendee_cancel": post(
        TEAM_CHANGE, pk="attendee", changed=_field_is("events.Attendee", "attendee", "status", "cancelled")
    ),
    # Organiser: personal data
    "privacy_admin:exports": get(TEAM),
    "privacy_admin:export_create": post(TEAM_CHANGE, changed=_export_queued),
    "privacy_admin:export": get(TEAM),
    "privacy_admin:export_progress": get(TEAM),
    # A finished export with its file: the download itself, written to the audit log
    "privacy_admin:export_download": get(TEAM, changed=_download_audited),
    "privacy_admin:audit": get(TEAM),
    "privacy_admin:shred": get(TEAM),
    # Operations: liveness for the proxy and the process manager, the same for everyone
    "healthz": get(PUBLIC),
}

NOT_WALKED = {
    "stage:speakers": "a session's stage speakers; organisers, the booth's staff, other staff, visitors and "
    "strangers in tests/events/views/test_stage_views.py",
    "stage:speaker_remove": "a speaker, addressed by its id (none in the world); every role in "
    "tests/events/views/test_stage_views.py",
    "stage:speaker_resend": "an invited speaker, addressed by its id (none in the world); organisers, the "
    "booth's staff, other staff, visitors and strangers in tests/events/views/test_stage_invitation_mail.py",
    "stage:accept": "a speaker's invitation link, by its token; tests/events/views/test_stage_views.py",
    "stage:hand": "raising a hand on a session's stage; tests/events/views/test_stage_views.py",
    "floor:stage_documents": "a session's stage documents, by the session's id; the "
    "owner, exhibitor staff, visitors and strangers in tests/exhibits/views/test_stage_documents.py",
    "floor:stage_document_remove": "a session's stage document, by its id; every role in "
    "tests/exhibits/views/test_stage_documents.py",
    "floor:stage_document_progress": "a session's stage documents' processing, by the session's id; "
    "the owner, another event's organiser, exhibitor staff, visitors and strangers in "
    "tests/exhibits/views/test_stage_documents.py",
    "floor:stage_document_retry": "a session's stage document, by its id; the owner, exhibitor staff and "
    "visitors in tests/exhibits/views/test_stage_documents.py",
    "stage:bring_on": "a raised hand, addressed by its id (none in the world); moderators and the refused in "
    "tests/events/views/test_stage_views.py",
    "stage:take_off": "a raised hand, addressed by its id (none in the world); moderators and the refused in "
    "tests/events/views/test_stage_views.py",
    "media": "serves uploaded public files by path; covered by the public page tests",
    "rtc_meetings:conferences": "the organiser's conferences (none in the world); every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_create": "creating a conference; every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_edit": "a conference, addressed by its id (none in the world); every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_invite_exhibitors": "inviting to a conference; every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_invite_person": "inviting to a conference; every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_uninvite": "taking an invitation back; every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_delete": "deleting a conference; every role in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:my_conferences": "a person's conferences; seats, the team and the uninvited in "
    "tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference": "a conference's page, addressed by its id; seats, the chair and the "
    "uninvited in tests/media_rtc/test_conference_pages.py",
    "rtc_meetings:conference_thumbnail": "a site's thumbnail from the cache; seats and the uninvited in "
    "tests/media_rtc/test_conference_pages.py",
    "recordings:progress": "a replay's progress, addressed by the recording's id (none in the world); "
    "roles, states and other events in tests/media_rtc/test_recording_pages.py",
    "recordings:file": "a replay's files, addressed by the recording's id and variant; roles, ranges, "
    "states, booth rooms and other events in tests/media_rtc/test_recording_pages.py",
    "visit:plan_logo": "an exhibitor's logo thumbnail, as public as the hall plan, addressed by the "
    "logo's version; tests/exhibits/views/test_tour_hall_plan.py (drafts, other events, old versions)",
    "readyz": "200 or 503 by the state of the database, Redis and workers, never by role; "
    "tests/rakwon_site/test_health.py",
    "organiser:webhook_enable": "succeeds only for a host in WEBHOOK_ALLOWED_HOSTS (empty here); roles "
    "and both outcomes in tests/events/api/test_pages.py",
    "exhibitor:webhook_enable": "succeeds only for a host in WEBHOOK_ALLOWED_HOSTS (empty here); roles "
    "and both outcomes in tests/events/api/test_pages.py",
    # The API answers tokens, never a session's role: its own matrix walks every endpoint × scope.
    **{
        name: "API: by token scope, not by role; tests/events/api/test_permission_matrix.py"
        for name in [
            "api:add_exhibitor",
            "api:add_hall",
            "api:api-root",
            "api:change_event",
            "api:create_session",
            "api:decide_registration",
            "api:list_booths",
            "api:list_exhibitors",
            "api:list_halls",
            "api:list_leads",
            "api:list_registrations",
            "api:list_sessions",
            "api:openapi-json",
            "api:openapi-view",
            "api:read_booth",
            "api:read_event",
            "api:read_exhibitor",
            "api:read_hall",
            "api:read_lead",
            "api:read_registration",
            "api:read_session",
        ]
    },
}
