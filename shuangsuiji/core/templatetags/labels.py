"""Template filters for codes and rates (built in: see TEMPLATES in settings)."""

from django import template

from shuangsuiji.core import labels

register = template.Library()


@register.filter(name="label")
def label(code, kind=None):
    return labels.label(code, kind)


@register.filter(name="percent")
def percent(rate_bp):
    return labels.percent(rate_bp)
