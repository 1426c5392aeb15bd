"""International instruments by their English titles (generated; do not edit)."""

#: (key, canonical_title, (surfaces...))
INSTRUMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("charter", "Charter of the United Nations", ("Charter of the United Nations", "United Nations Charter")),
    ("udhr", "Universal Declaration of Human Rights", ("Universal Declaration of Human Rights",)),
    (
        "iccpr",
        "International Covenant on Civil and Political Rights",
        ("International Covenant on Civil and Political Rights",),
    ),
    (
        "icescr",
        "International Covenant on Economic, Social and Cultural Rights",
        ("International Covenant on Economic, Social and Cultural Rights",),
    ),
    (
        "crc",
        "Convention on the Rights of the Child",
        ("Convention on the Rights of the Child", "United Nations Convention on the Rights of the Child"),
    ),
    (
        "cedaw",
        "Convention on the Elimination of All Forms of Discrimination against Women",
        ("Convention on the Elimination of All Forms of Discrimination against Women",),
    ),
    (
        "genocide",
        "Convention on the Prevention and Punishment of the Crime of Genocide",
        ("Convention on the Prevention and Punishment of the Crime of Genocide",),
    ),
    ("refugees", "Convention relating to the Status of Refugees", ("Convention relating to the Status of Refugees",)),
    (
        "npt",
        "Treaty on the Non-Proliferation of Nuclear Weapons",
        ("Treaty on the Non-Proliferation of Nuclear Weapons",),
    ),
    ("rome", "Rome Statute of the International Criminal Court", ("Rome Statute of the International Criminal Court",)),
    ("icj", "Statute of the International Court of Justice", ("Statute of the International Court of Justice",)),
)
