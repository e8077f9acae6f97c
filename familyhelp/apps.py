from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    name = "familyhelp"
    verbose_name = "Family Help (early help)"

    def register(self) -> None:
        """Said to the lower apps from `ready`: who reaches a child through Family Help, and
        what Family Help adds to the child's chronology, and what a front-door decision starts."""
        from cases.access import register_reach
        from frontdoor.services import register_decision_listener

        from . import chronology_sources  # noqa: F401 (registers the sources)
        from .selectors import family_help_reach
        from .services import request_from_contact

        register_reach(family_help_reach)
        # A contact decided "Family Help" asks the chosen team to take the child on.
        register_decision_listener(request_from_contact)

    def ready(self) -> None:
        self.register()
