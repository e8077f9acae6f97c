from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    name = "familyhelp"
    verbose_name = "Family Help (early help)"

    def register(self) -> None:
        """Said to the lower apps from `ready`: who reaches a child through Family Help, and
        what Family Help adds to the child's chronology."""
        from cases.access import register_reach

        from . import chronology_sources  # noqa: F401 (registers the sources)
        from .selectors import family_help_reach

        register_reach(family_help_reach)

    def ready(self) -> None:
        self.register()
