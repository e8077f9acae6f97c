"""Local authority numbers that may appear as characters 2 to 4 of a unique pupil number.

The DfE list of post-April 1998 LA codes and recognised "pseudo LA" codes, as the CIN census
checks them (rule 1530). A UPN whose characters 2 to 4 are not in this list is refused.
"""

_RANGES = [
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    (820, 823),
    (835, 839),
    (850, 852),
    (855, 857),
    (865, 896),
    (935, 938),
    (940, 941),
]
_SINGLE = [420, 815, 816, 825, 826, 830, 831, 840, 841, 845, 846, 860, 861, 908, 909, 916, 919]
_SINGLE += [921, 925, 926, 928, 929, 931, 933, 942, 943]

UPN_LA_CODES = frozenset(
    [f"{n:03d}" for low, high in _RANGES for n in range(low, high + 1)]
    + [f"{n:03d}" for n in _SINGLE]
)
