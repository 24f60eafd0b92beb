"""What the demo expo contains: its halls, exhibitors, booths, sessions and accounts.

Plain data only (no database access), so it can be read, changed and reviewed on its own.
All names are invented; none refers to a real company.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EVENT_SLUG = "it-expo"
EVENT_NAME = "National Exhibition of IT Successes"
EVENT_DESCRIPTION = (
    "Twelve exhibitors from networks, software and research show what Korean information "
    "technology achieved this year. Tour the halls from any browser, meet the people at each "
    "booth and join the live sessions, even on a slow connection.\n\n"
    "This is the Rakwon demo expo: every name in it is invented."
)
EVENT_TIME_ZONE = "Asia/Seoul"
EVENT_LANGUAGES = ["en", "ko"]
EVENT_COLOUR = "#0b6e4f"
# The demo always lies a few days ahead, so its schedule looks like an upcoming expo.
DAYS_AHEAD = 3


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    display_name: str


ORGANISER = DemoAccount("Organiser", "organiser@demo.rakwon", "demo-organiser-2026", "Kim Min-jun")
STAFF = DemoAccount("Exhibitor staff", "staff@demo.rakwon", "demo-staff-2026", "Park Ji-woo")
VISITOR = DemoAccount("Visitor", "visitor@demo.rakwon", "demo-visitor-2026", "Lee Ha-eun")
VISITOR_RESIDENCE = "Daejeon"  # the demo visitor is registered for the expo with these answers
ADMIN = DemoAccount("Django admin", "admin@demo.rakwon", "demo-admin-2026", "Demo admin")
ACCOUNTS = [ORGANISER, STAFF, VISITOR, ADMIN]


@dataclass(frozen=True)
class DemoInstitution:
    name: str
    seats: int
    # Fixed so it can be printed and written in README.md; real codes are random and shown once.
    # Ten characters from the codes' alphabet (no 0/O, 1/I), in the shape the join page expects.
    access_code: str


INSTITUTION = DemoInstitution("Korea Institute of Science Education", 30, "KSEDU-DEMAX")


@dataclass(frozen=True)
class DemoHall:
    name: str
    description: str
    columns: int
    rows: int


@dataclass(frozen=True)
class DemoExhibitor:
    name: str
    description: str
    website: str
    colour: str
    hall: str
    booth: str
    tagline: str
    plan: tuple[int, int, int, int]  # the booth's column, row, width and depth in plan cells

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2]).upper()


@dataclass(frozen=True)
class DemoSession:
    day: int  # 0 or 1: which day of the expo
    starts: dt.time
    ends: dt.time
    title: str
    description: str
    speakers: str  # one "Name — Affiliation" a line, as the organiser's form takes them
    booth: str = ""  # a booth number, or empty for a session not held at a booth


NETWORKS = "Networks & Infrastructure"
SOFTWARE = "Software & Services"
RESEARCH = "Research & Education"

HALLS = [
    DemoHall(NETWORKS, "Backbones, campus networks, data centres and secure links.", 14, 8),
    DemoHall(SOFTWARE, "Cloud platforms, mobile apps, analytics and language technology.", 14, 8),
    DemoHall(RESEARCH, "Universities, institutes and schools show their newest work.", 12, 8),
]

# The topic visitors filter booths by, per hall (every booth of a hall gets its hall's topic).
HALL_TOPICS = {NETWORKS: "Networks", SOFTWARE: "Software", RESEARCH: "Research"}

EXHIBITORS = [
    DemoExhibitor(
        "Hanbit Networks",
        "Hanbit Networks builds campus and backbone switches for schools, hospitals and city "
        "halls. Its controller configures a whole building from one screen and keeps the network "
        "running when the uplink to the outside world is gone.",
        "https://hanbit-networks.example",
        "#1a5fb4",
        NETWORKS,
        "N-01",
        "Campus networks that keep running on their own",
        (1, 1, 4, 2),
    ),
    DemoExhibitor(
        "Baekdu Optical",
        "Baekdu Optical makes long-haul optical transport that links the mainland with its "
        "islands. Its latest line carries 400 Gbit/s per wavelength over 600 km without a "
        "repeater.",
        "https://baekdu-optical.example",
        "#613583",
        NETWORKS,
        "N-02",
        "Fibre from the mountains to the islands",
        (8, 1, 5, 2),
    ),
    DemoExhibitor(
        "Gaon Data Centres",
        "Gaon Data Centres delivers data centres the size of a shipping container, cooled by "
        "outside air for most of the year. A regional office can run its own services within a "
        "week of delivery.",
        "https://gaon-dc.example",
        "#c64600",
        NETWORKS,
        "N-03",
        "A data centre delivered by truck",
        (1, 5, 3, 2),
    ),
    DemoExhibitor(
        "Haneul Secure Link",
        "Haneul Secure Link encrypts the links of closed government networks. Its devices are "
        "certified for classified traffic and are managed without any connection to the "
        "internet.",
        "https://haneul-securelink.example",
        "#a51d2d",
        NETWORKS,
        "N-04",
        "Encryption for networks that never touch the internet",
        (6, 5, 7, 2),
    ),
    DemoExhibitor(
        "Nuri Cloud",
        "Nuri Cloud is private cloud software for public institutions. Agencies run virtual "
        "machines, storage and databases in their own buildings, with the convenience of a "
        "public cloud and none of the data leaving the site.",
        "https://nuri-cloud.example",
        "#26a269",
        SOFTWARE,
        "S-01",
        "Your own cloud, in your own building",
        (1, 1, 3, 3),
    ),
    DemoExhibitor(
        "Dasol Mobile Lab",
        "Dasol Mobile Lab designs apps for people on slow and expensive connections. Its civil "
        "services app loads in under a second at 1 Mbit/s and works offline until the signal "
        "returns.",
        "https://dasol-mobile.example",
        "#e5a50a",
        SOFTWARE,
        "S-02",
        "Apps that work on a weak signal",
        (5, 1, 4, 2),
    ),
    DemoExhibitor(
        "Maru Analytics",
        "Maru Analytics turns public statistics into dashboards that anyone can read. Cities use "
        "it to plan bus routes and to show residents where their taxes go.",
        "https://maru-analytics.example",
        "#1c71d8",
        SOFTWARE,
        "S-03",
        "Public data, readable by everyone",
        (10, 1, 3, 2),
    ),
    DemoExhibitor(
        "Sori Language Technologies",
        "Sori Language Technologies builds speech recognition and translation between Korean "
        "and thirty other languages. Its models run on a single office server, so conversations "
        "never leave the building.",
        "https://sori-lt.example",
        "#865e3c",
        SOFTWARE,
        "S-04",
        "Live translation that stays on your own server",
        (5, 5, 8, 2),
    ),
    DemoExhibitor(
        "Hangang University Robotics Lab",
        "The Robotics Lab of Hangang University teaches robot arms new tasks from a single "
        "demonstration. Visitors can guide an arm by hand and watch it repeat the movement.",
        "https://robotics.hangang-univ.example",
        "#2ec27e",
        RESEARCH,
        "R-01",
        "Robots that learn from one demonstration",
        (1, 1, 4, 2),
    ),
    DemoExhibitor(
        "Daejeon Semiconductor Research Centre",
        "The Daejeon Semiconductor Research Centre designs low-power chips for sensors that run "
        "for ten years on one battery. It shares its design tools with universities free of "
        "charge.",
        "https://dsrc.example",
        "#3584e4",
        RESEARCH,
        "R-02",
        "Chips that run for ten years on one battery",
        (7, 1, 4, 2),
    ),
    DemoExhibitor(
        "Jeju Marine Informatics Institute",
        "The Jeju Marine Informatics Institute watches the sea around the island with buoys, "
        "drones and satellites. Fishermen get its storm warnings on their phones an hour earlier "
        "than before.",
        "https://jeju-marine.example",
        "#0b6e4f",
        RESEARCH,
        "R-03",
        "Earlier storm warnings for the fishing fleet",
        (1, 5, 4, 2),
    ),
    DemoExhibitor(
        "Bitgoeul Coding School",
        "Bitgoeul Coding School in Gwangju teaches programming to adults changing careers. "
        "Everything runs in the browser on donated laptops, so a class needs nothing but a room "
        "and a local network.",
        "https://bitgoeul-coding.example",
        "#9141ac",
        RESEARCH,
        "R-04",
        "Programming classes with nothing but a browser",
        (7, 5, 4, 2),
    ),
]

# Live from the start: the server sends a moving test pattern and a tone at this booth, so a new
# user sees live video without a camera (media_rtc.LiveRoom.test_pattern).
LIVE_TEST_PATTERN_BOOTH = "N-02"

ORGANISING_COMMITTEE = "Kim Min-jun — Organising Committee"

SESSIONS = [
    DemoSession(
        0,
        dt.time(10, 0),
        dt.time(10, 30),
        "Opening: an exhibition on its own network",
        "How this year's exhibition reaches every visitor, even on a slow connection.",
        ORGANISING_COMMITTEE,
    ),
    DemoSession(
        0,
        dt.time(11, 0),
        dt.time(11, 45),
        "Live demo: a campus network that survives losing its uplink",
        "We cut the building's uplink on camera and show what keeps working.",
        "Park Ji-woo — Hanbit Networks",
        "N-01",
    ),
    DemoSession(
        0,
        dt.time(13, 30),
        dt.time(14, 15),
        "Private cloud for public institutions",
        "Running virtual machines and databases in your own building, step by step.",
        "Lee Seo-yeon — Nuri Cloud",
        "S-01",
    ),
    DemoSession(
        0,
        dt.time(15, 0),
        dt.time(15, 30),
        "Robots that learn from a single demonstration",
        "Guide the arm once; watch it repeat the task.",
        "Choi Hyun-woo — Hangang University Robotics Lab",
        "R-01",
    ),
    DemoSession(
        0,
        dt.time(16, 0),
        dt.time(16, 45),
        "Panel: building for 1 Mbit/s",
        "What changes when you design for the slowest link rather than the fastest.",
        "Jung Da-eun — Dasol Mobile Lab\nHan Seung-ho — Haneul Secure Link",
    ),
    DemoSession(
        1,
        dt.time(10, 0),
        dt.time(10, 45),
        "Optical transport to the islands",
        "400 Gbit/s over 600 km of sea cable without a repeater.",
        "Kang Ye-jin — Baekdu Optical",
        "N-02",
    ),
    DemoSession(
        1,
        dt.time(11, 30),
        dt.time(12, 0),
        "Live translation between Korean and thirty languages",
        "A conversation translated as you speak, on one office server.",
        "Yoon Tae-yang — Sori Language Technologies",
        "S-04",
    ),
    DemoSession(
        1,
        dt.time(14, 0),
        dt.time(14, 45),
        "Teaching programming with nothing but a browser",
        "How a class of forty runs on donated laptops and a local network.",
        "Lim Soo-ah — Bitgoeul Coding School",
        "R-04",
    ),
    DemoSession(
        1,
        dt.time(16, 0),
        dt.time(16, 30),
        "Closing and awards",
        "The organising committee thanks the exhibitors and names this year's successes.",
        ORGANISING_COMMITTEE,
    ),
]


#: The session (an index into SESSIONS) whose stage the demo staff account speaks on, so a fresh
#: demo shows the stage: sign in as STAFF, open the session and go on air from its green room.
STAGE_SESSION = 1
