"""Customer orders (TMF622): orders, their items, value-added subscriptions, cancellations.

Tables only: the rules live in ``workflow`` and ``services``.
Models of other apps are referenced by string (``"customers.Subscription"``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CANCELLATION_CODE_PREFIX", "CODE_DIGITS", "ORDER_CODE_PREFIX",
           "WORK_ORDER_CODE_PREFIX", "ConfirmationKind", "CustomerOrder", "ItemAction",
           "ItemKind", "OrderCancellation", "OrderChannel", "OrderItem", "OrderState",
           "VasSubscription"]

ORDER_CODE_PREFIX = "PO"
WORK_ORDER_CODE_PREFIX = "WO"
CANCELLATION_CODE_PREFIX = "CPO"
CODE_DIGITS = 9


class OrderChannel(models.TextChoices):
    """Where a request came in (the sales/care channel, not the audit channel)."""

    COUNTER = "counter", _("Counter")
    SELF_SERVICE = "self_service", _("Self-service hall")
    HOTLINE = "hotline", _("Hotline")
    API = "api", _("API")


class OrderState(models.TextChoices):
    """TMF622 ``ProductOrderStateType``."""

    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REJECTED = "rejected", _("Rejected")
    PENDING = "pending", _("Pending")
    HELD = "held", _("Held")
    IN_PROGRESS = "inProgress", _("In progress")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    PARTIAL = "partial", _("Partially completed")
    ASSESSING_CANCELLATION = "assessingCancellation", _("Assessing cancellation")
    PENDING_CANCELLATION = "pendingCancellation", _("Pending cancellation")


class ConfirmationKind(models.TextChoices):
    NONE = "none", _("None")
    SUBSCRIBER_SMS = "subscriber_sms", _("Subscriber's second confirmation")
    COUNTER_SIGNATURE = "counter_signature", _("Customer's signature on the acceptance form")


class ItemAction(models.TextChoices):
    """TMF622 ``OrderItemActionType``."""

    ADD = "add", _("Add")
    MODIFY = "modify", _("Modify")
    DELETE = "delete", _("Delete")
    NO_CHANGE = "noChange", _("No change")


class ItemKind(models.TextChoices):
    NEW_LINE = "new_line", _("New line")
    ACTIVATION = "activation", _("Activation")
    PACKAGE_CHANGE = "package_change", _("Package change")
    MOVE = "move", _("Move")
    SUSPENSION = "suspension", _("Suspension")
    RECONNECTION = "reconnection", _("Reconnection")
    NAME_CHANGE = "name_change", _("Name change")
    TRANSFER = "transfer", _("Transfer of ownership")
    VAS_SUBSCRIBE = "vas_subscribe", _("Value-added service subscription")
    VAS_UNSUBSCRIBE = "vas_unsubscribe", _("Value-added service cancellation")
    CANCELLATION = "cancellation", _("Line cancellation")


class CustomerOrder(models.Model):
    code = models.CharField(_("order number"), max_length=20, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="orders", verbose_name=_("customer"))
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="orders",
                                     verbose_name=_("subscription"))
    channel = models.CharField(_("channel"), max_length=15, choices=OrderChannel.choices)
    state = models.CharField(_("state"), max_length=25, choices=OrderState.choices,
                             default=OrderState.ACKNOWLEDGED)
    state_reason = models.CharField(_("state reason"), max_length=300, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    confirmation_kind = models.CharField(_("confirmation"), max_length=20,
                                         choices=ConfirmationKind.choices,
                                         default=ConfirmationKind.NONE)
    confirmation_deadline = models.DateTimeField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_channel = models.CharField(_("confirmed via"), max_length=20, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Business changes without field work are completed as soon as they are accepted
    # (confirmed, signed) when this is set; otherwise someone completes them.
    auto_complete = models.BooleanField(_("complete on acceptance"), default=True)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("branch"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("ordered"))
    updated_at = models.DateTimeField(_("last update"))
    state_changed_at = models.DateTimeField(_("state changed"))
    requested_completion = models.DateTimeField(_("requested completion"), null=True,
                                                blank=True)
    expected_completion = models.DateTimeField(_("expected completion"), null=True,
                                               blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    sla_clock = models.OneToOneField("sla.SlaClock", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="customer_order",
                                     verbose_name=_("SLA clock"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer order")
        verbose_name_plural = _("customer orders")
        indexes = [
            # The expiry job: pending orders waiting for a confirmation past their window.
            models.Index(fields=["state", "confirmation_deadline"], name="order_confirm_idx"),
            models.Index(fields=["customer", "created_at"], name="order_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class OrderItem(models.Model):
    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("order"))
    position = models.PositiveSmallIntegerField(_("item"))
    action = models.CharField(_("action"), max_length=10, choices=ItemAction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    state = models.CharField(_("state"), max_length=25, choices=OrderState.choices,
                             default=OrderState.ACKNOWLEDGED)
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("subscription"))
    package = models.ForeignKey("customers.Package", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("package"))
    offering = models.ForeignKey("customers.ValueAddedOffering", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("value-added service"))
    service = models.CharField(_("service"), max_length=10, blank=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    new_address = models.CharField(_("new address"), max_length=200, blank=True)
    new_owner = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("new owner"))
    new_name = models.CharField(_("new name"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "position"]
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [models.UniqueConstraint(fields=["order", "position"],
                                               name="order_item_position_unique")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position} {self.kind}"


class VasSubscription(models.Model):
    """A value-added service on a line. Exists only once the subscriber confirmed."""

    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT,
                                     related_name="vas_subscriptions",
                                     verbose_name=_("subscription"))
    offering = models.ForeignKey("customers.ValueAddedOffering", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("value-added service"))
    order = models.ForeignKey(CustomerOrder, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("order"))
    active_from = models.DateTimeField(_("active from"))
    active_to = models.DateTimeField(_("active until"), null=True, blank=True)
    # Charging starts at the confirmation, never before.
    charged_from = models.DateTimeField(_("charged from"))

    class Meta:
        ordering = ["subscription", "-active_from"]
        verbose_name = _("value-added service subscription")
        verbose_name_plural = _("value-added service subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "offering"],
                                    condition=models.Q(active_to__isnull=True),
                                    name="vas_live_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.offering_id}"


class OrderCancellation(models.Model):
    """A TMF622 ``cancelProductOrder`` request and its outcome."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "inProgress", _("In progress")
        DONE = "done", _("Done")
        FAILED = "terminatedWithError", _("Refused")

    code = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(CustomerOrder, on_delete=models.PROTECT,
                              related_name="cancellations", verbose_name=_("order"))
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(_("state"), max_length=25, choices=State.choices)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("requested"))
    effective_at = models.DateTimeField(_("effective"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("order cancellation")
        verbose_name_plural = _("order cancellations")

    def __str__(self) -> str:
        return self.code
