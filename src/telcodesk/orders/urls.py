"""Console pages of the orders app (joined under ``/console/`` by the root URL map)."""

from django.urls import URLPattern, path

from telcodesk.orders.views import product_orders as order_views
from telcodesk.orders.views import work_orders as work_views

console_patterns: list[URLPattern] = [
    path("work-orders/", work_views.work_order_queue, name="work_orders"),
    path("work-orders/mine/", work_views.my_work_orders, name="my_work_orders"),
    path("work-orders/new/", work_views.fault_new, name="fault_new"),
    path("work-orders/<str:code>/", work_views.work_order_page, name="work_order"),
    path("work-orders/<str:code>/assign/", work_views.work_order_assign, name="work_order_assign"),
    path("work-orders/<str:code>/status/", work_views.work_order_status, name="work_order_status"),
    path("work-orders/<str:code>/pause/", work_views.work_order_pause, name="work_order_pause"),
    path("work-orders/<str:code>/resume/", work_views.work_order_resume, name="work_order_resume"),
    path("work-orders/<str:code>/note/", work_views.work_order_note, name="work_order_note"),
    path("work-orders/<str:code>/attachment/", work_views.work_order_attachment,
         name="work_order_attachment"),
    path("work-orders/<str:code>/checklist/", work_views.work_order_step, name="work_order_step"),
    path("orders/", order_views.order_list, name="orders"),
    path("orders/new/", order_views.order_new, name="order_new"),
    path("orders/<str:code>/", order_views.order_page, name="order"),
    path("orders/<str:code>/sign/", order_views.order_sign, name="order_sign"),
    path("orders/<str:code>/cancel/", order_views.order_cancel, name="order_cancel"),
]
