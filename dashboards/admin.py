from django import forms
from django.contrib import admin

from .figures import FIGURES
from .models import FigureTarget


def _figure_choices() -> list[tuple[str, str]]:
    return sorted(
        ((key, f"{f.title}{' (%)' if f.is_share else ''}") for key, f in FIGURES.items()),
        key=lambda c: c[1],
    )


class FigureTargetForm(forms.ModelForm):
    figure = forms.ChoiceField(choices=_figure_choices, help_text="The figure this target is for.")

    class Meta:
        model = FigureTarget
        fields = ["figure", "target", "direction", "near_margin"]


@admin.register(FigureTarget)
class FigureTargetAdmin(admin.ModelAdmin):
    form = FigureTargetForm
    list_display = ["figure_title", "target", "direction", "near_margin"]

    @admin.display(description="Figure")
    def figure_title(self, obj: FigureTarget) -> str:
        declared = FIGURES.get(obj.figure)
        return declared.title if declared else obj.figure
