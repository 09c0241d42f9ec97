"""More result labels as real offices print them (已采纳, 列入计划, 暂时无法解决 …)."""

from django.db import migrations

#: Frozen here (not read from fixtures/result_labels.json, which may change later).
LABELS = {
    "A": ["已采纳", "已经采纳", "基本采纳", "已基本解决", "已落实"],
    "B": ["列入计划", "计划解决", "列入规划", "拟解决", "正在落实", "逐步解决", "部分已解决"],
    "C": [
        "因条件限制暂时无法解决", "暂时无法解决", "暂不能解决", "留作参考资料", "作参考",
        "未采纳", "不予采纳", "不具备条件",
    ],
}  # fmt: skip


def seed(apps, schema_editor):
    ResultLabel = apps.get_model("replies", "ResultLabel")
    for result_class, labels in LABELS.items():
        for label in labels:
            ResultLabel.objects.get_or_create(label=label, defaults={"result_class": result_class})


def unseed(apps, schema_editor):
    ResultLabel = apps.get_model("replies", "ResultLabel")
    ResultLabel.objects.filter(label__in=[x for labels in LABELS.values() for x in labels]).delete()


class Migration(migrations.Migration):
    dependencies = [("replies", "0009_reply_needs_review")]
    operations = [migrations.RunPython(seed, unseed)]
