"""factory_boy factories shared by the whole suite."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from units.models import Membership, Region, Unit


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Vùng {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    kind = Unit.Kind.PROVINCE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or "demo12345")
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OFFICIAL
    unit = None


class IndexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indices.Index"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"IDX{n}")
    name = factory.Sequence(lambda n: f"Chỉ số thử {n}")
    short_name = factory.LazyAttribute(lambda o: o.code)
    kind = "national"


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indices.IndexEdition"

    index = factory.SubFactory(IndexFactory)
    year = 2021
    level = "province"
    methodology_version = "thử"
    scale = "percent"
    total_min = 0
    total_max = 100
    component_min = 0
    component_max = 100
    aggregation = "published_only"
    reference_date = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indices.Component"

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"Thành phần {n + 1}")


class ScoreFactory(factory.django.DjangoModelFactory):
    """A total (no component) or a component's value of one unit in one edition, at the
    edition's precision; pass `state` "not_published" or "not_available" with `value=None`."""

    class Meta:
        model = "indices.Score"

    unit = factory.SubFactory(UnitFactory)
    edition = factory.SubFactory(EditionFactory)
    component = None
    state = "value"
    value = Decimal("50")
    decimals = factory.LazyAttribute(lambda o: o.edition.decimals)
    basis = "published"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indices.Target"
        django_get_or_create = ("unit", "index", "component_code", "kind", "period_start")

    unit = factory.SubFactory(UnitFactory)
    index = factory.SubFactory(IndexFactory)
    component_code = ""
    kind = "score"
    target_value = Decimal("85")
    period_start = 2021
    baseline_year = 2020
    target_year = 2025


class TargetMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indices.TargetMilestone"
        django_get_or_create = ("target", "year")

    target = factory.SubFactory(TargetFactory)
    year = 2024
    value = Decimal("84")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Plan"

    name = factory.Sequence(lambda n: f"Kế hoạch thử {n}")
    province = factory.SubFactory(UnitFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Task"

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.LazyAttribute(lambda o: f"Nhiệm vụ {o.code}")
    responsible = factory.SubFactory(UnitFactory, kind=Unit.Kind.DEPARTMENT)
    start_date = dt.date(2021, 1, 1)
    due_date = dt.date(2030, 12, 31)


class TaskAimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.TaskAim"

    task = factory.SubFactory(TaskFactory)
    index = factory.SubFactory(IndexFactory)
    component_code = ""


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Indicator"

    task = factory.SubFactory(TaskFactory)
    name = "Thời gian cấp phép"
    unit_of_measure = "ngày"
    direction = "lower"
    baseline = Decimal(15)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.IndicatorTarget"
        django_get_or_create = ("indicator", "year", "quarter")

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    quarter = 1
    value = Decimal(10)


class ReportingWindowFactory(factory.django.DjangoModelFactory):
    """A quarter's reporting window: Q1 2025, long past its deadline unless told otherwise."""

    class Meta:
        model = "reports.ReportingWindow"

    year = 2025
    quarter = 1
    opens_on = dt.date(2025, 3, 10)
    deadline = dt.date(2025, 4, 15)
