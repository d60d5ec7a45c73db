from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "telcodesk.care"
    label = "care"
    verbose_name = _("Hotline and complaints")

    def ready(self) -> None:
        # Complaint jobs and the survey reply handler are registered by
        # telcodesk.care.services.complaints.register (kept there with the rules).
        from telcodesk.care.models import Complaint
        from telcodesk.care.selectors.complaints import complaints_visible_to
        from telcodesk.care.services import register
        from telcodesk.core.events import register_event_subject

        register()
        # TMF events reach a listener only if its user could GET the complaint.
        register_event_subject(Complaint, complaints_visible_to)
