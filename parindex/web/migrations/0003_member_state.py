# A unit's checked state, kept in its row between its writes

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workspace', '0002_rounds'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='state',
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
    ]
