from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indices import selectors
from indices.forms import TargetForm
from indices.models import Index, IndexEdition, Target
from indices.services.catalogue import target_save
from indices.visibility import edition_visible
from reform_portal.permissions import has_perm, require_perm
from units.selectors import home_unit


@login_required
def index_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    return render(request, "indices/index_list.html", {"indices": selectors.indices_list()})


@login_required
def index_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(Index.objects.select_related("rating_scheme"), code=code)
    coverage = selectors.editions_with_coverage(index=index)
    editions = [item.edition for item in coverage]
    if not editions:
        selected = None
    else:
        year = request.GET.get("nam")
        selected = next((e for e in editions if str(e.year) == year), None)
        if year and selected is None:
            raise Http404
        # The latest published edition with scores, as the dashboards open on.
        published = [e for e in reversed(editions) if e.status == IndexEdition.Status.PUBLISHED]
        scored = set(
            IndexEdition.objects.filter(pk__in=[e.pk for e in published], scores__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )
        selected = selected or next(
            (e for e in published if e.pk in scored), published[0] if published else editions[-1]
        )
    bands = list(index.rating_scheme.bands.all()) if hasattr(index, "rating_scheme") else []
    context = {
        "index": index,
        "coverage": coverage,
        "selected": selected,
        "tree": selectors.component_tree(edition=selected) if selected else [],
        # An internal edition's results are shown once published, drafts to admins and reviewers.
        "league": selectors.edition_league(edition=selected)
        if selected and edition_visible(user=request.user, edition=selected)
        else [],
        "bands": bands,
        "targets": Target.objects.filter(index=index).select_related("unit"),
        "can_edit_targets": has_perm(request.user, "indices.edit_targets"),
    }
    return render(request, "indices/index_detail.html", context)


def _target_initial(target: Target) -> dict[str, object]:
    milestones = "\n".join(
        f"{m.year} = {m.rank if m.rank is not None else m.value}" for m in target.milestones.all()
    )
    return {
        "unit": target.unit,
        "index": target.index,
        "component_code": target.component_code,
        "kind": target.kind,
        "target_value": target.target_value,
        "target_rank": target.target_rank,
        "target_group": target.target_group,
        "baseline_year": target.baseline_year,
        "baseline_value": target.baseline_value,
        "baseline_rank": target.baseline_rank,
        "target_year": target.target_year,
        "period_start": target.period_start,
        "period_end": target.period_end,
        "milestones": milestones,
        "source": target.source,
        "note": target.note,
    }


@login_required
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request, "indices.edit_targets")
    target = get_object_or_404(Target, pk=pk) if pk else None
    initial = _target_initial(target) if target else {"baseline_year": 2020, "target_year": 2025}
    if not target and request.GET.get("index"):
        initial["index"] = Index.objects.filter(code=request.GET["index"]).first()
        initial["unit"] = home_unit()
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = target_save(
                target=target,
                unit=data["unit"],
                index=data["index"],
                kind=data["kind"],
                component_code=data["component_code"],
                target_value=data["target_value"],
                target_rank=data["target_rank"],
                target_group=data["target_group"],
                baseline_year=data["baseline_year"],
                baseline_value=data["baseline_value"],
                baseline_rank=data["baseline_rank"],
                target_year=data["target_year"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                milestones=data["milestones"],
                source=data["source"],
                note=data["note"],
                is_demo=target.is_demo if target else False,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu mục tiêu."))
            return redirect("indices:target_history", pk=saved.pk)
    return render(request, "indices/target_form.html", {"form": form, "target": target})


@login_required
def target_history(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    target = get_object_or_404(Target.objects.select_related("unit", "index"), pk=pk)
    return render(
        request,
        "indices/target_history.html",
        {
            "target": target,
            "history": selectors.target_history(target=target),
            "can_edit_targets": has_perm(request.user, "indices.edit_targets"),
        },
    )
