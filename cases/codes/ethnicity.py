from django.db import models


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White – British"
    WIRI = "WIRI", "White – Irish"
    WIRT = "WIRT", "White – Traveller of Irish heritage"
    WOTH = "WOTH", "White – any other White background"
    WROM = "WROM", "White – Gypsy / Roma"
    MWBC = "MWBC", "Mixed – White and Black Caribbean"
    MWBA = "MWBA", "Mixed – White and Black African"
    MWAS = "MWAS", "Mixed – White and Asian"
    MOTH = "MOTH", "Mixed – any other mixed background"
    AIND = "AIND", "Asian or Asian British – Indian"
    APKN = "APKN", "Asian or Asian British – Pakistani"
    ABAN = "ABAN", "Asian or Asian British – Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British – any other Asian background"
    BCRB = "BCRB", "Black or Black British – Caribbean"
    BAFR = "BAFR", "Black or Black British – African"
    BOTH = "BOTH", "Black or Black British – any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"
