"""The queue's rows written out in Python (``{% queue_rows %}``) are the HTML the
template loop gave: every column, escaping, masking, both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.customers.models import Subscription
from telcodesk.orders.models import Team, WorkOrder
from telcodesk.orders.views.work_orders import QueueRow
from telcodesk.sla.models import SlaClock

# The loop ``orders/_queue.html`` had before the tag, as it was.
TEMPLATE_LOOP = """{% load i18n telcodesk %}<tbody>{% translate "Time left" as l_left %}{% translate "Work order" as l_code %}{% translate "Kind" as l_kind %}{% translate "Status" as l_status %}{% translate "Line" as l_line %}{% translate "Address" as l_address %}{% translate "Branch" as l_branch %}{% translate "Assigned to" as l_assigned %}{% translate "Due" as l_due %}
      {% for row in rows %}{% with wo=row.work_order %}
        <tr class="{{ row.css }}" id="wo-{{ wo.code }}" data-sla="{{ row.status }}">
          <td data-label="{{ l_left }}"><span class="time-left sla-{{ row.status }}">{{ row.label }}</span></td>
          <td data-label="{{ l_code }}" class="mono nowrap"><a href="{% url 'console:work_order' wo.code %}">{{ wo.code }}</a></td>
          <td data-label="{{ l_kind }}">{{ wo.get_kind_display }}</td>
          <td data-label="{{ l_status }}"><span class="badge wo-status-{{ wo.status }}">{{ wo.get_status_display }}</span></td>
          <td data-label="{{ l_line }}" class="mono nowrap">{{ wo.subscription.number|phone:request.user }}</td>
          <td data-label="{{ l_address }}">{{ wo.address|default:"—" }}</td>
          <td data-label="{{ l_branch }}">{{ wo.org_unit|unit_name }}</td>
          <td data-label="{{ l_assigned }}">{% if wo.technician %}{{ wo.technician }}{% elif wo.team %}{{ wo.team.name }}{% else %}<span class="muted">{% translate "Unassigned" %}</span>{% endif %}</td>
          <td data-label="{{ l_due }}" class="nowrap">{{ wo.sla_clock.due_at|date:"m-d H:i"|default:"—" }}</td>
        </tr>
      {% endwith %}{% endfor %}
      </tbody>"""  # noqa: E501
TAG = """{% load orders_queue %}<tbody>
      {% queue_rows rows %}
      </tbody>"""


def rows() -> list[QueueRow]:
    """Unsaved work orders covering every branch of the row: assignee, team or nobody;
    a clock or none; a mobile, a fixed line or an access account; text to escape."""
    county = OrgUnit(code="ty-xd", name="小店区分公司", name_en="Xiaodian")
    city = OrgUnit(code="ty", name="太原<分公司>", name_en="")
    tech = User(username="xd-tech", display_name='王师傅 "A&B"')
    team = Team(code="xd-fix", name="小店装维<一>班")
    due = dt.datetime(2025, 9, 30, 23, 30, tzinfo=dt.UTC)  # 07:30 the next day in Beijing
    made = []
    cases = [
        ("install", "inProgress", "+8613812345678", county, tech, None, due, "ok"),
        ("repair", "pending", "+863517654321", city, None, team, due, "paused"),
        ("move", "acknowledged", "ty0351xxx@adsl", county, None, None, None, "none"),
        ("repair", "held", "", city, tech, team, due, "breached"),
    ]
    for index, (kind, status, number, unit, technician, crew, due_at, state) in enumerate(cases):
        wo = WorkOrder(code=f"WO{index:09d}", kind=kind, status=status,
                       address="长风街1号 <3单元> & 4" if index % 2 else "",
                       subscription=Subscription(number=number), org_unit=unit,
                       technician=technician, team=crew,
                       sla_clock=SlaClock(due_at=due_at) if due_at else None)
        made.append(QueueRow(wo, state, None, f"剩余 {index} 小时 <b>"))
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", [Role.BRANCH_MANAGER, Role.COUNTER_CLERK, None])
def test_queue_rows_are_the_template_loops_rows(org, make_staff, language, role):
    request = RequestFactory().get("/console/work-orders/")
    request.user = make_staff("viewer", org.taiyuan, role) if role else AnonymousUser()
    context = {"rows": rows(), "request": request}
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context(context))
        written = Template(TAG).render(Context(context))
    assert written == expected
    assert expected.count("<tr ") == 4
