"""Customers, accounts, subscriptions and the product catalog."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcodesk.core.models import Area, OrgUnit

# A customer number: ``C`` and 9 digits (``services.next_customer_code``).
CUSTOMER_CODE_PREFIX = "C"
CUSTOMER_CODE_DIGITS = 9


class Service(models.TextChoices):
    FIXED = "fixed", _("Fixed telephone")
    BROADBAND = "broadband", _("Broadband")
    MOBILE = "mobile", _("Mobile")


class PartyType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")


class Tier(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    SILVER = "silver", _("Silver VIP")
    GOLD = "gold", _("Gold VIP")
    DIAMOND = "diamond", _("Diamond VIP")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", pgettext_lazy("customer status", "Closed")


class Customer(models.Model):
    """A party that buys services: a person or an enterprise."""

    code = models.CharField(_("customer number"), max_length=20, unique=True)
    party_type = models.CharField(_("type"), max_length=10, choices=PartyType.choices)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    # Identity document number (resident ID or unified social credit code).
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True,
                                     db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices,
                            default=Tier.ORDINARY)
    status = models.CharField(_("status"), max_length=10, choices=CustomerStatus.choices,
                              default=CustomerStatus.ACTIVE)
    status_reason = models.CharField(_("status reason"), max_length=200, blank=True)
    # The branch that owns the customer; staff see customers of their subtree only.
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="customers",
                                 verbose_name=_("branch"))
    active_from = models.DateTimeField(_("customer since"))
    active_to = models.DateTimeField(_("customer until"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class BillingType(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    POSTPAID = "postpaid", _("Postpaid")


class Account(models.Model):
    """A billing account; a customer may hold several."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="accounts",
                                 verbose_name=_("customer"))
    number = models.CharField(_("account number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    billing_type = models.CharField(_("billing type"), max_length=10,
                                    choices=BillingType.choices)
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)
    active_from = models.DateTimeField(_("opened"))
    active_to = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.number


class Brand(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Package(models.Model):
    """A priced plan of a brand, with its monthly allowances."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="packages",
                              verbose_name=_("brand"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # The services the package covers, e.g. "mobile" or "fixed,broadband,mobile".
    services = models.CharField(_("services"), max_length=40)
    monthly_fee_fen = models.PositiveIntegerField(_("monthly fee (fen)"))
    voice_minutes = models.PositiveIntegerField(_("voice minutes"), default=0)
    data_mb = models.PositiveIntegerField(_("data (MB)"), default=0)
    sms_count = models.PositiveIntegerField(_("SMS"), default=0)
    bandwidth_mbps = models.PositiveIntegerField(_("bandwidth (Mbit/s)"), default=0)
    for_enterprise = models.BooleanField(_("for enterprises"), default=False)
    active_from = models.DateField(_("on sale from"))
    active_to = models.DateField(_("on sale until"), null=True, blank=True)

    class Meta:
        ordering = ["brand__code", "monthly_fee_fen"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")

    def __str__(self) -> str:
        return self.name

    @property
    def service_list(self) -> list[str]:
        return [s for s in self.services.split(",") if s]


class ValueAddedOffering(models.Model):
    """A value-added service (VAS) sold on top of a package, often by a third party."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    provider = models.CharField(_("provider"), max_length=100)
    # True when the operator collects the fee on the provider's behalf (代收费).
    collected_for_provider = models.BooleanField(_("collected for provider"), default=True)
    monthly_fee_fen = models.PositiveIntegerField(_("monthly fee (fen)"))
    active_from = models.DateField(_("on sale from"))
    active_to = models.DateField(_("on sale until"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("value-added service")
        verbose_name_plural = _("value-added services")

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Pending activation")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class Subscription(models.Model):
    """One service line: a mobile number, a fixed telephone, a broadband access."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT,
                                 related_name="subscriptions", verbose_name=_("customer"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="subscriptions",
                                verbose_name=_("account"))
    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    # Mobile and fixed: E.164. Broadband: the access account name.
    number = models.CharField(_("number"), max_length=40)
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="subscriptions",
                                verbose_name=_("package"))
    address = models.CharField(_("installation address"), max_length=200, blank=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT,
                                 related_name="subscriptions", verbose_name=_("branch"))
    area = models.CharField(_("area"), max_length=5, choices=Area.choices)
    status = models.CharField(_("status"), max_length=10, choices=SubscriptionStatus.choices,
                              default=SubscriptionStatus.ACTIVE)
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    active_from = models.DateTimeField(_("valid from"))
    active_to = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            # A number belongs to one live subscription at a time.
            models.UniqueConstraint(fields=["service", "number"],
                                    condition=models.Q(active_to__isnull=True),
                                    name="subscription_live_number_unique"),
        ]
        indexes = [models.Index(fields=["number"], name="subscription_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.number}"
