"""Admin pages of the import pipeline and the analytics runs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from indices.analytics.queue import analysis_request
from indices.forms import (
    EditionStartForm,
    ImportConfirmForm,
    ImportUploadForm,
    MappingForm,
    UnmatchedNamesForm,
)
from indices.models import AnalysisRun, ImportBatch, Index, IndexEdition
from indices.services.imports.editions import edition_previous, edition_start
from indices.services.imports.held import upload_hold
from indices.services.imports.names import unmatched_names_resolve
from indices.services.imports.service import (
    ConfirmationRequired,
    ImportRejected,
    batch_data,
    current_batch,
    import_restore,
    import_stage,
    scores_import,
    scores_preview,
)
from indices.services.imports.workbook_templates import edition_template_xlsx
from reform_portal.permissions import has_perm, require_perm

PREVIEW_ROWS = 100


def _require_admin(request: HttpRequest) -> None:
    require_perm(request, "indices.import_scores")


_UPLOAD_PARAMS = {"index": "index", "year": "year", "level": "level", "held": "tep"}


def _upload_initial(request: HttpRequest) -> dict[str, object]:
    """The import form as a link opens it (back from creating an edition): index, year, level
    and the file it held."""
    query = request.GET
    return {key: query[param] for key, param in _UPLOAD_PARAMS.items() if query.get(param)}


def _edition_create_url(form: ImportUploadForm) -> str:
    """The link that creates the edition the form asked for, carrying the file it holds."""
    if form.missing_edition is None:
        return ""
    index, year = form.missing_edition
    query = {"index": index.code, "year": year, "tep": form["held"].value() or ""}
    return f"{reverse('indices:edition_create')}?{urlencode(query)}"


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=_upload_initial(request),
    )
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["upload"]
            batch = import_stage(
                edition=form.cleaned_data["edition"],
                data=upload.data,
                filename=upload.name,
                user=request.user,
            )
            return redirect("indices:import_preview", pk=batch.pk)
        if form.fresh_upload is not None:
            # Keep the chosen file while the rest of the form is corrected: the form is shown
            # again holding it, with the same errors.
            data = request.POST.copy()
            data["held"] = upload_hold(
                data=form.fresh_upload.data, filename=form.fresh_upload.name, user=request.user
            )
            form = ImportUploadForm(data, user=request.user)
            form.is_valid()
    batches = ImportBatch.objects.select_related("edition__index", "uploaded_by")
    page = Paginator(batches.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    internal = IndexEdition.objects.filter(
        index__kind="internal", status="published"
    ).select_related("index")
    return render(
        request,
        "indices/import_list.html",
        {
            "form": form,
            "page": page,
            "internal_editions": internal,
            "create_edition_url": _edition_create_url(form),
        },
    )


@login_required
def edition_create(request: HttpRequest) -> HttpResponse:
    """A new edition for the import page: the admin lands back on the import form with the
    edition chosen and the file it held still held."""
    _require_admin(request)
    form = EditionStartForm(
        request.POST or None, initial=EditionStartForm.initial_from(request.GET)
    )
    if request.method == "POST" and form.is_valid():
        try:
            edition = edition_start(
                index=form.cleaned_data["index"],
                year=form.cleaned_data["year"],
                reference_date=form.cleaned_data["reference_date"],
                published_top_n=form.cleaned_data["published_top_n"],
            )
        except ValidationError as error:  # created meanwhile by another admin
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã tạo kỳ %(edition)s với phương pháp sao chép từ kỳ %(previous)s.")
                % {"edition": edition, "previous": form.previous},
            )
            query: dict[str, str | int] = {
                "index": edition.index.code,
                "year": edition.year,
                "level": edition.level,
            }
            if form.cleaned_data["held"]:
                query["tep"] = form.cleaned_data["held"]
            return redirect(f"{reverse('indices:import_list')}?{urlencode(query)}")
    return render(
        request,
        "indices/edition_form.html",
        {"form": form, "source": _source_edition(form["index"].value(), form["year"].value())},
    )


def _source_edition(code: object, year: object) -> IndexEdition | None:
    """The edition whose methodology the form would copy, when the index and year are known."""
    index = Index.objects.filter(code=str(code or "")).first()
    text = str(year or "")
    if index is None or not (text.isascii() and text.isdecimal()):
        return None
    return edition_previous(index=index, year=int(text))


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    batch = get_object_or_404(ImportBatch.objects.select_related("edition__index"), pk=pk)
    edition = batch.edition
    overrides = {k: v for k, v in (batch.mapping or {}).items() if v is not None}
    data = batch_data(batch)
    result = scores_preview(
        edition=edition, data=data, filename=batch.original_name, overrides=overrides
    )
    components = list(edition.components.filter(parent__isnull=True).order_by("order"))
    mapping_form = MappingForm(
        request.POST if "apply_mapping" in request.POST else None,
        columns=result.columns,
        components=components,
        layout=result.layout,
    )
    if request.method == "POST" and "apply_mapping" in request.POST and mapping_form.is_valid():
        batch.mapping = mapping_form.overrides() | {"__layout__": result.layout}
        batch.save(update_fields=["mapping"])
        messages.info(request, _("Đã áp dụng ánh xạ cột; kết quả kiểm tra bên dưới đã cập nhật."))
        return redirect("indices:import_preview", pk=batch.pk)
    names_form = UnmatchedNamesForm(
        request.POST if "resolve_units" in request.POST else None, unmatched=result.unmatched
    )
    if (
        "resolve_units" in request.POST
        and batch.status == ImportBatch.Status.PREVIEWED
        and names_form.is_valid()
    ):
        aliases = unmatched_names_resolve(batch=batch, choices=names_form.choices())
        messages.success(
            request,
            ngettext(
                "Đã lưu %(n)s tên gọi khác; tệp đã được kiểm tra lại và các lần nhập sau sẽ tự "
                "nhận tên này.",
                "Đã lưu %(n)s tên gọi khác; tệp đã được kiểm tra lại và các lần nhập sau sẽ tự "
                "nhận các tên này.",
                len(aliases),
            )
            % {"n": len(aliases)},
        )
        return redirect("indices:import_preview", pk=batch.pk)
    current = current_batch(edition=edition)
    same_as_current = bool(current and current.sha256 == batch.sha256 and current.pk != batch.pk)
    codes = [c.code for c in components]
    records = [
        {
            "record": record,
            "total": record.values.get(None),
            "cells": [record.values.get(code) for code in codes],
        }
        for record in result.records[:PREVIEW_ROWS]
    ]
    return render(
        request,
        "indices/import_preview.html",
        {
            "batch": batch,
            "edition": edition,
            "result": result,
            "mapping_form": mapping_form,
            "components": components,
            "records": records,
            "more": max(0, len(result.records) - PREVIEW_ROWS),
            "same_as_current": same_as_current,
            "current": current,
            "confirm_form": ImportConfirmForm(),
            "names_form": names_form,
        },
    )


def _allow_missing(request: HttpRequest) -> bool:
    form = ImportConfirmForm(request.POST)
    return form.is_valid() and bool(form.cleaned_data["allow_missing"])


def _confirmation_message(request: HttpRequest, refused: ConfirmationRequired) -> None:
    messages.error(
        request,
        _(
            "Tệp mới không có %(n)s đơn vị đang có giá trị lưu trữ (%(names)s). Đánh dấu ô xác "
            "nhận xóa giá trị của các đơn vị này rồi bấm lại; chưa ghi dữ liệu nào."
        )
        % {
            "n": len(refused.dropped),
            "names": ", ".join(d.unit.display_name for d in refused.dropped[:10])
            + ("…" if len(refused.dropped) > 10 else ""),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    batch = get_object_or_404(ImportBatch.objects.select_related("edition"), pk=pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        messages.info(request, _("Lần nhập #%(pk)s đã được xử lý trước đó.") % {"pk": batch.pk})
        return redirect("indices:import_list")
    overrides = {k: v for k, v in (batch.mapping or {}).items() if v is not None}
    try:
        outcome = scores_import(
            edition=batch.edition,
            data=batch_data(batch),
            filename=batch.original_name,
            user=request.user,
            overrides=overrides,
            staged=batch,
            allow_missing=_allow_missing(request),
        )
    except ImportRejected as rejected:
        messages.error(
            request,
            _("Tệp còn %(n)s lỗi; chưa ghi dữ liệu nào.") % {"n": len(rejected.result.errors)},
        )
        return redirect("indices:import_preview", pk=batch.pk)
    except ConfirmationRequired as refused:
        _confirmation_message(request, refused)
        return redirect("indices:import_preview", pk=batch.pk)
    if outcome.unchanged:
        messages.info(
            request,
            _("Tệp giống hệt lần nhập #%(pk)s: không có gì thay đổi.")
            % {"pk": outcome.current_batch.pk},
        )
    else:
        messages.success(
            request,
            _("Đã ghi %(n)s giá trị vào %(edition)s; đang tính lại xếp hạng.")
            % {"n": outcome.result.value_count, "edition": batch.edition},
        )
    return redirect("indices:import_list")


def _restore(request: HttpRequest, pk: int) -> HttpResponse:
    """The restore itself; `import_restore_action` checks who asks and how."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.status != ImportBatch.Status.SUPERSEDED:
        raise PermissionDenied
    try:
        import_restore(batch=batch, user=request.user, allow_missing=_allow_missing(request))
    except ImportRejected:
        messages.error(request, _("Không khôi phục được lần nhập này: tệp không còn hợp lệ."))
    except ConfirmationRequired as refused:
        # The preview of the batch lists the values that would go, with the confirmation.
        _confirmation_message(request, refused)
        return redirect("indices:import_preview", pk=batch.pk)
    else:
        messages.success(request, _("Đã khôi phục lần nhập #%(pk)s.") % {"pk": batch.pk})
    return redirect("indices:import_list")


@login_required
@require_POST
def import_restore_action(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _restore(request, pk)


@login_required
def import_download(request: HttpRequest, pk: int) -> FileResponse:
    # Uploaded files are served back to admins only.
    _require_admin(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    if not batch.file:
        raise PermissionDenied
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.original_name)


@login_required
def edition_template(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _require_admin(request)
    edition = get_object_or_404(
        IndexEdition.objects.select_related("index"), index__code=code, year=year
    )
    content = edition_template_xlsx(edition=edition)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{code}-{year}.xlsx"'
    return response


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "indices.view_dashboards"):
        raise PermissionDenied
    if request.method == "POST":
        if not has_perm(request.user, "indices.run_analysis"):
            raise PermissionDenied
        run = analysis_request(
            edition_ids=None, trigger=AnalysisRun.Trigger.ADMIN, user=request.user
        )
        messages.success(request, _("Đã xếp lịch tính lại toàn bộ (lần #%(pk)s).") % {"pk": run.pk})
        return redirect("indices:run_list")
    runs = AnalysisRun.objects.select_related("batch__edition__index", "requested_by")
    page = Paginator(runs.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "indices/run_list.html",
        {
            "page": page,
            "can_run": has_perm(request.user, "indices.run_analysis"),
        },
    )
