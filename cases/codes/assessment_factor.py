from django.db import models


class AssessmentFactor(models.TextChoices):
    """Factors identified at the end of assessment (DfE CIN census 2025 to 2026 code set).

    18A (physical abuse) and 19A (sexual abuse) are retired: the census now asks whether the
    abuse was by a child (18B, 19B) or an adult (18C, 19C), queries 18A and 19A (rules 8945Q
    and 8950Q), and they are not offered. 24A is child criminal exploitation; 20 is "Other".
    """

    F1A = "1A", "1A Alcohol misuse – concerns about the child"
    F1B = "1B", "1B Alcohol misuse – concerns about the parent or carer"
    F1C = "1C", "1C Alcohol misuse – concerns about another person in the family or household"
    F2A = "2A", "2A Drug misuse – concerns about the child"
    F2B = "2B", "2B Drug misuse – concerns about the parent or carer"
    F2C = "2C", "2C Drug misuse – concerns about another person in the family or household"
    F3A = "3A", "3A Domestic abuse – concerns about the child"
    F3B = "3B", "3B Domestic abuse – concerns about the parent or carer"
    F3C = "3C", "3C Domestic abuse – concerns about another person in the family or household"
    F4A = "4A", "4A Mental health – concerns about the child"
    F4B = "4B", "4B Mental health – concerns about the parent or carer"
    F4C = "4C", "4C Mental health – concerns about another person in the family or household"
    F5A = "5A", "5A Learning disability – concerns about the child"
    F5B = "5B", "5B Learning disability – concerns about the parent or carer"
    F5C = "5C", "5C Learning disability – concerns about another person in the family"
    F6A = "6A", "6A Physical disability or illness – concerns about the child"
    F6B = "6B", "6B Physical disability or illness – concerns about the parent or carer"
    F6C = "6C", "6C Physical disability or illness – concerns about another person"
    F7A = "7A", "7A Young carer"
    F8B = "8B", "8B Privately fostered – overseas child who intends to return to their country"
    F8C = "8C", "8C Privately fostered – overseas child who intends to stay in the UK"
    F8D = "8D", "8D Privately fostered – UK child in an educational placement"
    F8E = "8E", "8E Privately fostered – UK child making alternative family arrangements"
    F8F = "8F", "8F Privately fostered – UK child, other"
    F9A = "9A", "9A Unaccompanied asylum-seeking child"
    F10A = "10A", "10A Going or being missing"
    F11A = "11A", "11A Child sexual exploitation"
    F12A = "12A", "12A Trafficking"
    F13A = "13A", "13A Gangs"
    F14A = "14A", "14A Socially unacceptable behaviour"
    F15A = "15A", "15A Self-harm"
    F16A = "16A", "16A Abuse or neglect – neglect"
    F17A = "17A", "17A Abuse or neglect – emotional abuse"
    F18B = "18B", "18B Abuse or neglect – physical abuse: child on child"
    F18C = "18C", "18C Abuse or neglect – physical abuse: adult on child"
    F19B = "19B", "19B Abuse or neglect – sexual abuse: child on child"
    F19C = "19C", "19C Abuse or neglect – sexual abuse: adult on child"
    F20 = "20", "20 Other"
    F21 = "21", "21 No factors identified"
    F22A = "22A", "22A Female genital mutilation"
    F23A = "23A", "23A Abuse linked to faith or belief"
    F24A = "24A", "24A Child criminal exploitation"


NO_FACTORS = AssessmentFactor.F21.value
