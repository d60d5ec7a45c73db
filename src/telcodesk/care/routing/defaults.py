"""The routing the 10000 hotline ships with: skill groups, their queue names and the
IVR menu. Plain data, read by migration ``care/0002_default_ivr`` (through the
historical models) and by the tests; an administrator changes all of it later in
the console (``IVR and skill groups``).

The skill groups follow the half-year report to the regulator, which names the
specialised inbound groups of the unified 10000/10001 IVR flow: 移动业务综合受理,
固网业务综合受理, 宽带固话障碍报修, 投诉建议受理 and 政企商航服务 (government and
enterprise customers and the 商务领航 "Business Navigator" VIP brand, kept as two
groups here so that each has its own queue and figures).

Strings here are literal Chinese and English on purpose: they are data stored in
rows, not interface text, so nothing is translated when the migration runs.
"""

from __future__ import annotations

from typing import Any

# Answered within this many seconds counts as timely (STANDARDS.md, hotline rows).
SERVICE_LEVEL_SECONDS = 15

# code, Chinese name, English name, the queue it uses on the telephone system.
SKILL_GROUPS: list[dict[str, Any]] = [
    {"code": "mobile", "name_zh": "移动业务综合受理", "name_en": "Mobile services",
     "queue": "10000-mobile"},
    {"code": "fixed", "name_zh": "固网业务综合受理", "name_en": "Fixed-line services",
     "queue": "10000-fixed"},
    {"code": "repair", "name_zh": "宽带固话障碍报修",
     "name_en": "Broadband and fixed-line repair", "queue": "10000-repair"},
    {"code": "complaint", "name_zh": "投诉与建议", "name_en": "Complaints and suggestions",
     "queue": "10000-complaint"},
    {"code": "gov", "name_zh": "政企客户服务",
     "name_en": "Government and enterprise customers", "queue": "10000-gov"},
    {"code": "vip", "name_zh": "VIP客户服务（商务领航）",
     "name_en": "VIP customers (Business Navigator)", "queue": "10000-vip"},
]

# The menu: the root (no key) and, under it, one entry per key. An entry either
# names a skill group (``group``) or opens a submenu (``children``). A prompt is
# what the caller hears for that entry; the root's prompt is the greeting.
IVR_TREE: dict[str, Any] = {
    "prompt_zh": "您好，欢迎致电10000号客服热线。移动业务请按1，固话宽带业务请按2，"
                 "投诉与建议请按3，政企客户请按4，商务领航VIP客户请按0。",
    "prompt_en": "Welcome to the 10000 customer service hotline. For mobile services press 1, "
                 "for fixed line and broadband press 2, for complaints and suggestions "
                 "press 3, for government and enterprise customers press 4, for Business "
                 "Navigator VIP customers press 0.",
    "children": [
        {"key": "1", "prompt_zh": "移动业务（话费、套餐、开通与停复机）请按1",
         "prompt_en": "Mobile services (charges, packages, activation, suspension): press 1",
         "group": "mobile"},
        {"key": "2", "prompt_zh": "固话宽带业务请按2",
         "prompt_en": "Fixed line and broadband: press 2",
         "children": [
             {"key": "1", "prompt_zh": "业务办理与咨询请按1",
              "prompt_en": "Orders and enquiries: press 1", "group": "fixed"},
             {"key": "2", "prompt_zh": "故障报修请按2",
              "prompt_en": "Report a fault: press 2", "group": "repair"},
         ]},
        {"key": "3", "prompt_zh": "投诉与建议请按3",
         "prompt_en": "Complaints and suggestions: press 3", "group": "complaint"},
        {"key": "4", "prompt_zh": "政企客户请按4",
         "prompt_en": "Government and enterprise customers: press 4", "group": "gov"},
        {"key": "0", "prompt_zh": "商务领航VIP客户请按0",
         "prompt_en": "Business Navigator VIP customers: press 0", "group": "vip"},
    ],
}
