"""A superuser's scope matches every row, also when OR-ed with other conditions."""

import pytest
from django.db.models import Q

from telcodesk.core.models import OrgUnit
from telcodesk.core.selectors import scope_q


@pytest.mark.django_db
def test_superuser_scope_survives_an_or(org, make_staff):
    boss = make_staff("boss", None, superuser=True)
    clerk = make_staff("clerk", org.datong)
    # An empty Q() would vanish from the OR and leave only "pk = -1".
    assert (OrgUnit.objects.filter(scope_q(boss, field="parent") | Q(pk=-1)).count()
            == OrgUnit.objects.count())
    in_datong = OrgUnit.objects.filter(scope_q(clerk, field="parent") | Q(pk=-1))
    assert set(in_datong) == {org.yungang}
