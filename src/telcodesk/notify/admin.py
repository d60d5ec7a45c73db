"""Admin screens: the outbox, ids and receipts read-only; consents look-up.

Messages are written only by ``notify.services`` (through ``do_notify`` and the
dispatcher); the admin shows them and never changes them. Templates are edited
on the console's template page, which checks their placeholders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from telcodesk.notify.models import (
    DeliveryReceipt,
    MarketingConsent,
    MessageTemplate,
    OutboxMessage,
    SmscMessageId,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SmscMessageIdInline(admin.TabularInline):
    model = SmscMessageId
    extra = 0
    fields = ("transport", "message_id", "segment", "receipt_state", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "kind", "category", "state", "attempts", "segments",
                    "customer", "channel"]
    list_filter = ["state", "category", "kind", "channel"]
    list_select_related = ["customer"]
    search_fields = ["dedupe_key", "recipient", "customer__code"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ["customer", "staff", "created_by", "part_of"]
    inlines = [SmscMessageIdInline]


@admin.register(DeliveryReceipt)
class DeliveryReceiptAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "transport", "message_id", "state", "error_code", "outbox"]
    list_filter = ["transport", "state"]
    search_fields = ["message_id"]
    raw_id_fields = ["outbox"]
    show_full_result_count = False


@admin.register(MarketingConsent)
class MarketingConsentAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "consented_at", "opted_out_at", "source"]
    search_fields = ["number", "customer__code"]
    raw_id_fields = ["customer"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    list_display = ["kind", "language", "updated_at", "updated_by"]
    list_filter = ["language"]
