# The key of a unit's checked state kept in memory between its writes

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workspace', '0002_rounds'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='stamp',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
    ]
