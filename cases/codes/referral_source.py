from django.db import models


class ReferralSource(models.TextChoices):
    IND_FAMILY = "1A", "1A Individual – family member, relative or carer"
    IND_ACQUAINTANCE = "1B", "1B Individual – acquaintance (including neighbours and child minders)"
    IND_SELF = "1C", "1C Individual – self"
    IND_OTHER = "1D", "1D Individual – other (including strangers and MPs)"
    SCHOOLS = "2A", "2A Schools"
    EDUCATION_OTHER = "2B", "2B Education services"
    HEALTH_GP = "3A", "3A Health – GP"
    HEALTH_VISITOR = "3B", "3B Health – health visitor"
    HEALTH_SCHOOL_NURSE = "3C", "3C Health – school nurse"
    HEALTH_OTHER_PRIMARY = "3D", "3D Health – other primary health services"
    HEALTH_AE = "3E", "3E Health – A&E (emergency department)"
    HEALTH_OTHER = "3F", "3F Health – other"
    HOUSING = "4", "4 Housing (local authority housing or housing association)"
    LA_SOCIAL_CARE = "5A", "5A LA services – social care (for example adults' social care)"
    LA_OTHER_INTERNAL = "5B", "5B LA services – other internal"
    LA_EXTERNAL = "5C", "5C LA services – external (for example another local authority)"
    LA_EARLY_HELP = "5D", "5D LA services – early help"
    POLICE = "6", "6 Police"
    OTHER_LEGAL = (
        "7",
        "7 Other legal agency (including courts, probation, immigration, youth justice)",
    )
    OTHER = "8", "8 Other (including children's centres, voluntary organisations)"
    ANONYMOUS = "9", "9 Anonymous"
    UNKNOWN = "10", "10 Unknown"
