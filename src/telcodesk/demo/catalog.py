"""The demo operator's product catalog: brands, packages and value-added services.

Brands follow the operator documents: 天翼 (mobile), 我的e家 (home bundles of fixed
line, broadband and mobile) and 商务领航 (business bundles), plus a plain fixed-line
and a plain broadband brand. Fees are integer fen; allowances are per month.
"""

from __future__ import annotations

import datetime as dt

from telcodesk.customers.services import BrandData, OfferingData, PackageData

MOBILE = "mobile"
FIXED = "fixed"
BROADBAND = "broadband"

BRANDS: tuple[BrandData, ...] = (
    BrandData("tianyi", "天翼", "Tianyi"),
    BrandData("ehome", "我的e家", "My eHome"),
    BrandData("bizpilot", "商务领航", "Business Pilot"),
    BrandData("fixed", "固定电话", "Fixed line"),
    BrandData("broadband", "天翼宽带", "Tianyi Broadband"),
)

GB = 1024  # MB


def packages(since: dt.date) -> tuple[PackageData, ...]:
    """Packages on sale from ``since`` (the start of the demo's activation window)."""
    return (
        PackageData("tianyi", "tianyi-campus-19", "天翼飞Young校园19元套餐", (MOBILE,), 1900,
                    since, voice_minutes=100, data_mb=20 * GB, sms_count=100),
        PackageData("tianyi", "tianyi-29", "天翼畅享29元套餐", (MOBILE,), 2900, since,
                    voice_minutes=100, data_mb=10 * GB, sms_count=50),
        PackageData("tianyi", "tianyi-59", "天翼畅享59元套餐", (MOBILE,), 5900, since,
                    voice_minutes=300, data_mb=30 * GB, sms_count=100),
        PackageData("tianyi", "tianyi-99", "天翼畅享99元套餐", (MOBILE,), 9900, since,
                    voice_minutes=500, data_mb=60 * GB, sms_count=200),
        PackageData("tianyi", "tianyi-199", "天翼畅享199元套餐", (MOBILE,), 19900, since,
                    voice_minutes=1500, data_mb=150 * GB, sms_count=500),
        PackageData("ehome", "ehome-99", "我的e家99元融合套餐(200M宽带+手机)",
                    (BROADBAND, MOBILE), 9900, since, voice_minutes=300, data_mb=30 * GB,
                    bandwidth_mbps=200),
        PackageData("ehome", "ehome-129", "我的e家129元融合套餐(300M宽带+固话+手机)",
                    (FIXED, BROADBAND, MOBILE), 12900, since, voice_minutes=500,
                    data_mb=40 * GB, sms_count=100, bandwidth_mbps=300),
        PackageData("ehome", "ehome-199", "我的e家199元融合套餐(1000M宽带+固话+手机)",
                    (FIXED, BROADBAND, MOBILE), 19900, since, voice_minutes=1000,
                    data_mb=100 * GB, sms_count=200, bandwidth_mbps=1000),
        PackageData("bizpilot", "bizpilot-199", "商务领航199元(200M专线宽带+总机+手机)",
                    (FIXED, BROADBAND, MOBILE), 19900, since, voice_minutes=1000,
                    data_mb=40 * GB, sms_count=300, bandwidth_mbps=200, for_enterprise=True),
        PackageData("bizpilot", "bizpilot-599", "商务领航599元(1000M专线宽带+总机+手机)",
                    (FIXED, BROADBAND, MOBILE), 59900, since, voice_minutes=3000,
                    data_mb=200 * GB, sms_count=1000, bandwidth_mbps=1000,
                    for_enterprise=True),
        PackageData("bizpilot", "bizpilot-mobile-88", "商务领航集团手机88元", (MOBILE,), 8800,
                    since, voice_minutes=800, data_mb=30 * GB, sms_count=300,
                    for_enterprise=True),
        PackageData("fixed", "fixed-basic-20", "固定电话基本套餐(月租20元)", (FIXED,), 2000,
                    since, voice_minutes=60),
        PackageData("broadband", "broadband-300", "天翼宽带300M", (BROADBAND,), 8000, since,
                    bandwidth_mbps=300),
        PackageData("broadband", "broadband-1000", "天翼宽带1000M", (BROADBAND,), 12000,
                    since, bandwidth_mbps=1000),
    )


def offerings(since: dt.date) -> tuple[OfferingData, ...]:
    """Value-added services; most are sold by third parties, the operator collects (代收费)."""
    return (
        OfferingData("color-ring", "天翼彩铃", "演示电信", 500, since,
                     collected_for_provider=False),
        OfferingData("cuncaoxin", "寸草心亲情关怀", "演示电信", 500, since,
                     collected_for_provider=False),
        OfferingData("sx-mobile-news", "山西手机报", "山西日报报业集团", 300, since),
        OfferingData("tianyi-video", "天翼视讯", "天翼视讯传媒有限公司", 1500, since),
        OfferingData("imusic", "爱音乐", "天翼爱音乐文化科技有限公司", 600, since),
        OfferingData("igame", "爱游戏", "炫彩互动网络科技有限公司", 1000, since),
        OfferingData("tianyi-reading", "天翼阅读", "天翼阅读文化传播有限公司", 500, since),
        OfferingData("tianyi-navigation", "天翼导航", "晋图导航信息服务有限公司", 800, since),
        OfferingData("sms-search", "短信全能搜", "号百信息服务有限公司", 200, since),
    )


# Which packages a new customer picks, with weights.
INDIVIDUAL_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "urban": (
        ("tianyi-campus-19", 4), ("tianyi-29", 12), ("tianyi-59", 18), ("tianyi-99", 10),
        ("tianyi-199", 3), ("ehome-99", 10), ("ehome-129", 14), ("ehome-199", 7),
        ("broadband-300", 7), ("broadband-1000", 3), ("fixed-basic-20", 6),
    ),
    "rural": (
        ("tianyi-campus-19", 2), ("tianyi-29", 16), ("tianyi-59", 16), ("tianyi-99", 6),
        ("tianyi-199", 1), ("ehome-99", 8), ("ehome-129", 12), ("ehome-199", 3),
        ("broadband-300", 10), ("broadband-1000", 1), ("fixed-basic-20", 16),
    ),
}
ENTERPRISE_MIX: tuple[tuple[str, int], ...] = (
    ("bizpilot-199", 55), ("bizpilot-599", 15), ("bizpilot-mobile-88", 30),
)
# Extra lines added next to single-service packages.
SECOND_LINE_PACKAGE = {BROADBAND: "fixed-basic-20", FIXED: "tianyi-29"}
