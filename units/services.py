"""Writes for administrative units: reference data loading, aliases, demo accounts."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Membership, Region, Succession, Unit, UnitAlias
from .naming import normalize_name, strip_diacritics

DATA_DIR = Path(__file__).resolve().parent / "data"
GSO_SOURCE = "Tổng cục Thống kê, danh mục đơn vị hành chính (danhmuchanhchinh.gso.gov.vn)"
MERGER_DATE = dt.date(2025, 7, 1)
MERGER_BASIS = "NQ 60-NQ/TW ngày 12/4/2025; NQ 202/2025/QH15 ngày 12/6/2025"
DISTRICTS_ABOLISHED_BASIS = "NQ 60-NQ/TW; Luật 72/2025/QH15"
NATION_CODE = "VN"


def read_data_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a project data file; its first line is a `#` comment naming the source."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines)


def _short_name(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Huyện ", "Thị xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _english_name(name: str, *, city: bool) -> str:
    short = strip_diacritics(_short_name(name))
    return f"{short} City" if city else short


def _optional_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class LoadSummary:
    regions: int
    provinces_before_merger: int
    provinces_after_merger: int
    districts: int
    departments: int
    successions: int
    aliases: int


def _unit_upsert(*, code: str, **fields: object) -> Unit:
    unit, _created = Unit.objects.update_or_create(code=code, defaults=fields)
    return unit


def alias_add(*, unit: Unit, name: str, source: str = "") -> UnitAlias:
    """Add a name variant for a unit; a variant that normalises like an existing one is reused."""
    normalized = normalize_name(name)
    if not normalized:
        raise ValidationError("Tên gọi khác không được để trống.")
    alias, _created = UnitAlias.objects.get_or_create(
        unit=unit, normalized=normalized, defaults={"name": name, "source": source}
    )
    return alias


def _succession(
    *,
    predecessor: Unit,
    successor: Unit | None,
    kind: str,
    date: dt.date,
    legal_basis: str,
    old_name: str = "",
) -> None:
    Succession.objects.update_or_create(
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        date=date,
        defaults={"legal_basis": legal_basis, "old_name": old_name},
    )


def _departments_load(*, data_dir: Path, province: Unit) -> int:
    """Quảng Nam's departments and central agencies, and the 1/3/2025 restructuring of its
    specialised agencies (19 → 13). Scores and reports of a merged department stay with it;
    the succession lets its history be followed into the department that absorbed it."""
    departments = 0
    for row in read_data_csv(data_dir / "quang_nam_departments.csv"):
        _unit_upsert(
            code=row["code"],
            gso_code="",
            name=row["name"],
            name_en=row["name_en"],
            short_name=row["short_name"],
            kind=row["kind"],
            parent=province,
            region=None,
            valid_from=_optional_date(row.get("valid_from", "")),
            valid_to=_optional_date(row["valid_to"]),
            source="Danh mục mặc định của Reform Portal",
        )
        departments += 1
    for row in read_data_csv(data_dir / "quang_nam_departments_2025.csv"):
        _succession(
            predecessor=Unit.objects.get(code=row["predecessor_code"]),
            successor=Unit.objects.get(code=row["successor_code"]),
            kind=row["kind"],
            date=dt.date.fromisoformat(row["date"]),
            legal_basis=row["legal_basis"],
        )
    return departments + _successor_departments_load(data_dir=data_dir)


SUCCESSOR_DEPARTMENTS_BASIS = (
    "NQ 202/2025/QH15 ngày 12/6/2025; quyết định của UBND thành phố Đà Nẵng về các cơ quan "
    "chuyên môn (2025)"
)


def _successor_departments_load(*, data_dir: Path) -> int:
    """The new Đà Nẵng's departments (from 1/7/2025) and the merge of each Quảng Nam department
    that still existed on 30/6/2025 into its counterpart. Quảng Nam's departments keep their
    scores and reports; the successions let tasks and history follow them."""
    city = Unit.objects.get(code="48-2025")
    departments = 0
    for row in read_data_csv(data_dir / "da_nang_departments_2025.csv"):
        unit = _unit_upsert(
            code=row["code"],
            gso_code="",
            name=row["name"],
            name_en=row["name_en"],
            short_name=row["short_name"],
            kind=row["kind"],
            parent=city,
            region=None,
            valid_from=_optional_date(row["valid_from"]),
            valid_to=_optional_date(row["valid_to"]),
            source="Danh mục mặc định của Reform Portal",
        )
        departments += 1
        for code in filter(None, row["predecessor_codes"].split(";")):
            _succession(
                predecessor=Unit.objects.get(code=code),
                successor=unit,
                kind=Succession.Kind.MERGE,
                date=MERGER_DATE,
                legal_basis=SUCCESSOR_DEPARTMENTS_BASIS,
            )
    return departments


@transaction.atomic
def units_load_reference(*, data_dir: Path = DATA_DIR) -> LoadSummary:
    """Load regions, the 63 and 34 provinces, Quảng Nam's districts and departments, the
    successions between them, and published name variants. Idempotent: a second run changes
    nothing and creates no duplicates."""
    regions = {}
    for row in read_data_csv(data_dir / "regions.csv"):
        region, _created = Region.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "name_en": row["name_en"], "order": int(row["order"])},
        )
        regions[region.name] = region

    nation = _unit_upsert(
        code=NATION_CODE,
        gso_code="",
        name="Việt Nam",
        name_en="Viet Nam",
        short_name="Việt Nam",
        kind=Unit.Kind.NATION,
        parent=None,
        region=None,
        valid_from=None,
        valid_to=None,
        source="",
    )

    groups = list(read_data_csv(data_dir / "provinces_34.csv"))
    merged_old_codes = {
        old
        for row in groups
        for old in row["merged_from_old_codes"].split(";")
        if row["merged_from_old_codes"] != row["new_code"]
    }

    old_provinces: dict[str, Unit] = {}
    for row in read_data_csv(data_dir / "provinces_63.csv"):
        code = row["code"]
        city = row["type"] == "Thành phố Trung ương"
        unit = _unit_upsert(
            code=code,
            gso_code=code,
            name=row["name"],
            name_en=_english_name(row["name"], city=city),
            short_name=_short_name(row["name"]),
            kind=Unit.Kind.PROVINCE,
            parent=nation,
            region=regions[row["region"]],
            valid_from=None,
            valid_to=MERGER_DATE - dt.timedelta(days=1) if code in merged_old_codes else None,
            source=GSO_SOURCE,
        )
        old_provinces[code] = unit
        if row["name_2024_11"] != row["name"]:
            # Thừa Thiên Huế became Thành phố Huế on 1/1/2025, keeping code 46.
            alias_add(unit=unit, name=row["name_2024_11"], source=GSO_SOURCE)
            _succession(
                predecessor=unit,
                successor=unit,
                kind=Succession.Kind.RENAME,
                date=dt.date(2025, 1, 1),
                legal_basis="NQ 175/2024/QH15",
                old_name=row["name_2024_11"],
            )

    new_count = 0
    for row in groups:
        old_codes = row["merged_from_old_codes"].split(";")
        if old_codes == [row["new_code"]]:
            new_count += 1
            continue  # the province continues unchanged after 1/7/2025
        retained = old_provinces.get(row["new_code"]) or old_provinces[old_codes[0]]
        new_unit = _unit_upsert(
            code=f"{row['new_code']}-2025",
            gso_code=row["new_code"],
            name=row["new_name"],
            name_en=_english_name(row["new_name"], city=row["new_name"].startswith("Thành phố")),
            short_name=f"{_short_name(row['new_name'])} (từ 2025)",
            kind=Unit.Kind.PROVINCE,
            parent=nation,
            region=retained.region,
            valid_from=MERGER_DATE,
            valid_to=None,
            source="Công văn 915/CTK-CSCL (2025); " + MERGER_BASIS,
        )
        new_count += 1
        for old_code in old_codes:
            _succession(
                predecessor=old_provinces[old_code],
                successor=new_unit,
                kind=Succession.Kind.MERGE,
                date=MERGER_DATE,
                legal_basis=MERGER_BASIS,
            )

    home_province = old_provinces["49"]
    districts: dict[str, Unit] = {}
    for row in read_data_csv(data_dir / "quang_nam_districts.csv"):
        districts[row["code"]] = _unit_upsert(
            code=row["code"],
            gso_code=row["code"],
            name=row["name"],
            name_en=_english_name(row["name"], city=False),
            short_name=_short_name(row["name"]),
            kind=Unit.Kind.DISTRICT,
            parent=home_province,
            region=None,
            valid_from=None,
            valid_to=dt.date.fromisoformat(row["valid_to"]),
            source=GSO_SOURCE,
        )
    for code, district in districts.items():
        if code == "519":
            _succession(
                predecessor=district,
                successor=districts["509"],
                kind=Succession.Kind.MERGE,
                date=dt.date(2025, 1, 1),
                legal_basis="NQ 1241/NQ-UBTVQH15 ngày 24/10/2024",
            )
        else:
            _succession(
                predecessor=district,
                successor=None,
                kind=Succession.Kind.ABOLISH,
                date=MERGER_DATE,
                legal_basis=DISTRICTS_ABOLISHED_BASIS,
            )

    departments = _departments_load(data_dir=data_dir, province=home_province)

    for row in read_data_csv(data_dir / "aliases.csv"):
        alias_add(
            unit=Unit.objects.get(code=row["unit_code"]),
            name=row["alias"],
            source="Bảng công bố chỉ số",
        )

    return LoadSummary(
        regions=len(regions),
        provinces_before_merger=len(old_provinces),
        provinces_after_merger=new_count,
        districts=len(districts),
        departments=departments,
        successions=Succession.objects.count(),
        aliases=UnitAlias.objects.count(),
    )


DEMO_ACCOUNTS: list[tuple[str, str, str | None, str]] = [
    ("admin", Membership.Role.ADMIN, None, "Quản trị hệ thống"),
    ("lanhdao", Membership.Role.OFFICIAL, None, "Lãnh đạo UBND tỉnh"),
    # Today's departments (the new Đà Nẵng's, from 1/7/2025): their heads also read the
    # reports of the departments that went into theirs (Sở KH&ĐT, Sở TT&TT of Quảng Nam).
    ("thamdinh", Membership.Role.REVIEWER, "48-2025.SNV", "Chuyên viên thẩm định Sở Nội vụ"),
    ("truongso_stc", Membership.Role.DEPARTMENT_HEAD, "48-2025.STC", "Giám đốc Sở Tài chính"),
    ("truongso_skhcn", Membership.Role.DEPARTMENT_HEAD, "48-2025.SKHCN", "Giám đốc Sở KH&CN"),
]


@transaction.atomic
def demo_accounts_create(*, password: str) -> list[tuple[str, str]]:
    """Create (or reset) the demo accounts. Refused where settings forbid demo accounts."""
    if not getattr(settings, "PORTAL_DEMO_ACCOUNTS", False):
        raise ValidationError("Tài khoản minh họa không được tạo trong môi trường production.")
    user_model = get_user_model()
    created = []
    for username, role, unit_code, full_name in DEMO_ACCOUNTS:
        user, _created = user_model.objects.get_or_create(username=username)
        user.first_name = full_name
        user.is_staff = role == Membership.Role.ADMIN
        user.is_superuser = role == Membership.Role.ADMIN
        user.set_password(password)
        user.save()
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        Membership.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
        created.append((username, str(Membership.Role(role).label)))
    return created


@transaction.atomic
def unit_contact_update(*, unit: Unit, contact_email: str, contact_phone: str) -> Unit:
    unit.contact_email = contact_email
    unit.contact_phone = contact_phone
    unit.save(update_fields=["contact_email", "contact_phone"])
    return unit


# --- Management pages: people, their roles and units; name variants -------------------------


def _membership_check(*, role: str, unit: Unit | None) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if role == Membership.Role.DEPARTMENT_HEAD and unit is None:
        raise ValidationError({"unit": _("Thủ trưởng đơn vị phải gắn với một đơn vị.")})


def _full_name(full_name: str) -> str:
    # The portal keeps a person's full name whole in `first_name` (Vietnamese names are not
    # split into given and family names the way the English form assumes).
    return " ".join(full_name.split())[:150]


def _password_messages(error: ValidationError) -> list[str]:
    """The password validators' messages in the page's language: Django's Vietnamese catalogue
    leaves some of them (the plural "too short") in English, so the known ones are ours."""
    ours = {
        "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
        "password_too_common": _("Mật khẩu này quá phổ biến."),
        "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
        "password_too_similar": _("Mật khẩu quá giống %(verbose_name)s."),
    }
    messages = []
    for item in error.error_list:
        text = ours.get(item.code or "")
        messages.append(text % (item.params or {}) if text else " ".join(item.messages))
    return messages


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    unit: Unit | None,
    password: str,
) -> Any:
    """Create an account with its role and unit. The password must pass the site's password
    validators (checked against the new account's own name and email too); errors are raised
    keyed by field."""
    user_model = get_user_model()
    username = username.strip()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã được dùng.")})
    _membership_check(role=role, unit=unit)
    user = user_model(username=username, first_name=_full_name(full_name), email=email.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": _password_messages(error)}) from error
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


@transaction.atomic
def user_update(
    *, user: Any, full_name: str, email: str, role: str, unit: Unit | None, by: Any
) -> Any:
    """Change a person's name, email, role and unit (never the password or admin-site rights).
    An admin does not take away their own admin role: the portal would be left without one."""
    _membership_check(role=role, unit=unit)
    if user.pk == by.pk and role != Membership.Role.ADMIN and not user.is_superuser:
        raise ValidationError({"role": _("Bạn không thể bỏ vai trò quản trị của chính mình.")})
    user.first_name = _full_name(full_name)
    user.email = email.strip()
    user.save(update_fields=["first_name", "email"])
    Membership.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
    return user


@transaction.atomic
def user_set_active(*, user: Any, active: bool, by: Any) -> Any:
    """Deactivate (or reactivate) an account: it can no longer sign in; its records stay."""
    if not active and user.pk == by.pk:
        raise ValidationError(_("Bạn không thể tự ngừng tài khoản của chính mình."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def alias_create(*, unit: Unit, name: str, source: str = "") -> UnitAlias:
    """Add a name variant from the management page: unlike `alias_add` (idempotent, for the
    reference data), a variant the unit already has is reported, not silently reused."""
    normalized = normalize_name(name)
    if not normalized:
        raise ValidationError({"name": _("Tên gọi khác không được để trống.")})
    if UnitAlias.objects.filter(unit=unit, normalized=normalized).exists():
        raise ValidationError(
            {"name": _("Đơn vị %(unit)s đã có cách viết này.") % {"unit": unit.name}}
        )
    return UnitAlias.objects.create(
        unit=unit, name=name.strip(), normalized=normalized, source=source.strip()
    )


@transaction.atomic
def alias_delete(*, alias: UnitAlias) -> None:
    alias.delete()
