"""Admin screens: editable reference data (brands, packages, value-added services)
and look-up screens for customers, accounts and subscriptions.

Customer tables are large: foreign keys use autocomplete or raw-id widgets,
never a full drop-down, and list pages select their related rows in one query.
"""

from __future__ import annotations

from django.contrib import admin

from telcodesk.customers.models import (
    Account,
    Brand,
    Customer,
    Package,
    Subscription,
    ValueAddedOffering,
)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "brand", "services", "monthly_fee_fen", "data_mb",
                    "voice_minutes", "bandwidth_mbps", "for_enterprise", "active_from",
                    "active_to"]
    list_filter = ["brand", "for_enterprise", "services"]
    list_select_related = ["brand"]
    search_fields = ["code", "name"]


@admin.register(ValueAddedOffering)
class ValueAddedOfferingAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "provider", "monthly_fee_fen", "collected_for_provider",
                    "active_from", "active_to"]
    list_filter = ["collected_for_provider", "provider"]
    search_fields = ["code", "name", "provider"]


class AccountInline(admin.TabularInline):
    model = Account
    extra = 0
    fields = ["number", "name", "billing_type", "balance_fen", "active_from", "active_to"]
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "party_type", "tier", "status", "org_unit", "active_from"]
    list_filter = ["party_type", "tier", "status"]
    list_select_related = ["org_unit"]
    search_fields = ["code", "name", "contact_phone"]
    raw_id_fields = ["org_unit"]
    date_hierarchy = "active_from"
    show_full_result_count = False
    inlines = [AccountInline]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "customer", "billing_type", "balance_fen", "active_from"]
    list_filter = ["billing_type"]
    list_select_related = ["customer"]
    search_fields = ["number", "name", "customer__code"]
    autocomplete_fields = ["customer"]
    show_full_result_count = False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["number", "service", "customer", "package", "org_unit", "area", "status",
                    "activated_on"]
    list_filter = ["service", "status", "area"]
    list_select_related = ["customer", "package", "org_unit"]
    search_fields = ["number", "customer__code", "customer__name"]
    autocomplete_fields = ["customer", "account", "package"]
    raw_id_fields = ["org_unit"]
    show_full_result_count = False
