"""Per-language hall and exhibitor texts (issue 15, item 4).

The existing `name` and `description` columns become the text in the event's first language,
which is what every text saved so far is: no row changes and nothing is lost. The versions in
the event's other languages go into the new *_translations maps, empty until written; until
then visitors read the first language's text.
"""

import django.db.models
from django.db import migrations


def translations(verbose_name):
    return django.db.models.JSONField(blank=True, default=dict, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [("exhibits", "0010_hashed_invitations"), ("events", "0009_bilingual_texts")]

    operations = [
        migrations.AddField("hall", "name_translations", translations("name in other languages")),
        migrations.AddField(
            "hall", "description_translations", translations("description in other languages")
        ),
        migrations.AddField("exhibitor", "name_translations", translations("name in other languages")),
        migrations.AddField(
            "exhibitor", "description_translations", translations("description in other languages")
        ),
    ]
