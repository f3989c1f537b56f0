"""Words the benchmarks write their made-up narratives and evidence from (bench/seed.py, bench/pdf.py)."""

VOCABULARY = (  # noqa: SIM905 - easier to read as text
    "residents panel partnership board engagement plan co-production community voluntary sector "
    "Healthwatch carers young people survey feedback listening event consultation decision outcome "
    "report quarterly strategy leaders accountable budget payment expenses accessible Easy Read "
    "interpreter venue evening online session outreach mosque library market health inequalities "
    "monitoring representative evaluation learning improvement you said we did changed because "
    "minutes agenda action owner deadline timeline system partners council trust hospital primary "
    "care neighbourhood district wellbeing mental health urgent care transport travel bus rural "
    "coastal town centre deprived wards ethnicity disability language translation British Sign "
    "Language digital exclusion phone paper copies focus group interviews workshop citizens jury"
).split()
