from django.db import models


class UPNUnknownReason(models.TextChoices):
    UN1 = "UN1", "UN1 – Child is aged under 6 years old and is not yet attending school"
    UN2 = "UN2", "UN2 – Child has never attended a school in England"
    UN3 = "UN3", "UN3 – Child is educated at home"
    UN4 = "UN4", "UN4 – Child recently arrived from abroad (or unaccompanied asylum seeker)"
    UN5 = "UN5", "UN5 – Sources collating UPNs reflect a delay in UPN allocation"
    UN6 = "UN6", "UN6 – Child is aged 6 or over and is not attending school"
    UN7 = "UN7", "UN7 – Referral with no further action"
