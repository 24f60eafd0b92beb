"""Per-language event and session texts (issue 15, item 4).

The existing `name`, `title` and `description` columns become the text in the event's first
language, which is what every text saved so far is: no row changes and nothing is lost. The
versions in the event's other languages go into the new *_translations maps, empty until the
organiser writes them; until then visitors read the first language's text.
"""

import django.db.models
from django.db import migrations


def translations(verbose_name):
    return django.db.models.JSONField(blank=True, default=dict, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [("events", "0008_member_recovery_codes")]

    operations = [
        migrations.AddField("event", "name_translations", translations("name in other languages")),
        migrations.AddField(
            "event", "description_translations", translations("description in other languages")
        ),
        migrations.AddField("session", "title_translations", translations("title in other languages")),
        migrations.AddField(
            "session", "description_translations", translations("description in other languages")
        ),
    ]
