"""factory_boy factories for the units' history (the shared ones are in tests/factories.py)."""

import datetime as dt

import factory

from tests.factories import UnitFactory
from units.models import Succession


class SuccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Succession

    predecessor = factory.SubFactory(UnitFactory, valid_to=dt.date(2025, 6, 30))
    successor = factory.SubFactory(UnitFactory, valid_from=dt.date(2025, 7, 1))
    kind = Succession.Kind.MERGE
    date = dt.date(2025, 7, 1)
    legal_basis = "NQ thử"
