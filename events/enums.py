"""Choices used by the events app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class TeamRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")


# --- Registration ---------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("One choice from a list")
    MULTIPLE_CHOICE = "multiple_choice", _("Several choices from a list")
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("Date")
    COUNTRY = "country", _("Country")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class AttendeeKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    INSTITUTION_MEMBER = "member", _("Institution member")


class AttendeeStatus(models.TextChoices):
    # Registered on the form, not yet confirmed by the mailed link (or, for an account that logs
    # in with a password, by its owner after logging in): nobody attaches to an account unasked.
    UNCONFIRMED = "unconfirmed", _("Awaiting confirmation")
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold a place: they count against capacity and institution seats.
PLACE_HOLDING_STATUSES = (AttendeeStatus.UNCONFIRMED, AttendeeStatus.PENDING, AttendeeStatus.CONFIRMED)


class RegistrationMail(models.TextChoices):
    """Why a registration mail is sent; the first four carry a fresh sign-in link."""

    WELCOME = "welcome", _("Registration confirmed")
    AWAITING_APPROVAL = "awaiting_approval", _("Registration received, awaiting approval")
    NEW_LINK = "new_link", _("New sign-in link")
    APPROVED = "approved", _("Registration approved")
    REJECTED = "rejected", _("Registration rejected")
    CANCELLED = "cancelled", _("Registration cancelled")
    # Registering an address again: says so, and issues no link (the owner's link keeps working).
    ALREADY_REGISTERED = "already_registered", _("Already registered")


MAILS_WITH_LINK = frozenset(
    {
        RegistrationMail.WELCOME,
        RegistrationMail.AWAITING_APPROVAL,
        RegistrationMail.NEW_LINK,
        RegistrationMail.APPROVED,
    }
)


class AttemptScope(models.TextChoices):
    """What a counted attempt was, for rate limits and lock-outs (see services.signin)."""

    SIGNIN_MAIL_ADDRESS = "mail_address", _("Sign-in mail to one address")
    SIGNIN_MAIL_IP = "mail_ip", _("Sign-in mail from one network address")
    SIGNIN_CODE_ADDRESS = "code_address", _("Wrong sign-in code for one address")
    SIGNIN_CODE_IP = "code_ip", _("Wrong sign-in code from one network address")
    ACCESS_CODE_IP = "access_ip", _("Wrong access code from one network address")
    ACCESS_CODE_EVENT = "access_event", _("Wrong access code for one event")
    ACCESS_CODE_PREFIX = "access_prefix", _("Wrong access code starting the same way")
    QUESTION_ASKED = "qa_question", _("Question asked in a session")
    POLL_VOTE = "poll_vote", _("Vote in a session's poll")


class Country(models.TextChoices):
    """ISO 3166-1 alpha-2 codes; stored as the code, shown by name in the visitor's language."""

    AF = "AF", _("Afghanistan")
    AL = "AL", _("Albania")
    DZ = "DZ", _("Algeria")
    AS = "AS", _("American Samoa")
    AD = "AD", _("Andorra")
    AO = "AO", _("Angola")
    AI = "AI", _("Anguilla")
    AQ = "AQ", _("Antarctica")
    AG = "AG", _("Antigua and Barbuda")
    AR = "AR", _("Argentina")
    AM = "AM", _("Armenia")
    AW = "AW", _("Aruba")
    AU = "AU", _("Australia")
    AT = "AT", _("Austria")
    AZ = "AZ", _("Azerbaijan")
    BS = "BS", _("Bahamas")
    BH = "BH", _("Bahrain")
    BD = "BD", _("Bangladesh")
    BB = "BB", _("Barbados")
    BY = "BY", _("Belarus")
    BE = "BE", _("Belgium")
    BZ = "BZ", _("Belize")
    BJ = "BJ", _("Benin")
    BM = "BM", _("Bermuda")
    BT = "BT", _("Bhutan")
    BO = "BO", _("Bolivia")
    BQ = "BQ", _("Bonaire, Sint Eustatius and Saba")
    BA = "BA", _("Bosnia and Herzegovina")
    BW = "BW", _("Botswana")
    BV = "BV", _("Bouvet Island")
    BR = "BR", _("Brazil")
    IO = "IO", _("British Indian Ocean Territory")
    BN = "BN", _("Brunei Darussalam")
    BG = "BG", _("Bulgaria")
    BF = "BF", _("Burkina Faso")
    BI = "BI", _("Burundi")
    CV = "CV", _("Cabo Verde")
    KH = "KH", _("Cambodia")
    CM = "CM", _("Cameroon")
    CA = "CA", _("Canada")
    KY = "KY", _("Cayman Islands")
    CF = "CF", _("Central African Republic")
    TD = "TD", _("Chad")
    CL = "CL", _("Chile")
    CN = "CN", _("China")
    CX = "CX", _("Christmas Island")
    CC = "CC", _("Cocos (Keeling) Islands")
    CO = "CO", _("Colombia")
    KM = "KM", _("Comoros")
    CG = "CG", _("Congo")
    CD = "CD", _("Congo, The Democratic Republic of the")
    CK = "CK", _("Cook Islands")
    CR = "CR", _("Costa Rica")
    HR = "HR", _("Croatia")
    CU = "CU", _("Cuba")
    CW = "CW", _("Curaçao")
    CY = "CY", _("Cyprus")
    CZ = "CZ", _("Czechia")
    CI = "CI", _("Côte d'Ivoire")
    DK = "DK", _("Denmark")
    DJ = "DJ", _("Djibouti")
    DM = "DM", _("Dominica")
    DO = "DO", _("Dominican Republic")
    EC = "EC", _("Ecuador")
    EG = "EG", _("Egypt")
    SV = "SV", _("El Salvador")
    GQ = "GQ", _("Equatorial Guinea")
    ER = "ER", _("Eritrea")
    EE = "EE", _("Estonia")
    SZ = "SZ", _("Eswatini")
    ET = "ET", _("Ethiopia")
    FK = "FK", _("Falkland Islands (Malvinas)")
    FO = "FO", _("Faroe Islands")
    FJ = "FJ", _("Fiji")
    FI = "FI", _("Finland")
    FR = "FR", _("France")
    GF = "GF", _("French Guiana")
    PF = "PF", _("French Polynesia")
    TF = "TF", _("French Southern Territories")
    GA = "GA", _("Gabon")
    GM = "GM", _("Gambia")
    GE = "GE", _("Georgia")
    DE = "DE", _("Germany")
    GH = "GH", _("Ghana")
    GI = "GI", _("Gibraltar")
    GR = "GR", _("Greece")
    GL = "GL", _("Greenland")
    GD = "GD", _("Grenada")
    GP = "GP", _("Guadeloupe")
    GU = "GU", _("Guam")
    GT = "GT", _("Guatemala")
    GG = "GG", _("Guernsey")
    GN = "GN", _("Guinea")
    GW = "GW", _("Guinea-Bissau")
    GY = "GY", _("Guyana")
    HT = "HT", _("Haiti")
    HM = "HM", _("Heard Island and McDonald Islands")
    VA = "VA", _("Holy See (Vatican City State)")
    HN = "HN", _("Honduras")
    HK = "HK", _("Hong Kong")
    HU = "HU", _("Hungary")
    IS = "IS", _("Iceland")
    IN = "IN", _("India")
    ID = "ID", _("Indonesia")
    IR = "IR", _("Iran")
    IQ = "IQ", _("Iraq")
    IE = "IE", _("Ireland")
    IM = "IM", _("Isle of Man")
    IL = "IL", _("Israel")
    IT = "IT", _("Italy")
    JM = "JM", _("Jamaica")
    JP = "JP", _("Japan")
    JE = "JE", _("Jersey")
    JO = "JO", _("Jordan")
    KZ = "KZ", _("Kazakhstan")
    KE = "KE", _("Kenya")
    KI = "KI", _("Kiribati")
    KW = "KW", _("Kuwait")
    KG = "KG", _("Kyrgyzstan")
    LA = "LA", _("Laos")
    LV = "LV", _("Latvia")
    LB = "LB", _("Lebanon")
    LS = "LS", _("Lesotho")
    LR = "LR", _("Liberia")
    LY = "LY", _("Libya")
    LI = "LI", _("Liechtenstein")
    LT = "LT", _("Lithuania")
    LU = "LU", _("Luxembourg")
    MO = "MO", _("Macao")
    MG = "MG", _("Madagascar")
    MW = "MW", _("Malawi")
    MY = "MY", _("Malaysia")
    MV = "MV", _("Maldives")
    ML = "ML", _("Mali")
    MT = "MT", _("Malta")
    MH = "MH", _("Marshall Islands")
    MQ = "MQ", _("Martinique")
    MR = "MR", _("Mauritania")
    MU = "MU", _("Mauritius")
    YT = "YT", _("Mayotte")
    MX = "MX", _("Mexico")
    FM = "FM", _("Micronesia, Federated States of")
    MD = "MD", _("Moldova")
    MC = "MC", _("Monaco")
    MN = "MN", _("Mongolia")
    ME = "ME", _("Montenegro")
    MS = "MS", _("Montserrat")
    MA = "MA", _("Morocco")
    MZ = "MZ", _("Mozambique")
    MM = "MM", _("Myanmar")
    NA = "NA", _("Namibia")
    NR = "NR", _("Nauru")
    NP = "NP", _("Nepal")
    NL = "NL", _("Netherlands")
    NC = "NC", _("New Caledonia")
    NZ = "NZ", _("New Zealand")
    NI = "NI", _("Nicaragua")
    NE = "NE", _("Niger")
    NG = "NG", _("Nigeria")
    NU = "NU", _("Niue")
    NF = "NF", _("Norfolk Island")
    KP = "KP", _("North Korea")
    MK = "MK", _("North Macedonia")
    MP = "MP", _("Northern Mariana Islands")
    NO = "NO", _("Norway")
    OM = "OM", _("Oman")
    PK = "PK", _("Pakistan")
    PW = "PW", _("Palau")
    PS = "PS", _("Palestine, State of")
    PA = "PA", _("Panama")
    PG = "PG", _("Papua New Guinea")
    PY = "PY", _("Paraguay")
    PE = "PE", _("Peru")
    PH = "PH", _("Philippines")
    PN = "PN", _("Pitcairn")
    PL = "PL", _("Poland")
    PT = "PT", _("Portugal")
    PR = "PR", _("Puerto Rico")
    QA = "QA", _("Qatar")
    RO = "RO", _("Romania")
    RU = "RU", _("Russian Federation")
    RW = "RW", _("Rwanda")
    RE = "RE", _("Réunion")
    BL = "BL", _("Saint Barthélemy")
    SH = "SH", _("Saint Helena, Ascension and Tristan da Cunha")
    KN = "KN", _("Saint Kitts and Nevis")
    LC = "LC", _("Saint Lucia")
    MF = "MF", _("Saint Martin (French part)")
    PM = "PM", _("Saint Pierre and Miquelon")
    VC = "VC", _("Saint Vincent and the Grenadines")
    WS = "WS", _("Samoa")
    SM = "SM", _("San Marino")
    ST = "ST", _("Sao Tome and Principe")
    SA = "SA", _("Saudi Arabia")
    SN = "SN", _("Senegal")
    RS = "RS", _("Serbia")
    SC = "SC", _("Seychelles")
    SL = "SL", _("Sierra Leone")
    SG = "SG", _("Singapore")
    SX = "SX", _("Sint Maarten (Dutch part)")
    SK = "SK", _("Slovakia")
    SI = "SI", _("Slovenia")
    SB = "SB", _("Solomon Islands")
    SO = "SO", _("Somalia")
    ZA = "ZA", _("South Africa")
    GS = "GS", _("South Georgia and the South Sandwich Islands")
    KR = "KR", _("South Korea")
    SS = "SS", _("South Sudan")
    ES = "ES", _("Spain")
    LK = "LK", _("Sri Lanka")
    SD = "SD", _("Sudan")
    SR = "SR", _("Suriname")
    SJ = "SJ", _("Svalbard and Jan Mayen")
    SE = "SE", _("Sweden")
    CH = "CH", _("Switzerland")
    SY = "SY", _("Syria")
    TW = "TW", _("Taiwan")
    TJ = "TJ", _("Tajikistan")
    TZ = "TZ", _("Tanzania")
    TH = "TH", _("Thailand")
    TL = "TL", _("Timor-Leste")
    TG = "TG", _("Togo")
    TK = "TK", _("Tokelau")
    TO = "TO", _("Tonga")
    TT = "TT", _("Trinidad and Tobago")
    TN = "TN", _("Tunisia")
    TM = "TM", _("Turkmenistan")
    TC = "TC", _("Turks and Caicos Islands")
    TV = "TV", _("Tuvalu")
    TR = "TR", _("Türkiye")
    UG = "UG", _("Uganda")
    UA = "UA", _("Ukraine")
    AE = "AE", _("United Arab Emirates")
    GB = "GB", _("United Kingdom")
    US = "US", _("United States")
    UM = "UM", _("United States Minor Outlying Islands")
    UY = "UY", _("Uruguay")
    UZ = "UZ", _("Uzbekistan")
    VU = "VU", _("Vanuatu")
    VE = "VE", _("Venezuela")
    VN = "VN", _("Vietnam")
    VG = "VG", _("Virgin Islands, British")
    VI = "VI", _("Virgin Islands, U.S.")
    WF = "WF", _("Wallis and Futuna")
    EH = "EH", _("Western Sahara")
    YE = "YE", _("Yemen")
    ZM = "ZM", _("Zambia")
    ZW = "ZW", _("Zimbabwe")
    AX = "AX", _("Åland Islands")


# --- Privacy: what the audit log records, and export jobs -----------------------------


class AuditAction(models.TextChoices):
    ATTENDEES_EXPORTED = "attendees_exported", _("Attendee list exported")
    ARCHIVE_EXPORTED = "archive_exported", _("Archive written before deleting personal data")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export file downloaded")
    OWN_DATA_DOWNLOADED = "own_data_downloaded", _("Attendee downloaded their own data")
    REGISTRATION_DELETED = "registration_deleted", _("Attendee deleted their registration")
    EVENT_SHREDDED = "event_shredded", _("Personal data of the event deleted")
    CHAT_MESSAGE_DELETED = "chat_message_deleted", _("Chat message deleted")
    ATTENDEE_MUTED = "attendee_muted", _("Attendee muted in chat")
    ATTENDEE_BANNED = "attendee_banned", _("Attendee banned from the live event")
    SANCTION_LIFTED = "sanction_lifted", _("Chat mute or ban lifted")
    ACCESS_CODES_EXPORTED = "access_codes_exported", _("Access codes of institutions downloaded")
    SEAT_REVOKED = "seat_revoked", _("Institution member's seat revoked")
    API_PERSONAL_READ = "api_personal_read", _("Personal data read through the API")


class AuditActor(models.TextChoices):
    TEAM = "team", _("Event team")
    ATTENDEE = "attendee", _("The attendee themselves")
    RETENTION = "retention", _("Automatic retention")
    # Other apps' actors (events.registry.audit_actors) are not the event team: the log says which
    # side took the data.


class ExportKind(models.TextChoices):
    ATTENDEES_CSV = "attendees_csv", _("Attendee list (CSV)")
    SHRED_ARCHIVE = "shred_archive", _("Archive before deleting personal data (JSON)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("File deleted")


# --- Chat -----------------------------------------------------------------------------------


class ChatRole(models.TextChoices):
    """Who wrote a chat message, shown beside the name."""

    ATTENDEE = "attendee", _("Visitor")
    STAFF = "staff", _("Staff")  # shown as the registered role names itself (event_roles.chat_label)
    TEAM = "team", _("Organiser")


class SanctionKind(models.TextChoices):
    MUTE = "mute", _("Muted (may read, not write)")
    BAN = "ban", _("Banned (may not enter the live event)")
