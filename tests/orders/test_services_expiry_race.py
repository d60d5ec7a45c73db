"""Two clock processes expiring unconfirmed orders: each order expires (and is audited) once."""

from __future__ import annotations

import json
import subprocess

import pytest

from telcodesk.orders.models import CustomerOrder

ORDERS = 30

SEED = f"""
import datetime as dt
from zoneinfo import ZoneInfo
from telcodesk.core.services import do_create_org_unit
from telcodesk.customers.models import (Account, Brand, Customer, Package, Subscription,
                                        ValueAddedOffering)
from telcodesk.orders.services.product_orders import ItemSpec, do_create_order

t = dt.datetime(2025, 9, 30, 10, tzinfo=ZoneInfo('Asia/Shanghai'))
op = do_create_org_unit(code='op', name='op', kind='operator', parent=None)
sx = do_create_org_unit(code='sx', name='sx', kind='province', parent=op)
ty = do_create_org_unit(code='ty', name='ty', kind='city', parent=sx)
xd = do_create_org_unit(code='xd', name='xd', kind='county', parent=ty, area='urban')
brand = Brand.objects.create(code='b', name='b')
package = Package.objects.create(brand=brand, code='m59', name='m59', services='mobile',
                                 monthly_fee_fen=5900, active_from=dt.date(2024, 1, 1))
music = ValueAddedOffering.objects.create(code='music', name='music', provider='p',
                                          monthly_fee_fen=500, active_from=dt.date(2024, 1, 1))
for i in range({ORDERS}):
    customer = Customer.objects.create(code=f'C{{i:09d}}', party_type='individual', name=f'n{{i}}',
                                       org_unit=xd, active_from=t)
    account = Account.objects.create(customer=customer, number=f'A{{i:09d}}', name='a',
                                     billing_type='prepaid', active_from=t)
    line = Subscription.objects.create(customer=customer, account=account, service='mobile',
                                       number=f'+86139{{i:08d}}', package=package, org_unit=xd,
                                       area='urban', active_from=t)
    do_create_order(now=t, actor=None, channel='api', customer=customer, subscription=line,
                    items=[ItemSpec(kind='vas_subscribe', offering=music)])
"""

EXPIRE = ("import datetime as dt; from zoneinfo import ZoneInfo; "
          "from telcodesk.orders.services.product_orders import expire_unconfirmed; "
          "t = dt.datetime(2025, 10, 1, 11, tzinfo=ZoneInfo('Asia/Shanghai')); "
          "print(expire_unconfirmed(t).split()[0])")

COUNT = ("from telcodesk.core.models import AuditEntry; "
         "from telcodesk.orders.models import CustomerOrder, VasSubscription; import json; "
         "print(json.dumps([CustomerOrder.objects.filter(state='cancelled').count(), "
         "AuditEntry.objects.filter(action='order.expire').count(), "
         "VasSubscription.objects.count()]))")


@pytest.mark.django_db(transaction=True)
def test_two_processes_expire_each_unconfirmed_order_once(run_cli):
    seeded = run_cli("manage", "shell", "--no-imports", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr

    racers = [run_cli.spawn("manage", "shell", "--no-imports", "-c", EXPIRE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]

    assert all(racer.returncode == 0 for racer in racers), outputs
    assert sum(int(out.strip()) for out, _err in outputs) == ORDERS
    counted = run_cli("manage", "shell", "--no-imports", "-c", COUNT)
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout) == [ORDERS, ORDERS, 0]
    assert not CustomerOrder.objects.exists()  # the test database itself was never touched
