"""Words of a customer's message, as topics compare them (pure Python, no Django).

A message becomes a list of (term, surface) pairs: `surface` is the word as the customer
wrote it (lower-cased), what a topic's label shows; `term` is what messages are compared
by, so that "karta", "karty" and "kartę" or "blocked" and "blocking" count as one word.

The term is the lemma from `simplemma` when that optional package is installed (`pip
install simplemma`); without it, a light stemmer: the language's commonest inflection
endings are taken off, then the word is cut to its first STEM_LENGTH letters (fewer for
Polish: STEM_LENGTHS). Cutting is crude but steady for Polish and Ukrainian inflection,
and topics only need the same word to map to the same term in every message;
`lemmatiser()` says which one is in use.

Words that say nothing about what a message is about (greetings, sign-offs, pronouns,
"please", "problem" itself) are the per-language STOPWORDS below, data to extend."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

LANGUAGES = ("en", "fr", "pl", "de", "uk")
STEM_LENGTH = 6
# Polish verbs change their stem's sixth letter between aspects and tenses (oddzwonić,
# oddzwania, oddzwonił): five letters keep them one word.
STEM_LENGTHS = {"pl": 5}
MIN_LENGTH = 3

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]")

_STOP = {
    "en": """
        a about above after again against all also am an and any are as at be because
        been before being below between both but by can could did do does doing down
        during each few for from further had has have having he her here hers him his
        how i if in into is it its itself just me more most my no nor not now of off
        on once only or other our ours out over own same she should so some such than
        that the their them then there these they this those through to too under
        until up very was we were what when where which while who whom why will with
        would you your yours yourself hello hi dear thanks thank please regards kind
        best sincerely team sir madam mrs mr ms good morning afternoon evening ok okay
        yes get got still already again one two like want need would could today
        yesterday tomorrow week weeks month day days time times since ago know let
        make made problem issue help hope asap immediately really even ever never
        anyone someone something anything nothing everything every although though yet
        which every each""",
    "fr": """
        au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la
        le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où
        par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
        votre vous c d j l m n s t y été étée être avoir ai as avons avez ont suis es
        est sommes êtes sont était étais fait faire ça cela ceci plus moins très bien
        aussi encore déjà toujours jamais rien tout tous toute toutes si non oui
        bonjour bonsoir madame monsieur merci cordialement salutations bonne journée
        svp plaît vouloir veux voudrais pouvez pourriez peux depuis fois jour jours
        semaine semaines mois hier aujourd hui demain problème souci aide aider comme
        quand alors donc car lors après avant chez personne quelqu quelque chose ne
        pas sans entre vers bien chaque fois alors quoi""",
    "pl": """
        a aby ale bez bo by być był była było były będzie ci co czy dla do gdy gdzie
        go i ich ja jak jako je jego jej jest jestem jeszcze jeśli już ja każdy ktoś
        która które który której kiedy lub ma mam mi mnie mną mój moja moje może można
        mu na nad nam nas nawet nie nic nigdy no o od oraz po pod przez przy się są ta
        tak także tam te tego tej ten to tu ty tylko u w we więc wszystko z za ze że
        żeby dzień dobry dobrry witam pozdrawiam pozdrowieniami dziękuję dzięki proszę
        szanowni szanowny szanowna państwo państwa pan pani panie uprzejmie serdecznie
        już znowu znów nadal wciąż dalej razy raz dni dnia tydzień tygodnia tygodnie
        miesiąc miesiąca wczoraj dzisiaj dziś jutro problem problemu pomoc pomóc
        chciałam chciałem chciałabym chciałbym bardzo mój moim mojej moją moich swoje
        swój swoją sobie żadnej żadnego żaden nikt coś cały całą mogę może mogą jakie
        jaki jaka jest było został została zostało chociaż każdej każdym każdy każdego
        dlaczego teraz wcześniej nigdy żadnych""",
    "de": """
        aber alle allem allen aller alles als also am an auch auf aus bei bin bis bist
        da damit dann das dass dem den der des dich die dir doch dort du durch ein
        eine einem einen einer eines er es etwas euch euer für gegen hat hatte haben
        habe hier hin ich ihm ihn ihnen ihr ihre im in ist ja jetzt kann kein keine
        keinen können mein meine meinem meinen meiner mich mir mit muss nach nicht
        nichts noch nun nur ob oder ohne schon sehr sein seine sich sie sind so über
        um und uns unser unter viel vom von vor war waren was weil wenn wer wie wieder
        wir wird wo zu zum zur guten tag hallo freundlichen grüßen grüße gruß viele
        vielen dank danke bitte sehr geehrte geehrter damen herren frau herr mfg liebe
        lieber immer bereits seit wochen woche monat monaten tage tagen heute gestern
        morgen mal problem hilfe helfen möchte möchten würde würden könnten könnte
        bitten jemand niemand ganz warum wurde wurden mehr diese dieser diesen jede
        jeder jedem nie steht sollte früher obwohl zweite""",
    "uk": """
        а але без би був була було були бути в вам вас ви від во вона вони воно все
        всі да де для до є же з за зі і із й його її їх й як який яка яке які коли ми
        мене мені мій моя моє мої на над нам нас не ні ну о об от по при про та так
        також там те ти то тобто того тому тут у уже вже хто це цей ця ці через чи що
        щоб як добрий день вечір доброго ранку вітаю привіт дякую дякуємо будь ласка
        шановні шановний шановна пане пані з повагою знову досі ще разу рази раз днів
        дні день тиждень тижня місяць місяця вчора сьогодні завтра проблема проблему
        допомога допомогти хотіла хотів хотілося мною моєї мого моїй свій свою своє
        собі жодної жодного ніхто щось дуже можу може можете могли чому хоча кожній
        кожному кожного кожної цього цієї чому тепер раніше нічим жодного""",
}
STOPWORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split()) for language, words in _STOP.items()
}

# The commonest inflection endings, longest first within each language; one is taken off
# when at least four letters remain. Derivational endings are left to the cut.
_ENDINGS = {
    "en": ("ingly", "ings", "ing", "edly", "ies", "ied", "ed", "es", "s"),
    "fr": ("ements", "ement", "ées", "ée", "és", "é", "es", "er", "ez", "s", "e"),
    "pl": (
        "ami",
        "ach",
        "ego",
        "emu",
        "owie",
        "ów",
        "om",
        "ie",
        "ią",
        "ę",
        "ą",
        "y",
        "i",
        "a",
        "e",
        "u",
        "o",
    ),
    "de": ("ungen", "ern", "en", "er", "es", "em", "e", "n", "s"),
    "uk": (
        "ами",
        "ями",
        "ах",
        "ях",
        "ого",
        "ому",
        "ою",
        "ею",
        "ів",
        "ої",
        "ій",
        "ий",
        "ій",
        "а",
        "я",
        "у",
        "ю",
        "і",
        "и",
        "е",
        "о",
        "ь",
    ),
}


def fold(text: str) -> str:
    """Lower case, in Unicode's compatibility form (ligatures and full-width letters
    become plain letters), with typographic apostrophes made plain."""
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


def _stem(word: str, language: str) -> str:
    for ending in _ENDINGS.get(language, ()):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    return word[: STEM_LENGTHS.get(language, STEM_LENGTH)]


@cache
def _simplemma() -> Callable[[str, str], str] | None:
    try:
        import simplemma
    except ImportError:
        return None
    return lambda word, language: simplemma.lemmatize(word, lang=language)


def lemmatiser() -> str:
    """Which lemmatiser terms come from: "simplemma" or "stem" (the built-in stemmer)."""
    return "simplemma" if _simplemma() is not None else "stem"


@cache
def term(word: str, language: str) -> str:
    lemmatize = _simplemma()
    if lemmatize is not None and language in LANGUAGES:
        return fold(lemmatize(word, language))[: STEM_LENGTH + 4]
    return _stem(word, language)


def words(text: str, language: str) -> list[tuple[str, str]]:
    """The (term, surface) pairs of a message's content words, in order: no stopwords,
    numbers or words shorter than MIN_LENGTH letters."""
    stop = STOPWORDS.get(language, frozenset())
    found = []
    for match in _WORD.finditer(fold(text)):
        word = _ELISION.sub("", match.group()) if language == "fr" else match.group()
        word = word.replace("'", "")
        if len(word) < MIN_LENGTH or word in stop:
            continue
        stem = term(word, language)
        if stem not in stop:
            found.append((stem, word))
    return found


# Languages that write compounds as one word: "Kartenzahlung" is also about the "Karte".
COMPOUNDING = frozenset({"de"})
COMPOUND_MIN = 8  # shorter words are not split
PART_MIN = 4


def compound_parts(word: str, known: frozenset[str] | set[str]) -> list[str]:
    """The known words a compound starts or ends with ("kartenzahlung" -> "karte",
    "zahlung"; "kontoführungsgebühr" -> "konto", "gebühr"), given the words seen on their
    own: the longest of each, at most one head and one tail."""
    if len(word) < COMPOUND_MIN:
        return []
    head = next(
        (word[:i] for i in range(len(word) - PART_MIN, PART_MIN - 1, -1) if word[:i] in known),
        None,
    )
    tail = next((word[i:] for i in range(1, len(word) - PART_MIN + 1) if word[i:] in known), None)
    return [part for part in (head, tail) if part and part != word]
