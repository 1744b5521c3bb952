"""The first myths and questions (FACTS.md), loaded by a data migration.

Staff edit them in the admin afterwards; this file is only the first version.
"""

ENTRIES: list[dict[str, object]] = [
    {
        "kind": "myth",
        "order": 10,
        "question_ru": "Донорам платят",
        "question_en": "Donors get paid",
        "answer_ru": (
            "Нет. Во всём мире донорство стволовых клеток добровольное и безвозмездное, и "
            "вступление в наш регистр тоже. Если кто-то предлагает вам деньги за стволовые клетки, "
            "такое предложение нечестно: к настоящему донорству оно отношения не имеет. Люди "
            "вступают в регистр, потому что хотят дать незнакомому человеку шанс на выздоровление."
        ),
        "answer_en": (
            "No. All over the world, giving stem cells is voluntary and unpaid, and so is joining "
            "our registry. If anyone offers you money for your stem cells, that offer is not "
            "legitimate. People join because they want to give a stranger a chance to get well."
        ),
    },
    {
        "kind": "myth",
        "order": 20,
        "question_ru": "Костный мозг берут из позвоночника",
        "question_en": "They drill into your spine",
        "answer_ru": (
            "Позвоночник никто не трогает. Чаще всего стволовые клетки берут из крови: она идёт из "
            "вены одной руки через сепаратор клеток, который отбирает стволовые клетки, и "
            "возвращается в другую руку. Наркоз для этого не нужен. Если же нужен именно костный "
            "мозг, его набирают иглой из тазовой (подвздошной) кости под общим наркозом — без "
            "разрезов и швов."
        ),
        "answer_en": (
            "Nobody goes near your spine. Most donations are made from the blood: it flows from "
            "one arm through a cell separator, which collects the stem cells, and back into the "
            "other arm, with no anaesthesia. When bone marrow is needed instead, it is drawn with "
            "a needle from the pelvic (iliac) bone under general anaesthesia, with no cut and no "
            "stitches."
        ),
    },
    {
        "kind": "myth",
        "order": 30,
        "question_ru": "Если вступил в регистр, отказаться уже нельзя",
        "question_en": "Joining the registry commits me to donating",
        "answer_ru": (
            "Вступление в регистр — это ваша готовность помочь, а не обязательство стать донором "
            "при любых обстоятельствах. Если вы подойдёте пациенту, вас сначала спросят, согласны "
            "ли вы, а выйти из регистра можно в любой момент, не объясняя причин. Мы просим лишь "
            "об одном: если задумаетесь об отказе, вспомните о пациенте, который, возможно, ждёт "
            "именно вас, и сообщите в регистр как можно раньше."
        ),
        "answer_en": (
            "Joining means you are willing to help, not that you have promised to donate no matter "
            "what. If you turn out to match a patient, you will be asked to confirm first, and you "
            "can leave the registry at any time without giving a reason. We only ask that, if you "
            "ever think of stepping back, you remember that a patient may be counting on you, and "
            "let the registry know as early as you can."
        ),
    },
    {
        "kind": "myth",
        "order": 40,
        "question_ru": "Типирование — это сложная процедура",
        "question_en": "Getting typed is a big procedure",
        "answer_ru": (
            "Это одна небольшая пробирка крови, 4–9 мл, — как при обычном анализе из вены. Забор "
            "занимает несколько минут и для вас бесплатен. Дальше лаборатория сама определит по "
            "этому образцу ваш HLA-тип, то есть ваши гены тканевой совместимости."
        ),
        "answer_en": (
            "It is one small tube of blood, 4 to 9 ml, taken just like for an ordinary blood test. "
            "It takes a few minutes and costs you nothing. The lab then works out your tissue type "
            "(HLA) from that sample, so there is nothing more for you to do that day."
        ),
    },
    {
        "kind": "myth",
        "order": 50,
        "question_ru": "Если я вступлю в регистр, меня почти наверняка вызовут",
        "question_en": "If I join, I'll probably be called to donate",
        "answer_ru": (
            "На самом деле это маловероятно. Сдавать стволовые клетки приглашают меньше одного из "
            "ста потенциальных доноров (по мировым данным за 2007 год — одного из 1430). "
            "Совпадения настолько редки, что регистру и нужно очень много людей: чем больше "
            "доноров типировано, тем больше у каждого пациента шансов найти своего."
        ),
        "answer_en": (
            "It's actually unlikely. Fewer than 1 in 100 potential donors are ever asked to donate "
            "(one worldwide figure from 2007 was 1 in 1,430). Matches are that rare, and that is "
            "exactly why the registry needs so many people: the more donors are typed, the better "
            "each patient's chance of finding one."
        ),
    },
    {
        "kind": "question",
        "order": 10,
        "question_ru": "Кто может вступить в регистр?",
        "question_en": "Who can join the registry?",
        "answer_ru": (
            "Вступить в регистр можно, если в день сдачи образца крови — в пункте типирования или "
            "на акции по вступлению в регистр — вам от 18 до 45 лет включительно и вы здоровы, без "
            "хронических заболеваний. Важен именно возраст в этот день.\n\n"
            "Некоторые заболевания не позволяют стать донором — ради безопасности и самого донора, "
            "и пациента: туберкулёз, ВИЧ-инфекция или СПИД, гепатиты B и C, малярия, любые "
            "онкологические заболевания, психические расстройства, сахарный диабет и аутоиммунные "
            "заболевания.\n\n"
            "Проверка на этом сайте задаст вам эти вопросы по очереди и объяснит каждый ответ. Она "
            "спрашивает только то, что действительно нужно, а ответ «нет» — никогда не оценка вас "
            "лично."
        ),
        "answer_en": (
            "You can join if you are between 18 and 45 years old (45 included) on the day you give "
            "your blood sample, at a typing site or at a recruitment drive, and you are healthy, "
            "with no chronic disease. What counts is your age on that day.\n\n"
            "Some illnesses mean a person cannot join, to keep both the donor and the patient "
            "safe: tuberculosis, HIV or AIDS, hepatitis B or C, malaria, cancer of any kind, "
            "mental disorders, diabetes and autoimmune diseases.\n\n"
            "The eligibility check on this site asks you these questions one by one and explains "
            "each answer. It only asks what it really needs to, and a “no” is never a judgement "
            "about you."
        ),
    },
    {
        "kind": "question",
        "order": 20,
        "question_ru": "Что происходит с моими ответами в проверке?",
        "question_en": "What happens to my answers in the eligibility check?",
        "answer_ru": (
            "Ваши ответы на вопросы о здоровье не сохраняются. Если вы прошли проверку и "
            "записываетесь на типирование, к записи прикладывается только отметка о том, что в "
            "такой-то день вы прошли проверку по действующей версии правил."
        ),
        "answer_en": (
            "Your answers to the health questions are not stored. If you pass and book a typing "
            "appointment, the only thing that goes with your booking is a note that you passed the "
            "current version of the rules on a given date."
        ),
    },
    {
        "kind": "question",
        "order": 30,
        "question_ru": "Я не могу стать донором. Как ещё можно помочь?",
        "question_en": "I can't join. How else can I help?",
        "answer_ru": (
            "Спасибо, что хотите помочь, — это уже важно. Даже если вступить в регистр нельзя, вы "
            "можете рассказать о нём друзьям и близким, стать донором крови или помочь в "
            "проведении акции по вступлению в регистр. Регистру нужно очень много типированных "
            "доноров, поэтому важен каждый человек, которому вы о нём расскажете."
        ),
        "answer_en": (
            "Thank you for wanting to help, it really matters. Even if you cannot join, you can "
            "tell friends and family about the registry, donate blood, or support a recruitment "
            "drive. The registry needs a great many typed donors, so every person you tell about "
            "it counts."
        ),
    },
    {
        "kind": "question",
        "order": 40,
        "question_ru": "Как берут образец крови и сколько?",
        "question_en": "How is the blood sample taken, and how much?",
        "answer_ru": (
            "Сначала вы подписываете согласие на вступление в регистр и на обработку персональных "
            "данных. Затем у вас берут одну пробирку крови, 4–9 мл, — так же, как при обычном "
            "анализе. Сдать её можно в пункте типирования (отделении лаборатории) или на акции по "
            "вступлению в регистр. Это бесплатно."
        ),
        "answer_en": (
            "First you sign your consent to join the registry and to the processing of your "
            "personal data. Then one tube of blood, 4 to 9 ml, is taken, the same way as for an "
            "ordinary blood test. You can give it at a typing site (a lab office) or at a "
            "recruitment drive, and it is free of charge."
        ),
    },
    {
        "kind": "question",
        "order": 50,
        "question_ru": "Что такое HLA-типирование?",
        "question_en": "What is HLA typing?",
        "answer_ru": (
            "HLA — это антигены лейкоцитов человека (human leukocyte antigens), метки тканевой "
            "совместимости, которые заложены в генах. При типировании лаборатория определяет по "
            "образцу вашей крови, какие именно метки у вас.\n\n"
            "Когда пациенту нужна трансплантация, его HLA-тип сравнивают с типами доноров в "
            "регистре. Чем точнее совпадение, тем ниже риск реакции «трансплантат против хозяина» "
            "(РТПХ) после пересадки."
        ),
        "answer_en": (
            "HLA stands for human leukocyte antigens: markers of your tissue type, set by your "
            "genes. When you are typed, the lab reads which of these markers you have from your "
            "blood sample.\n\n"
            "When a patient needs a transplant, their HLA type is compared with the donors' types "
            "in the registry. The closer the match, the lower the risk of graft-versus-host "
            "disease (GVHD) after the transplant."
        ),
    },
    {
        "kind": "question",
        "order": 60,
        "question_ru": "Что значит «совпадение» и почему оно такое редкое?",
        "question_en": "What is a match, and why is it so rare?",
        "answer_ru": (
            "Совпадение означает, что HLA-тип донора достаточно близок к HLA-типу пациента, чтобы "
            "можно было провести трансплантацию. У двух неродственных людей так бывает редко: "
            "примерно один случай на 10 000 для распространённых типов, а для России называют "
            "цифру 1 на 30 000.\n\n"
            "Даже в семье совпадение не гарантировано: полностью совместимые брат или сестра есть "
            "лишь примерно у 20–30% пациентов. Поэтому для большинства пациентов поиск донора "
            "продолжается в регистрах."
        ),
        "answer_en": (
            "A match means the donor's HLA type is close enough to the patient's for a transplant. "
            "Between two unrelated people this is rare: about 1 in 10,000 for common types, and "
            "for Russia a figure of 1 in 30,000 is quoted.\n\n"
            "Even within a family it is not guaranteed: only about 20–30% of patients have a "
            "brother or sister who fully matches. So for most patients, the search goes on in the "
            "registries."
        ),
    },
    {
        "kind": "question",
        "order": 70,
        "question_ru": "Почему важно моё происхождение и зачем нужен национальный регистр?",
        "question_en": "Why does my ancestry matter, and why a national registry?",
        "answer_ru": (
            "Совместимые по HLA люди чаще встречаются внутри одной этнической группы. Поэтому "
            "пациенту из России проще найти донора среди людей того же происхождения.\n\n"
            "Около 60 регистров мира объединены в общую сеть; на момент публикации этих данных в "
            "них было около 20 миллионов доноров, и международный поиск находит донора для 60–80% "
            "пациентов. Но отечественные регистры были небольшими, а поиск за рубежом обходится в "
            "десятки тысяч евро на одного пациента. Большой регистр в нашей стране, где много "
            "типированных доноров местного происхождения, помогает находить доноров ближе к дому."
        ),
        "answer_en": (
            "Matching tissue types are more likely within the same ethnic group. So a patient in "
            "Russia is more likely to find a donor among people of the same ancestry.\n\n"
            "About 60 registries around the world work together in one network; when the figures "
            "were published they held about 20 million donors, and international search finds a "
            "match for 60–80% of patients. But Russia's own registries have been small, and "
            "searching abroad costs tens of thousands of euros per patient. A large registry here, "
            "with many typed donors of local ancestry, helps patients find a donor closer to home."
        ),
    },
    {
        "kind": "question",
        "order": 80,
        "question_ru": "Сколько людей в России нуждаются в трансплантации?",
        "question_en": "How many people in Russia need a transplant?",
        "answer_ru": (
            "Каждый год в России трансплантация стволовых клеток нужна более чем 1500 людям, и "
            "большинство из них — дети. Её применяют при лейкозе, лимфоме, апластической анемии, "
            "множественной миеломе и некоторых других онкологических заболеваниях, а также при "
            "ряде наследственных и аутоиммунных болезней."
        ),
        "answer_en": (
            "More than 1,500 people in Russia need a stem cell transplant every year, and most of "
            "them are children. Transplants are used to treat leukaemia, lymphoma, aplastic "
            "anaemia, multiple myeloma and some other cancers, as well as certain inherited and "
            "autoimmune diseases."
        ),
    },
    {
        "kind": "question",
        "order": 90,
        "question_ru": "Что такое стволовые клетки крови?",
        "question_en": "What are blood stem cells?",
        "answer_ru": (
            "Кроветворные (гемопоэтические) стволовые клетки производят все клетки крови: "
            "эритроциты, лейкоциты и тромбоциты. Больше всего их в костном мозге — внутри тазовых "
            "костей, грудины и позвонков. Немного таких клеток есть и в циркулирующей крови, и в "
            "пуповинной крови."
        ),
        "answer_en": (
            "Blood-forming (haematopoietic) stem cells make all the cells of your blood: red "
            "cells, white cells and platelets. Most of them live in the bone marrow, inside bones "
            "such as the pelvis, the breastbone and the spine. Small numbers are also found in "
            "circulating blood and in umbilical cord blood."
        ),
    },
    {
        "kind": "question",
        "order": 100,
        "question_ru": "Насколько вероятно, что меня позовут стать донором?",
        "question_en": "How likely is it that I'll be asked to donate?",
        "answer_ru": (
            "Не очень вероятно: сдавать стволовые клетки приглашают меньше одного из ста "
            "потенциальных доноров. Вы можете годами состоять в регистре и так и не получить "
            "приглашения — а можете оказаться тем самым человеком, который подойдёт пациенту. Так "
            "или иначе, ваше место в регистре важно: оно расширяет поиск для каждого пациента."
        ),
        "answer_en": (
            "Not very likely: fewer than 1 in 100 potential donors are ever asked. You may stay in "
            "the registry for years and never be called, or you may turn out to be the one person "
            "who matches a patient. Either way, your place in the registry counts, because it "
            "widens the search for every patient."
        ),
    },
    {
        "kind": "question",
        "order": 110,
        "question_ru": "Что будет, если я подойду пациенту?",
        "question_en": "What happens if I turn out to be a match?",
        "answer_ru": (
            "Регистр свяжется с вами и спросит, готовы ли вы по-прежнему стать донором. Если вы "
            "согласны, вам предстоят дополнительные анализы и полное медицинское обследование.\n\n"
            "Затем вы сдаёте стволовые клетки одним из двух способов — каким именно, решаете вы. "
            "Перед аферезом около 4–5 дней делают уколы препарата, который выводит стволовые "
            "клетки в кровь; перед забором костного мозга врачи проверяют, безопасен ли для вас "
            "общий наркоз."
        ),
        "answer_en": (
            "The registry will get in touch and ask you to confirm that you are still ready to "
            "donate. If you agree, you will have further tests and a full medical examination.\n\n"
            "Then you donate by one of two methods, and the choice is yours. Before apheresis you "
            "have injections for about 4–5 days of a drug that moves stem cells into the blood; "
            "before a bone marrow harvest, doctors check that general anaesthesia is safe for you."
        ),
    },
    {
        "kind": "question",
        "order": 120,
        "question_ru": "Как именно сдают стволовые клетки и можно ли выбрать способ?",
        "question_en": "What are the two ways to donate, and can I choose?",
        "answer_ru": (
            "Да, способ выбираете вы.\n\n"
            "Стволовые клетки из периферической крови (аферез). Около 4–5 дней перед процедурой "
            "вам делают уколы препарата, который выводит стволовые клетки в кровь. Затем вы "
            "примерно 4–6 часов сидите в кресле, а кровь из одной руки проходит через сепаратор "
            "клеток и возвращается в другую руку. Аппарат отбирает стволовые клетки, а остальная "
            "кровь возвращается к вам. Наркоз не нужен.\n\n"
            "Забор костного мозга. Под общим наркозом костный мозг набирают иглой из тазовой "
            "(подвздошной) кости — без разрезов и швов. Процедура длится от 30 минут до часа, в "
            "больнице обычно проводят 1–2 дня."
        ),
        "answer_en": (
            "Yes, the choice of method is yours.\n\n"
            "Peripheral blood stem cells (apheresis). For about 4–5 days beforehand you have "
            "injections of a drug that moves stem cells into the blood. Then, for about 4–6 hours, "
            "you sit in a chair while your blood runs from one arm through a cell separator and "
            "back into the other arm. The separator keeps the stem cells and the rest of your "
            "blood is returned to you. No anaesthesia is needed.\n\n"
            "Bone marrow harvest. Under general anaesthesia, marrow is drawn with a needle from "
            "the pelvic (iliac) bone, with no cut and no stitches. The procedure takes about 30 "
            "minutes to an hour, and you usually stay in hospital for 1–2 days."
        ),
    },
    {
        "kind": "question",
        "order": 130,
        "question_ru": "Это больно? Сколько длится восстановление?",
        "question_en": "Does donating hurt, and how long is recovery?",
        "answer_ru": (
            "После афереза несколько дней могут ныть кости и мышцы, болеть голова, может "
            "чувствоваться усталость. Восстановление занимает от недели до месяца.\n\n"
            "Забор костного мозга проводят под общим наркозом. После него место прокола несколько "
            "дней болит, может чувствоваться усталость. Большинство людей возвращаются к обычной "
            "жизни через 2–3 дня, хотя некоторым нужно 3–4 недели. Костный мозг полностью "
            "восстанавливается примерно за 2–4 недели."
        ),
        "answer_en": (
            "After apheresis you may have aching bones and muscles, a headache and tiredness for a "
            "few days. Recovery takes from a week to a month.\n\n"
            "A bone marrow harvest is done under general anaesthesia. Afterwards the spot where "
            "the needle went in is sore for a few days, and you may feel tired. Most people are "
            "back to their daily life in 2–3 days, though some need 3–4 weeks. The marrow fully "
            "restores itself within about 2–4 weeks."
        ),
    },
    {
        "kind": "question",
        "order": 140,
        "question_ru": "Сколько костного мозга забирают? Не останусь ли я без него?",
        "question_en": "How much marrow is taken? Won't I be left short?",
        "answer_ru": (
            "При заборе костного мозга берут от 950 до 2000 мл смеси костного мозга и крови. Это "
            "лишь несколько процентов всего костного мозга в организме, и он полностью "
            "восстанавливается примерно за 2–4 недели.\n\n"
            "При аферезе у вас забирают только отобранные стволовые клетки, а остальная кровь во "
            "время процедуры возвращается к вам."
        ),
        "answer_en": (
            "In a bone marrow harvest, 950 to 2,000 ml of a mix of marrow and blood is collected. "
            "That is only a few percent of all the marrow in your body, and it fully restores "
            "itself within about 2–4 weeks.\n\n"
            "With apheresis, only the collected stem cells are kept; the rest of your blood is "
            "returned to you during the procedure."
        ),
    },
    {
        "kind": "question",
        "order": 150,
        "question_ru": "Мне заплатят? Или, наоборот, придётся платить самому?",
        "question_en": "Will I be paid, or will I have to pay anything?",
        "answer_ru": (
            "Ни то ни другое. Донорство во всём мире добровольное и безвозмездное, поэтому денег "
            "за него не платят, а любые предложения заплатить нечестны. Вступление в регистр вам "
            "ничего не стоит: образец крови для типирования сдаётся бесплатно."
        ),
        "answer_en": (
            "Neither. Donation is voluntary and unpaid all over the world, so you will not be "
            "paid, and any offer of money is not legitimate. Joining costs you nothing: the blood "
            "sample for typing is free of charge."
        ),
    },
    {
        "kind": "question",
        "order": 160,
        "question_ru": "Могу ли я передумать или выйти из регистра?",
        "question_en": "Can I change my mind or leave the registry?",
        "answer_ru": (
            "Да, в любой момент и без объяснения причин.\n\n"
            "Мы просим только об одном: прежде чем решить, подумайте о пациенте — особенно если "
            "подготовка к донации уже началась, ведь тогда на вас уже рассчитывают. Если появились "
            "сомнения, скажите об этом регистру как можно раньше."
        ),
        "answer_en": (
            "Yes, at any time, and you don't have to give a reason.\n\n"
            "We ask just one thing: before you decide, please think of the patient, especially if "
            "preparation for your donation has already started, because by then they are counting "
            "on you. If you have doubts, tell the registry as early as you can."
        ),
    },
    {
        "kind": "question",
        "order": 170,
        "question_ru": "Я познакомлюсь с пациентом?",
        "question_en": "Will I meet the patient?",
        "answer_ru": (
            "Не сразу. Донор и пациент остаются анонимными друг для друга как минимум два года."
        ),
        "answer_en": (
            "Not straight away. The donor and the patient stay anonymous to each other for at "
            "least two years."
        ),
    },
    {
        "kind": "question",
        "order": 180,
        "question_ru": "Могут ли меня попросить сдать клетки ещё раз?",
        "question_en": "Could I be asked to donate again?",
        "answer_ru": (
            "Да, такое возможно. Если после трансплантации болезнь у пациента вернётся, врачи "
            "могут попросить того же донора сдать лейкоциты (это называется инфузией донорских "
            "лимфоцитов), чтобы донорские клетки сильнее боролись с опухолью. Их собирают из "
            "крови, методом афереза.\n\n"
            "Поэтому и после донации регистр может снова с вами связаться. Решение, как и прежде, "
            "остаётся за вами."
        ),
        "answer_en": (
            "Yes, it can happen. If the patient's cancer comes back after the transplant, doctors "
            "may ask the same donor for white blood cells (a donor lymphocyte infusion) to help "
            "the donor's cells fight the cancer. These are collected from the blood by "
            "apheresis.\n\n"
            "So even after a donation, the registry may contact you again. As always, the decision "
            "is yours."
        ),
    },
    {
        "kind": "question",
        "order": 190,
        "question_ru": "О чём нужно сообщать регистру после вступления?",
        "question_en": "What do I need to tell the registry after joining?",
        "answer_ru": (
            "Пожалуйста, держите регистр в курсе: сообщайте, если переезжаете, меняете номер "
            "телефона или если изменилось ваше здоровье. Если однажды вы подойдёте пациенту, "
            "регистру важно быстро с вами связаться и знать, можете ли вы по-прежнему быть донором."
        ),
        "answer_en": (
            "Please keep your details up to date: tell the registry if you move, change your phone "
            "number, or if your health changes. If you match a patient one day, the registry needs "
            "to be able to reach you and to know whether you can still donate."
        ),
    },
    {
        "kind": "question",
        "order": 200,
        "question_ru": "Как долго я буду состоять в регистре? Что, если я перееду?",
        "question_en": "How long will I stay on the registry? What if I move?",
        "answer_ru": (
            "Вы остаётесь в регистре как потенциальный донор — возможно, много лет. Выйти из него "
            "можно в любой момент.\n\n"
            "Если переезжаете, просто сообщите регистру новый адрес и телефон, чтобы с вами всегда "
            "можно было связаться."
        ),
        "answer_en": (
            "You stay in the registry as a potential donor, possibly for many years. You can leave "
            "it at any time.\n\n"
            "If you move, just tell the registry your new address and phone number so that it can "
            "still reach you."
        ),
    },
]
