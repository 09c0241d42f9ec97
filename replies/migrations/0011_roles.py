"""The two roles of the committee office: 录入 (import, edit drafts) and 审核 (also publish,
unpublish, merge and keep the vocabulary). Superusers do everything."""

from django.db import migrations

#: Frozen here: (app label, codename) of each group's permissions.
ENTRY = [
    ("replies", codename)
    for codename in [
        "view_reply", "add_reply", "change_reply", "view_replysection", "add_replysection",
        "change_replysection", "delete_replysection", "view_replyversion", "view_session",
        "add_session", "view_department", "add_department", "view_departmentalias",
        "view_sector", "add_sector", "view_resultlabel",
    ]
]  # fmt: skip
REVIEW = ENTRY + [
    ("replies", codename)
    for codename in [
        "publish_reply", "change_session", "change_department", "add_departmentalias",
        "change_departmentalias", "delete_departmentalias", "change_sector", "add_resultlabel",
        "change_resultlabel", "add_userdictionaryterm", "change_userdictionaryterm",
        "delete_userdictionaryterm", "view_userdictionaryterm", "view_zeroresultquery",
    ]
]  # fmt: skip
GROUPS = {"录入": ENTRY, "审核": REVIEW}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrating; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("replies", "0010_more_result_labels"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.AlterModelOptions(
            name="reply",
            options={
                "ordering": ["-reply_date", "-id"],
                "permissions": [("publish_reply", "可以发布和撤回答复")],
                "verbose_name": "答复",
                "verbose_name_plural": "答复",
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
