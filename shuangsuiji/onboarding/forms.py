from __future__ import annotations

from django import forms

from shuangsuiji.core.errors import InvalidInput

from .services import parse_department


class SetupForm(forms.Form):
    region = forms.CharField(
        label="区县行政区划代码",
        max_length=6,
        help_text="6 位 GB/T 2260 代码，如 410402（平顶山市新华区）；省、市两级自动建立",
    )
    departments = forms.CharField(
        label="部门",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个，格式 简称=全称（如 文广旅局=新华区文化广电和旅游局）；"
        "留空则建立网吧领域的默认两个部门（文广旅局、公安分局）",
    )

    def clean_departments(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data["departments"].splitlines():
            if line.strip():
                try:
                    pairs.append(parse_department(line))
                except InvalidInput as exc:
                    raise forms.ValidationError(exc.message) from None
        return pairs
