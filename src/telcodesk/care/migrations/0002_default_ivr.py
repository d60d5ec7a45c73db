"""The default skill groups, queue names and IVR menu of the 10000 hotline.

The data lives in ``telcodesk.care.routing.defaults`` (reviewed in one place); this
migration writes it through the historical models. Rows that already exist are
left alone, so an operator's own routing is never overwritten.
"""

from typing import Any

from django.db import migrations


def _add_node(IvrNode: Any, groups: dict[str, Any], parent: Any, entry: dict[str, Any]) -> None:
    group_code = entry.get("group")
    node = IvrNode.objects.create(
        parent=parent, key=entry.get("key", ""), action="group" if group_code else "menu",
        prompt_zh=entry["prompt_zh"], prompt_en=entry["prompt_en"],
        skill_group=groups[group_code] if group_code else None)
    for child in entry.get("children", []):
        _add_node(IvrNode, groups, node, child)


def add_defaults(apps: Any, schema_editor: Any) -> None:
    from telcodesk.care.routing import defaults as ivr_defaults

    SkillGroup = apps.get_model("care", "SkillGroup")
    HotlineQueue = apps.get_model("care", "HotlineQueue")
    IvrNode = apps.get_model("care", "IvrNode")
    groups = {}
    for position, data in enumerate(ivr_defaults.SKILL_GROUPS, start=1):
        group, _ = SkillGroup.objects.get_or_create(code=data["code"], defaults={
            "name_zh": data["name_zh"], "name_en": data["name_en"], "position": position,
            "service_level_seconds": ivr_defaults.SERVICE_LEVEL_SECONDS})
        groups[group.code] = group
        queue, created = HotlineQueue.objects.get_or_create(name=data["queue"],
                                                            defaults={"skill_group": group})
        if not created and queue.skill_group_id is None:
            queue.skill_group = group
            queue.save(update_fields=["skill_group"])
    if not IvrNode.objects.exists():
        _add_node(IvrNode, groups, None, ivr_defaults.IVR_TREE)


def remove_defaults(apps: Any, schema_editor: Any) -> None:
    from telcodesk.care.routing import defaults as ivr_defaults

    SkillGroup = apps.get_model("care", "SkillGroup")
    HotlineQueue = apps.get_model("care", "HotlineQueue")
    IvrNode = apps.get_model("care", "IvrNode")
    IvrNode.objects.filter(parent__isnull=True).delete()  # the children follow (CASCADE)
    names = [data["queue"] for data in ivr_defaults.SKILL_GROUPS]
    codes = [data["code"] for data in ivr_defaults.SKILL_GROUPS]
    # Queues that calls refer to stay (PROTECT); only unused defaults go.
    HotlineQueue.objects.filter(name__in=names, calls__isnull=True).delete()
    SkillGroup.objects.filter(code__in=codes, queues__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
