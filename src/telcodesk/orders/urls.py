"""Console pages of the orders app (joined under ``/console/`` by the root URL map)."""

from django.urls import URLPattern, path

from telcodesk.orders.views import work_orders as views

console_patterns: list[URLPattern] = [
    path("work-orders/", views.work_order_queue, name="work_orders"),
    path("work-orders/mine/", views.my_work_orders, name="my_work_orders"),
    path("work-orders/new/", views.fault_new, name="fault_new"),
    path("work-orders/<str:code>/", views.work_order_page, name="work_order"),
    path("work-orders/<str:code>/assign/", views.work_order_assign, name="work_order_assign"),
    path("work-orders/<str:code>/status/", views.work_order_status, name="work_order_status"),
    path("work-orders/<str:code>/pause/", views.work_order_pause, name="work_order_pause"),
    path("work-orders/<str:code>/resume/", views.work_order_resume, name="work_order_resume"),
    path("work-orders/<str:code>/note/", views.work_order_note, name="work_order_note"),
    path("work-orders/<str:code>/attachment/", views.work_order_attachment,
         name="work_order_attachment"),
    path("work-orders/<str:code>/checklist/", views.work_order_step, name="work_order_step"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<str:code>/", views.order_page, name="order"),
    path("orders/<str:code>/sign/", views.order_sign, name="order_sign"),
    path("orders/<str:code>/cancel/", views.order_cancel, name="order_cancel"),
]
