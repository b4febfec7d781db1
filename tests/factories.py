"""factory_boy factories shared by the whole suite."""

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
    reference_date = factory.LazyAttribute(lambda o: __import__("datetime").date(o.year, 12, 31))


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indices.Component"

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"Thành phần {n + 1}")
