from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "telcodesk.care"
    label = "care"
    verbose_name = _("Hotline and complaints")

    def ready(self) -> None:
        from telcodesk.care.jobs import register_care_jobs
        from telcodesk.care.models import Complaint
        from telcodesk.care.selectors.complaints import complaints_visible_to
        from telcodesk.care.services.surveys import handle_survey_reply
        from telcodesk.core.events import register_event_subject
        from telcodesk.notify.services import register_reply_handler

        register_care_jobs()
        # Survey answers come back as SMS replies.
        register_reply_handler(handle_survey_reply)
        # TMF events reach a listener only if its user could GET the complaint.
        register_event_subject(Complaint, complaints_visible_to)
