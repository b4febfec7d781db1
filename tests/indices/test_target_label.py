"""A target reads with its component's name (the audit log and the admin show it), never with
the component's number."""

from decimal import Decimal

import pytest

from tests.factories import ComponentFactory, EditionFactory, IndexFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_a_component_target_is_named_by_the_latest_edition():
    index = IndexFactory(code="TLBL", short_name="TLBL")
    ComponentFactory(edition=EditionFactory(index=index, year=2020), code="3", name="Minh bạch")
    ComponentFactory(
        edition=EditionFactory(index=index, year=2021), code="3", name="Tính minh bạch"
    )
    target = TargetFactory(index=index, component_code="3", target_value=Decimal("7"))
    assert target.describe() == "Tính minh bạch: ≥ 7"
    assert "[3]" not in str(target)


def test_a_total_target_has_no_component():
    target = TargetFactory(kind="rank", target_value=None, target_rank=20)
    assert target.describe() == "top 20"
