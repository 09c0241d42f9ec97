"""Seed the editable label → class table from fixtures/result_labels.json."""

import json
from pathlib import Path

from django.db import migrations

LABELS = Path(__file__).resolve().parents[2] / "fixtures" / "result_labels.json"


def seed(apps, schema_editor):
    ResultLabel = apps.get_model("replies", "ResultLabel")
    for result_class, labels in json.loads(LABELS.read_text(encoding="utf-8")).items():
        for label in labels:
            ResultLabel.objects.get_or_create(label=label, defaults={"result_class": result_class})


class Migration(migrations.Migration):
    dependencies = [("replies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
