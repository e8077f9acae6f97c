from django.db import models


class ClosureReason(models.TextChoices):
    RC1 = "RC1", "RC1 Adopted"
    RC2 = "RC2", "RC2 Died"
    RC3 = "RC3", "RC3 Child arrangements order"
    RC4 = "RC4", "RC4 Special guardianship order"
    RC5 = "RC5", "RC5 Transferred to services of another local authority"
    RC6 = "RC6", "RC6 Transferred to adult social care services"
    RC7 = "RC7", "RC7 Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "RC8 Case closed after assessment, no further action"
    RC9 = "RC9", "RC9 Case closed after assessment, referred to early help"
