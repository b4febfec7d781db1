"""Which column (or, in a transposed table, which row) holds what: the roles read from the
headers, the admin's choices over them, and headers that claim the same role twice."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_noop

from indices.services.imports.context import ParseContext
from indices.services.imports.results import ColumnInfo
from indices.services.imports.vocabulary import (
    COMPONENT_PREFIX,
    ROLE_GROUP,
    ROLE_IGNORE,
    ROLE_RANK,
    ROLE_TOTAL,
    ROLE_YEAR,
    VALUE_ROLES,
)
from tabular.cells import raw_text
from tabular.headers import column_letter
from tabular.problems import message_part

_ROLE_LABELS = {
    ROLE_TOTAL: gettext_noop("điểm tổng"),
    ROLE_RANK: gettext_noop("thứ hạng"),
    ROLE_GROUP: gettext_noop("xếp loại"),
    ROLE_YEAR: gettext_noop("năm"),
}


def role_label(ctx: ParseContext, role: str) -> dict[str, Any] | str:
    """What a role is called in a problem: a message part (translated when shown), or the role
    itself when it has no name."""
    if role.startswith(COMPONENT_PREFIX):
        code = role[len(COMPONENT_PREFIX) :]
        component = ctx.by_code.get(code)
        if component:
            return message_part(
                gettext_noop("thành phần %(code)s. %(name)s"), code=code, name=component.name
            )
        return message_part(gettext_noop("thành phần %(code)s"), code=code)
    label = _ROLE_LABELS.get(role)
    return message_part(label) if label else role


def _holds_one_per_unit(role: str) -> bool:
    return role in VALUE_ROLES or role.startswith(COMPONENT_PREFIX)


def duplicates_settle(
    ctx: ParseContext, keys_and_headers: list[tuple[str, Any]], auto: dict[str, str], sheet: str
) -> None:
    """Two headers read as the same thing: keep the surer match, or the one with the
    edition's year ("Xếp hạng 2021" beside "Xếp hạng 2020"), and say which was set aside.
    A real tie is left for the admin (an error in duplicates_refuse)."""
    by_role: dict[str, list[tuple[str, Any]]] = {}
    for key, header in keys_and_headers:
        role = auto.get(key, "")
        if _holds_one_per_unit(role):
            by_role.setdefault(role, []).append((key, header))
    year = re.compile(rf"(?<!\d){ctx.edition.year}(?!\d)")
    for role, entries in by_role.items():
        if len(entries) < 2:
            continue
        strengths = [ctx.vocabulary.strength_of(header) for _key, header in entries]
        keep = [e for e, s in zip(entries, strengths, strict=True) if s == max(strengths)]
        if len(keep) > 1:
            dated = [e for e in keep if year.search(raw_text(e[1]))]
            keep = dated if len(dated) == 1 else keep
        if len(keep) != 1:
            continue
        kept_key, kept_header = keep[0]
        for key, header in entries:
            if key == kept_key:
                continue
            auto[key] = ROLE_IGNORE
            ctx.report(
                "warning",
                gettext_noop(
                    "“%(header)s” cũng được nhận là %(role)s; đã dùng “%(kept)s” và bỏ qua "
                    "“%(header)s” (chọn lại trong phần ánh xạ nếu cần)"
                ),
                sheet,
                None,
                "",
                raw_text(header),
                params={
                    "header": raw_text(header),
                    "role": role_label(ctx, role),
                    "kept": raw_text(kept_header),
                },
            )


def columns_map(
    ctx: ParseContext, keys_and_headers: list[tuple[str, Any]], auto: dict[str, str]
) -> None:
    """Each column's role: the admin's choice where there is one, else the one read."""
    for key, header in keys_and_headers:
        role = ctx.overrides.get(key, auto.get(key, ""))
        ctx.result.columns.append(
            ColumnInfo(key=key, header=raw_text(header), role=role, auto_role=auto.get(key, ""))
        )


def duplicates_refuse(ctx: ParseContext, sheet: str, *, rows: bool) -> bool:
    """The same score read from two columns (or rows) would keep one silently: refuse."""
    by_role: dict[str, list[ColumnInfo]] = {}
    for info in ctx.result.columns:
        if _holds_one_per_unit(info.role):
            by_role.setdefault(info.role, []).append(info)
    clean = True
    for role, infos in by_role.items():
        if len(infos) < 2:
            continue
        clean = False
        if rows:
            message = gettext_noop(
                "Các dòng %(keys)s cùng được nhận là %(role)s; hãy chọn “Bỏ qua” cho phần thừa "
                "trong phần ánh xạ"
            )
            keys = ", ".join(i.key for i in infos)
        else:
            message = gettext_noop(
                "Các cột %(keys)s cùng được nhận là %(role)s; hãy chọn “Bỏ qua” cho phần thừa "
                "trong phần ánh xạ"
            )
            keys = ", ".join(f"“{i.header or column_letter(int(i.key))}”" for i in infos)
        ctx.report(
            "error",
            message,
            sheet,
            ctx.result.header_row if not rows else None,
            params={"keys": keys, "role": role_label(ctx, role)},
        )
    return clean


def roles_and_names(ctx: ParseContext) -> tuple[dict[int, str], dict[int, str]]:
    """For a table read by columns: each column's role, and the name problems call it by."""
    roles = {int(c.key): c.role for c in ctx.result.columns}
    names = {int(c.key): c.header or column_letter(int(c.key)) for c in ctx.result.columns}
    return roles, names
