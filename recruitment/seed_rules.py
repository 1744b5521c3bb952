"""The starting eligibility rules (FACTS.md), loaded by a data migration.

Staff change them in the admin afterwards; this file is only the first version.
"""

_REASON_EXCLUDE_EN = (
    "To keep both the donor and the patient safe, the registry does not take donors who "
    "{what}. This is a rule for everyone with this answer, not a judgement about you."
)
_REASON_EXCLUDE_RU = (
    "Чтобы донорство было безопасным и для донора, и для пациента, регистр не принимает "
    "доноров, у которых {what}. Это правило для всех, кто так ответил, а не оценка лично вас."
)

# key, question (ru, en), help (ru, en), what (ru, en) for the reason text; the English "what"
# keeps the tense of its question ("Do you have…" → "have…", "Have you ever had…" → "have had…")
EXCLUSIONS = [
    (
        "tuberculosis",
        ("Болели ли вы когда-нибудь туберкулёзом?", "Have you ever had tuberculosis?"),
        ("Включая туберкулёз, который был вылечен.", "Including tuberculosis that was cured."),
        ("был туберкулёз", "have had tuberculosis"),
    ),
    (
        "hiv",
        ("Есть ли у вас ВИЧ-инфекция или СПИД?", "Do you have HIV or AIDS?"),
        ("", ""),
        ("есть ВИЧ-инфекция или СПИД", "have HIV or AIDS"),
    ),
    (
        "hepatitis-b",
        ("Болели ли вы когда-нибудь гепатитом B?", "Have you ever had hepatitis B?"),
        ("", ""),
        ("был гепатит B", "have had hepatitis B"),
    ),
    (
        "hepatitis-c",
        ("Болели ли вы когда-нибудь гепатитом C?", "Have you ever had hepatitis C?"),
        ("", ""),
        ("был гепатит C", "have had hepatitis C"),
    ),
    (
        "malaria",
        ("Болели ли вы когда-нибудь малярией?", "Have you ever had malaria?"),
        ("", ""),
        ("была малярия", "have had malaria"),
    ),
    (
        "cancer",
        (
            "Было ли у вас когда-нибудь онкологическое заболевание?",
            "Have you ever had cancer of any kind?",
        ),
        (
            "Любое онкологическое заболевание, в том числе заболевания крови.",
            "Any oncological disease, including cancers of the blood.",
        ),
        ("было онкологическое заболевание", "have had cancer"),
    ),
    (
        "mental-disorder",
        (
            "Было ли у вас диагностировано психическое расстройство?",
            "Have you been diagnosed with a mental disorder?",
        ),
        ("", ""),
        (
            "диагностировано психическое расстройство",
            "have been diagnosed with a mental disorder",
        ),
    ),
    (
        "diabetes",
        ("Есть ли у вас сахарный диабет?", "Do you have diabetes?"),
        ("Любой тип диабета.", "Any type of diabetes."),
        ("есть сахарный диабет", "have diabetes"),
    ),
    (
        "autoimmune",
        (
            "Есть ли у вас аутоиммунное заболевание?",
            "Do you have an autoimmune disease?",
        ),
        (
            "Это болезни, при которых иммунная система атакует собственные ткани организма.",
            "Illnesses in which the immune system attacks the body's own tissues.",
        ),
        ("есть аутоиммунное заболевание", "have an autoimmune disease"),
    ),
]

CHRONIC = {
    "key": "chronic-disease",
    "question_ru": "Есть ли у вас другое хроническое заболевание?",
    "question_en": "Do you have any other chronic (long-term) illness?",
    "help_ru": (
        "Например, болезнь, из-за которой вы постоянно наблюдаетесь у врача или регулярно "
        "принимаете лекарства."
    ),
    "help_en": (
        "For example, an illness for which you see a doctor regularly or take medicine all "
        "the time."
    ),
    "reason_ru": (
        "Донором может стать здоровый человек без хронических заболеваний. Многие болезни не "
        "мешают вступить в регистр, а некоторые мешают, поэтому лучше решить это вместе с "
        "врачом регистра."
    ),
    "reason_en": (
        "Donors need to be healthy, with no chronic illness. Some long-term conditions are no "
        "obstacle and some are, so this is best decided together with the registry's doctor."
    ),
    "outcome": "ask",
}


def seed_conditions() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for order, (key, question, help_text, what) in enumerate(EXCLUSIONS, start=1):
        rows.append(
            {
                "key": key,
                "question_ru": question[0],
                "question_en": question[1],
                "help_ru": help_text[0],
                "help_en": help_text[1],
                "reason_ru": _REASON_EXCLUDE_RU.format(what=what[0]),
                "reason_en": _REASON_EXCLUDE_EN.format(what=what[1]),
                "outcome": "exclude",
                "order": order * 10,
            }
        )
    rows.append({**CHRONIC, "order": (len(EXCLUSIONS) + 1) * 10})
    return rows
