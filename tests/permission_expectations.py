"""What each role gets from each URL: the table behind tests/test_permission_matrix.py.

Every named URL must appear here (or in NOT_WALKED with the reason), so a new view without a
rule fails the suite. Values: a status code; LOGIN (302 to the log-in page); DONE (302 elsewhere:
a permitted change went through); or ("redirect", path) for a 302 to that exact path.
"""

ROLES = ["anonymous", "visitor", "staff_a", "staff_b", "moderator", "owner"]
LOGIN = "login"
DONE = "done"
TO_SIGNIN = ("redirect", "/expo/signin/")


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


def get(row: dict, **extra) -> dict:
    return {**row, **extra}


def post(row: dict, data: dict | None = None, **extra) -> dict:
    return {**row, "method": "post", "data": data or {}, **extra}


EXPECTED: dict[str, dict] = {
    # Accounts
    "accounts:signup": get(PUBLIC),
    "accounts:login": get(_row(200, DONE, DONE, DONE, DONE, DONE)),
    "accounts:logout": post(_row(DONE, DONE, DONE, DONE, DONE, DONE)),
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
    "staff_invitations:accept": get(PUBLIC),
    "set_language": post(_row(DONE, DONE, DONE, DONE, DONE, DONE), {"language": "ko"}),
    # Public pages of a published event
    "public:home": get(PUBLIC),
    "public:event": get(PUBLIC),
    "public:schedule": get(PUBLIC),
    "public:theme": get(PUBLIC),
    "visit:hall": get(PUBLIC),
    "visit:booth": get(PUBLIC),
    "visit:document": get(PUBLIC),  # a booth's document read page by page: as public as the booth
    # Sharing contact details at a booth: the attendee only (nothing ticked: sent back with a message)
    "visit:share_contact": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404)),
    "visit:withdraw_contact": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404)),
    # A player's report of a video play or document view: an empty report is refused by anyone
    "visit:asset_event": post(_row(400, 400, 400, 400, 400, 400)),
    # The visitor's tour: looking is public; bookmarks belong to the attendee
    "visit:search": get(PUBLIC),
    "visit:agenda": get(PUBLIC),
    "visit:session": get(PUBLIC),  # a session's page: as public as the agenda; chat needs the live event
    "visit:session_calendar": get(PUBLIC),
    "visit:calendar_feed": get(_row(404, 404, 404, 404, 404, 404)),  # an unknown token
    "visit:bookmarks": get(_row(TO_SIGNIN, 200, 200, 200, 200, 200)),
    "visit:bookmark_booth": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404), {"action": "add"}),
    "visit:bookmark_session": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404), {"action": "add"}),
    "visit:calendar_feed_renew": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404)),
    # Registration, visitor side
    "attendee:register": get(PUBLIC),
    "attendee:join": get(PUBLIC),
    "attendee:signin": get(PUBLIC),
    "attendee:new_link": get(PUBLIC),
    "attendee:link_sent": get(PUBLIC),
    "attendee:signin_link": get(_row(404, 404, 404, 404, 404, 404)),  # an unknown token
    "attendee:lobby": get(_row(TO_SIGNIN, 200, 200, 200, 200, 200)),
    # Privacy, attendee side
    "privacy:my_data": get(ATTENDEE),
    "privacy:download": get(ATTENDEE),
    "privacy:visibility": post(_row(TO_SIGNIN, DONE, 404, 404, 404, 404), {"visible_to_others": "on"}),
    "privacy:delete": get(ATTENDEE),
    "privacy:deleted": get(PUBLIC),
    # Organiser: the event, its team and schedule
    "organiser:home": get(LOGGED_IN),
    "organiser:event_create": get(LOGGED_IN),
    "organiser:dashboard": get(TEAM),
    "organiser:live": get(TEAM),
    "organiser:moderation": get(TEAM),
    "organiser:sanction_lift": post(TEAM_CHANGE),
    "organiser:event_edit": get(TEAM),
    "organiser:event_status": post(TEAM_CHANGE, {"status": "closed"}),
    "organiser:event_delete": get(_row(LOGIN, 404, 404, 404, 403, 200)),
    "organiser:team": get(TEAM),
    "organiser:team_remove": post(OWNER_CHANGE),
    "organiser:team_invitation_withdraw": post(OWNER_CHANGE),
    "organiser:schedule": get(TEAM),
    "organiser:session_create": get(TEAM),
    "organiser:session_edit": get(TEAM),
    "organiser:session_delete": post(TEAM_CHANGE),
    # Organiser: the floor
    "floor:halls": get(TEAM),
    "floor:hall_create": get(TEAM),
    "floor:hall_edit": get(TEAM),
    "floor:hall_move": post(TEAM_CHANGE, {"direction": "up"}),
    "floor:hall_delete": post(TEAM_CHANGE),
    "floor:exhibitors": get(TEAM),
    "floor:exhibitor_create": get(TEAM),
    "floor:exhibitor_detail": get(TEAM),
    "floor:exhibitor_edit": get(TEAM),
    "floor:exhibitor_delete": get(TEAM),
    "floor:staff_remove": post(TEAM_CHANGE),
    "floor:booths": get(TEAM),
    "floor:booth_create": get(TEAM),
    "floor:booth_edit": get(TEAM),
    "floor:booth_delete": post(TEAM_CHANGE),
    # Exhibitor staff
    "exhibitor:home": get(LOGGED_IN),
    "exhibitor:exhibitor_edit": get(STAFF_OF_A),
    # The booth editor: staff of exhibitor A (which owns booth A-1) and the event team
    "exhibitor:booth_editor": get(STAFF_OF_A),
    "exhibitor:booth_links": get(STAFF_OF_A),
    "exhibitor:booth_link_move": post(_row(LOGIN, 404, DONE, 404, DONE, DONE), {"direction": "up"}),
    "exhibitor:booth_link_delete": post(_row(LOGIN, 404, DONE, 404, DONE, DONE)),
    "exhibitor:booth_media": get(STAFF_OF_A),
    "exhibitor:booth_media_progress": get(STAFF_OF_A),
    "exhibitor:booth_asset_move": post(_row(LOGIN, 404, DONE, 404, DONE, DONE), {"direction": "up"}),
    "exhibitor:booth_asset_retry": post(_row(LOGIN, 404, DONE, 404, DONE, DONE)),
    "exhibitor:booth_asset_delete": get(STAFF_OF_A),
    # Leads and booth analytics: staff of exhibitor A (which owns booth A-1) and the event team
    "exhibitor:leads": get(STAFF_OF_A),
    "exhibitor:leads_export": get(STAFF_OF_A),
    "exhibitor:lead_edit": get(STAFF_OF_A),
    "exhibitor:booth_analytics": get(STAFF_OF_A),
    # Organiser: registration
    "registration_admin:settings": get(TEAM),
    "registration_admin:questions": get(TEAM),
    "registration_admin:question_create": get(TEAM),
    "registration_admin:question_edit": get(TEAM, pk="question"),
    "registration_admin:question_archive": post(TEAM_CHANGE, pk="question"),
    "registration_admin:question_restore": post(TEAM_CHANGE, pk="question"),
    "registration_admin:question_move": post(TEAM_CHANGE, {"direction": "up"}, pk="question"),
    "registration_admin:preview": get(TEAM),
    "registration_admin:institutions": get(TEAM),
    "registration_admin:institution_edit": get(TEAM, pk="institution"),
    "registration_admin:institution_revoke": post(TEAM_CHANGE, pk="institution"),
    "registration_admin:institution_new_code": post(TEAM, pk="institution"),
    "registration_admin:institutions_new_codes": post(TEAM),
    "registration_admin:institutions_codes_csv": post(TEAM),
    "registration_admin:attendees": get(TEAM),
    "registration_admin:attendee": get(TEAM, pk="attendee"),
    "registration_admin:attendee_approve": post(TEAM_CHANGE, pk="attendee"),
    "registration_admin:attendee_reject": post(TEAM_CHANGE, pk="attendee"),
    "registration_admin:attendee_cancel": post(TEAM_CHANGE, pk="attendee"),
    # Organiser: personal data
    "privacy_admin:exports": get(TEAM),
    "privacy_admin:export_create": post(TEAM_CHANGE),
    "privacy_admin:export": get(TEAM),
    "privacy_admin:export_progress": get(TEAM),
    "privacy_admin:export_download": get(TEAM_CHANGE),  # the job is not finished: back to its page
    "privacy_admin:audit": get(TEAM),
    "privacy_admin:shred": get(TEAM),
    # Operations: liveness for the proxy and the process manager, the same for everyone
    "healthz": get(PUBLIC),
}

NOT_WALKED = {
    "media": "serves uploaded public files by path; covered by the public page tests",
    "readyz": "200 or 503 by the state of the database, Redis and workers, never by role; "
    "tests/rakwon_site/test_health.py",
}
