"""The "Support" group: what staff who are not superusers need to work in the admin.

The list is frozen here (a later change of duties is a new migration). Support may look at
everything, run the task actions (the videotask "change" permission; a task's fields are never
editable), add and edit campaigns and model availability, edit the words of products, ideas and
prompts, and unlock logins.
It gets no delete on paid records and nothing under "Authentication": who is staff, and who
may spend more, stays with superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Support"
PERMISSIONS = {
    "campaigns": [
        "view_campaign",
        "add_campaign",
        "change_campaign",
        "view_product",
        "change_product",
        "view_idea",
        "change_idea",
        "view_ideabatch",
        "view_videoprompt",
        "change_videoprompt",
        "view_videotask",
        "change_videotask",
        "view_modelavailability",
        "add_modelavailability",
        "change_modelavailability",
    ],
    "django_tasks_database": ["view_dbtaskresult"],
    "axes": [
        "view_accessattempt",
        "delete_accessattempt",
        "view_accesslog",
        "view_accessfailurelog",
    ],
}


def ensure_permissions(apps):
    # Permissions are normally created after `migrate` ends (post_migrate): on a fresh database
    # they do not exist yet while this migration runs.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, permissions):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codenames in permissions.items():
        rows = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        group.permissions.add(*rows)


def create_group(apps, schema_editor):
    grant(apps, PERMISSIONS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_archive"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
