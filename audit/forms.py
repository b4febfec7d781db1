from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại"),
        required=False,
        choices=[("", _("Tất cả")), *AuditEvent.Kind.choices],
    )
    user = forms.CharField(label=_("Tên đăng nhập"), required=False, max_length=150)

    def clean_user(self) -> str:
        return "".join(ch for ch in self.cleaned_data["user"] if ch.isprintable()).strip()
