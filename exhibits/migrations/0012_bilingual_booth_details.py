"""Per-language booth taglines, topic names, file titles and link titles (issue 15, item 4).

As in 0011: the existing columns become the text in the event's first language, which is what
every text saved so far is, so no row changes and nothing is lost; the other languages' versions
go into new *_translations maps, empty until written, and visitors read the first language's
text until then.
"""

import django.db.models
from django.db import migrations


def translations(verbose_name):
    return django.db.models.JSONField(blank=True, default=dict, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [
        ("exhibits", "0011_bilingual_texts"),
    ]

    operations = [
        migrations.AddField("booth", "tagline_translations", translations("tagline in other languages")),
        migrations.AddField("tag", "name_translations", translations("name in other languages")),
        migrations.AddField("boothasset", "title_translations", translations("title in other languages")),
        migrations.AddField("boothlink", "title_translations", translations("title in other languages")),
    ]
