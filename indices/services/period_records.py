"""A unit's planning period for given years, created when missing (targets and plans are saved
into it; `indices.services.periods` starts one period from another)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indices.models import Period
from units.models import Unit

# Vietnam plans in five-year periods: 2021–2025, 2026–2030.
FIRST_PERIOD_START = 2021


def period_years(year: int) -> tuple[int, int]:
    """The five-year period a year falls in: 2025 → (2021, 2025), 2026 → (2026, 2030)."""
    start = FIRST_PERIOD_START + 5 * ((year - FIRST_PERIOD_START) // 5)
    return start, start + 4


@transaction.atomic
def period_ensure(*, unit: Unit, start_year: int, end_year: int, is_demo: bool = False) -> Period:
    """The unit's period for these years, created when missing. A period of the unit starting
    the same year but ending in another is refused (a unit has one period per start year)."""
    if start_year > end_year:
        raise ValidationError(_("Năm kết thúc giai đoạn phải sau hoặc bằng năm bắt đầu."))
    period, _created = Period.objects.get_or_create(
        unit=unit,
        start_year=start_year,
        defaults={"end_year": end_year, "is_demo": is_demo},
    )
    if period.end_year != end_year:
        raise ValidationError(
            _("%(unit)s đã có giai đoạn %(years)s: không tạo được giai đoạn %(start)s–%(end)s.")
            % {
                "unit": unit.name,
                "years": f"{period.start_year}–{period.end_year}",
                "start": start_year,
                "end": end_year,
            }
        )
    return period
