"""The wording that tells an automatic reply from a person, as data (no Django).

Each signal is a family of phrases in the five languages (English, French, Polish, German,
Ukrainian) with one weight: a family counts once however many of its phrases match, so a
long notice does not outscore a short one by repeating itself. Phrases are matched as
substrings of the lower-cased, whitespace-collapsed text with typographic apostrophes made
plain; keep them lower-case, and prefer the first-person present ("i am on leave", not
"on leave") because people write about their holidays in the past and the future. A phrase
with " … " in it matches when its second part follows the first within GAP characters (German
puts the date between "ich bin" and "im Urlaub").

English phrases are indexed with and without their contractions ("i am" / "i'm", "will not" /
"won't"): write either form. No phrase holds a "?": a question mark is the question
signal's, and adding a phrase must never lower a score.

To add wording: put the phrase in the family it belongs to, add a labelled item to
tests/mail/labelled/automatic/<lang>.txt, and run bench/mail_accuracy_automatic.py
(docs/mail-reading.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FORWARD_PREFIXES", "QUOTE_MARKERS", "SIGNALS", "SUBJECT_PREFIXES", "THRESHOLD", "Signal",
]  # fmt: skip

# Chosen on the rule-writing part of the labelled set (items 1-82 of each language, second
# round): every automatic item there scores at least 0.6, every human near miss at most 0.5;
# 0.6 is the only cut that keeps them all apart, and the gap below it is a person's.
THRESHOLD = 0.6
GAP = 60


@dataclass(frozen=True)
class Signal:
    code: str  # stored in Message.auto_reasons; the timeline translates it
    weight: float
    phrases: tuple[str, ...]


# Subjects that automatic replies start with (Outlook, Gmail, Exchange, national webmails),
# followed by ":", "/", "-" or nothing: "Out of office message" written by a person is not.
SUBJECT_PREFIXES = (
    "automatic reply", "auto reply", "auto-reply", "autoreply", "out of office", "away",
    "autoresponse", "undeliverable", "undelivered mail", "delivery status notification",
    "réponse automatique", "absence du bureau", "absent du bureau", "absente du bureau",
    "absence", "non remis",
    "message non remis", "accusé de réception",
    "automatyczna odpowiedź", "odpowiedź automatyczna", "poza biurem", "nieobecność",
    "autoodpowiedź", "niedostarczona", "potwierdzenie otrzymania",
    "automatische antwort", "abwesenheitsnotiz", "abwesend", "abwesenheit", "unzustellbar",
    "nicht zustellbar", "eingangsbestätigung",
    "автоматична відповідь", "автовідповідь", "не в офісі", "відсутність", "не доставлено",
    "автоматический ответ", "підтвердження отримання",
)  # fmt: skip
# Subject wording of acknowledgements and ticket receipts, anywhere in the subject.
SUBJECT_RECEIPT = (
    "thank you for contacting", "we have received your", "request received",
    "has been received", "enquiry has been received", "ticket #", "[ticket",
    "bien reçu", "a bien été enregistrée", "a été reçue", "demande reçue",
    "otrzymaliśmy", "przyjęliśmy zgłoszenie", "zgłoszenie przyjęte", "zostało przyjęte",
    "[zgłoszenie",
    "ist eingegangen", "wir haben ihre", "anfrage erhalten", "wurde empfangen",
    "ми отримали", "зареєстровано", "запит отримано", "отримано [",
    "has been opened", "a été ouverte", "otworzyliśmy", "wurde eröffnet", "відкрито",
    "eingang ihres", "пропозицію отримано",
)  # fmt: skip
SUBJECT_WEIGHT = 0.6
SUBJECT_CODE = "subject"

SIGNALS = (
    Signal("absence", 0.4, (
        "i am out of the office", "i'm out of the office", "i am currently out of the office",
        "i am away", "i'm away", "i am on annual leave", "i'm on annual leave",
        "i'm currently on annual leave", "i am currently on", "i am on holiday",
        "i'm on holiday", "i am on leave", "i'm on leave", "i am currently off",
        "i am off sick", "i'm off sick", "am not in the office", "i'm travelling",
        "i am travelling", "i'm out of the office", "no access to email",
        "limited access to email", "checking email only occasionally", "away from my desk",
        "i'm working part-time", "out of the office on leave", "i am currently unavailable",
        "will not be checking",
        "i'm currently on", "unable to respond", "unable to reply", "i am attending",
        "je suis actuellement en", "ne pourrai pas vous répondre",
        "nie mogę odpowiedzieć",
        "kann nicht antworten", "habe ich sonderurlaub", "in einem sabbatical",
        "я зараз у", "не можу відповісти",
        "patchy signal", "peu de réseau", "kiepskim zasięgiem", "schlecht erreichbar",
        "зв'язок поганий",
        "i am on … leave", "i am now only working", "je ne travaille désormais que",
        "obecnie pracuję tylko", "bin ich in … urlaub", "ich arbeite jetzt nur noch",
        "тепер я працюю лише",
        "je suis absent", "je suis absente", "je suis actuellement absent", "je suis en congé",
        "je suis actuellement en congé", "je suis en vacances", "je suis en déplacement",
        "je suis en arrêt", "je suis actuellement en arrêt", "je suis en formation",
        "je suis en réunion", "sans accès à ma messagerie", "sans accès à mes e-mails",
        "accès limité à ma messagerie", "accès limité à mes e-mails", "ne suis pas présente",
        "ne suis pas présent", "je travaille à temps partiel",
        "jestem poza biurem", "jestem na urlopie", "przebywam na urlopie", "przebywam obecnie",
        "obecnie przebywam", "jestem nieobecny", "jestem nieobecna", "jestem w podróży",
        "jestem na szkoleniu", "jestem na zwolnieniu", "bez dostępu do poczty",
        "ograniczonym dostępem do poczty", "nie ma mnie w biurze", "obecnie jestem poza",
        "dziś jestem nieobecn", "nie mam dostępu do poczty",
        "ich bin bis einschließlich", "auf geschäftsreise", "lese e-mails nur",
        "in elternzeit", "ich bin … im urlaub", "ich bin … auf einer schulung",
        "ich bin … krankgeschrieben", "ich bin … nicht im büro", "bin ich … im urlaub",
        "bin ich … nicht im büro", "ich bin derzeit nicht", "ich bin zurzeit", "ich bin im urlaub",
        "ich bin heute nicht", "ich bin abwesend", "ich befinde mich", "bin ich außer haus",
        "bin ich auf einer schulung", "ich bin derzeit krank", "bin freitags nicht im büro",
        "keinen zugriff auf meine e-mails", "keinen zugriff auf e-mails",
        "ohne zugriff auf e-mails", "eingeschränkten zugriff", "eingeschränkt per e-mail",
        "ich bin nicht im büro", "ich bin im urlaub und", "ich bin vom",
        "я не в офісі", "я у відпустці", "я поза офісом", "я у відрядженні", "я на навчанні",
        "я зараз на лікарняному", "зараз я на лікарняному", "зараз я у", "зараз я не в офісі",
        "я відсутній", "я відсутня",
        "i'm working remotely", "i am working remotely", "occasional access to my inbox",
        "only occasional access", "je suis en télétravail", "je télétravaille",
        "accès ponctuel à ma messagerie", "pracuję zdalnie", "sporadycznie zaglądam",
        "arbeite ich im homeoffice", "ich arbeite im homeoffice",
        "nur gelegentlich in mein postfach", "я працюю віддалено", "час від часу заглядаю в пошту",
        "без доступу до пошти", "обмежений доступ до пошти",
        "on leave until", "je participe actuellement", "mon accès aux e-mails sera",
        "na urlopie do", "obecnie biorę udział", "dostęp do poczty będzie",
        "ich besuche derzeit", "eingeschränkt zugriff", "auf dienstreise", "bis zum … im urlaub",
        "at a customer site", "je suis en intervention chez", "jestem u klienta",
        "beim kunden vor ort", "на об'єкті в клієнта", "i am on jury service until",
        "je suis jurée d'assises jusqu", "je suis juré d'assises jusqu", "obowiązki ławnika",
        "bin ich als schöffin", "bin ich als schöffe", "обов'язки присяжн", "nie ma mnie do",
        "немає до пн", "немає до понеділка",
        "доступу до пошти не маю", "сьогодні мене немає", "мене немає в офісі",
        "no phone signal",
        "with no signal",
        "sans réseau",
        "bez zasięgu",
        "ohne netz",
        "без зв'язку",
        "the person you are trying to reach is unavailable",
        "la personne que vous cherchez à joindre est indisponible",
        "z którą próbujesz się skontaktować, jest niedostępna",
        "z którą próbujesz się skontaktować, jest niedostępny",
        "die gewünschte person ist",
        "з якою ви намагаєтеся зв'язатися, недоступн",
        "je suis en stage",
        "jestem na kursie",
        "auf einem lehrgang",
        "я на курсах",
        "kein e-mail-zugriff",
        "без пошти",
        "no email access",
        "sans accès e-mail",
        "bez dostępu do maila",
        "looking after a poorly child",
        "pour garder mon enfant malade",
        "opiekuję się chorym dzieckiem",
        "wegen eines kranken kindes",
        "доглядаю хвору дитину",
        "ich bin kurz weg",
    )),
    Signal("return_date", 0.2, (
        "will be back", "be back on", "returning on", "returning monday", "on my return",
        "upon my return", "when i return", "i will reply", "i will respond", "i'll reply",
        "i'll get back to you", "will reply when", "will respond to your", "will be answered",
        "de retour le", "je serai de retour", "à mon retour", "dès mon retour",
        "je vous répondrai", "je traiterai votre", "je répondrai", "je reviendrai vers vous",
        "dès notre retour", "à notre retour",
        "wrócę", "wracam", "po powrocie", "po moim powrocie", "odpowiem", "po naszym powrocie",
        "wieder erreichbar", "wieder da", "wieder besetzt", "nach meiner rückkehr",
        "nach unserer rückkehr", "ich antworte", "ich melde mich", "ich beantworte",
        "beantworte ihre", "antworte danach",
        "bin ich wieder im büro", "wieder im büro", "знову буду в офісі",
        "i'll pick up your message", "will reply from", "je reprendrai votre message",
        "vous répondra dès", "odczytam wiadomość", "odpowie od", "ihre nachricht lese ich",
        "antwortet ab", "прочитаю ваше повідомлення", "відповість з",
        "i will deal with it", "my next working day", "mon prochain jour de travail",
        "najbliższy dzień pracy", "meinem nächsten arbeitstag", "найближчий робочий день",
        "повернуся", "після повернення", "після мого повернення", "відповім",
        "once we're back", "once we are back", "pick up emails properly", "dès la reprise",
        "à la reprise", "po przerwie świątecznej", "bearbeite ich ab", "danach beantworten wir",
        "опрацюю з", "після свят відповімо",
        "as soon as we return", "ne reprendrai le travail", "reprendrai le travail",
        "will pick up messages", "consulterai mes messages", "wiadomości przejrzę",
        "as soon as we are back", "will reopen on",
        "sehe meine nachrichten erst", "перегляну повідомлення", "our next email day",
        "notre prochaine journée e-mails", "najbliższy dzień mailowy", "nächsten mail-tag",
        "найближчий поштовий день",
        "will catch up with emails",
        "rattraperai mes e-mails",
        "maile nadrobię",
        "arbeite meine e-mails",
        "листи розберу",
        "we will answer all emails from",
        "nous répondrons à tous les e-mails",
        "alle e-mails beantworten wir",
        "na wszystkie maile odpowiemy",
        "на всі листи відповімо",
        "bis dahin kein",
    )),
    Signal("stand_in", 0.2, (
        "in my absence", "during my absence", "for urgent", "if urgent", "if it is urgent",
        "if your query is urgent", "for anything urgent", "please contact my colleague",
        "please direct any queries", "please direct your",
        "anything time-sensitive", "sprawy pilne", "eilige anliegen", "термінові питання",
        "please contact my manager", "please email my manager",
        "en cas d'urgence", "pendant mon absence", "pour toute urgence",
        "pour toute demande urgente", "pour les questions urgentes", "merci de contacter ma",
        "merci de contacter mon",
        "w pilnych sprawach", "w czasie mojej nieobecności", "podczas mojej nieobecności",
        "in dringenden fällen", "während meiner abwesenheit", "bei dringenden anliegen",
        "dringende anfragen", "dringendes bitte",
        "з термінових питань", "у термінових справах", "у термінових випадках",
        "на час моєї відсутності",
        "is being covered by", "my role is being covered", "mon poste est assuré par",
        "moje obowiązki przejął", "moje obowiązki przejęła", "meine aufgaben hat",
        "meine aufgaben übernimmt", "мої обов'язки виконує",
    )),
    Signal("not_forwarded", 0.3, (
        "will not be forwarded", "has not been forwarded", "not been forwarded",
        "will not be read", "messages will not be forwarded", "will not be checking emails",
        "ne consulte pas mes", "nie sprawdzam poczty", "lese meine e-mails nicht",
        "не перевіряю пошту",
        "won't be picking up", "will not be picking up", "won't be checking", "will be deleted",
        "ne relèverai pas", "sera supprimé", "nie będę odczytywać", "zostanie usunięta",
        "rufe meine nachrichten erst", "rufe meine e-mails erst", "wird gelöscht",
        "не перевірятиму", "буде видалено",
        "nie zostanie przeczytany", "wird … nicht gelesen", "ne sera pas lu",
        "ne sera pas transféré", "n'a pas été transféré", "ne sera pas transmis",
        "ne peux pas lire mes e-mails", "kann tagsüber keine e-mails lesen",
        "ne seront pas transférés", "ne lirai pas",
        "nie zostanie przekazana", "nie została przekazana", "nie będą przekazywane",
        "nicht weitergeleitet", "lese keine e-mails", "lese meine e-mails nicht",
        "не буде переслано", "не було переслано", "не переслано", "не пересилатимуться",
        "не читаю пошту",
    )),
    # "X no longer works there" is also what a customer writes to explain why they write:
    # alone (with no question) it stays below the threshold; with a redirect it reaches it.
    Signal("left", 0.4, (
        "no longer works", "has left the company", "i have left", "no longer with",
        "no longer employed",
        "i have now retired", "i have retired", "this mailbox will be closed",
        "no longer in use", "is no longer monitored",
        "ne fait plus partie", "a quitté l'entreprise", "je ne fais plus partie",
        "n'est plus utilisée", "n'est plus consultée",
        "ne travaille plus chez",
        "pris ma retraite", "cette adresse sera fermée",
        "nie pracuje już w", "nie pracuję już", "nie jest już pracownikiem",
        "nie jest już używany", "nie jest już obsługiwana",
        "nie jest już zatrudniony", "nie jest już zatrudniona",
        "przeszedłem na emeryturę", "przeszłam na emeryturę", "skrzynka zostanie zamknięta",
        "ist nicht mehr bei", "nicht mehr bei der", "hat das unternehmen verlassen",
        "wird nicht mehr verwendet", "wird nicht mehr betreut",
        "nicht mehr bei … beschäftigt",
        "in den ruhestand gegangen", "postfach wird … geschlossen",
        "більше не працює в", "більше не працюю", "звільнилася з компанії",
        "звільнився з компанії", "більше не використовується", "більше не обслуговується",
        "більше не є співробітником",
        "вийшов на пенсію", "вийшла на пенсію", "скринька буде закрита",
        "retired at the end of", "has retired", "a pris sa retraite", "est parti à la retraite",
        "przeszedł na emeryturę", "przeszła na emeryturę", "ist in den ruhestand",
        "im ruhestand", "пішов на пенсію", "пішла на пенсію",
        "i have moved on from", "i've moved on from", "j'ai rejoint une autre entreprise",
        "zmieniłem pracę", "zmieniłam pracę", "nicht mehr für … tätig", "nicht mehr genutzt",
        "перейшов на іншу роботу", "перейшла на іншу роботу",
        "no longer handle",
        "ne m'occupe plus de",
        "nie zajmuję się już",
        "kümmere mich nicht mehr um",
        "більше не займаюся",
        "i no longer manage",
        "je ne gère plus",
        "nie prowadzę już",
        "ich betreue dieses",
        "я більше не веду",
        "i've moved to a new role",
        "j'ai changé de poste",
        "zmieniłam stanowisko",
        "zmieniłem stanowisko",
        "я перейшла на іншу посаду",
        "я перейшов на іншу посаду",
    )),
    # The address itself closing: a notice speaks of "this address", a person of "my old
    # address"; with a retirement (left) it reaches the threshold without a redirect.
    Signal("address_closing", 0.3, (
        "this address will close", "this address will be closed", "this mailbox will close",
        "this address will be deactivated", "this address will soon be",
        "cette adresse sera bientôt désactivée", "cette adresse sera désactivée",
        "cette adresse sera fermée", "cette boîte sera fermée",
        "ten adres wkrótce zostanie wyłączony", "ten adres zostanie wyłączony",
        "ten adres zostanie zamknięty", "ta skrzynka zostanie zamknięta",
        "diese adresse wird demnächst abgeschaltet", "diese adresse wird abgeschaltet",
        "diese adresse wird … deaktiviert", "dieses postfach wird … geschlossen",
        "ця адреса незабаром буде вимкнена", "ця адреса буде вимкнена",
        "ця скринька буде закрита", "цю адресу буде вимкнено",
        "this email address is no longer in use", "this address is no longer in use",
        "cette adresse e-mail n'est plus utilisée", "ten adres e-mail nie jest już używany",
        "diese e-mail-adresse wird nicht mehr", "ця електронна адреса більше не використовується",
        "this mailbox is being retired", "cette boîte aux lettres sera supprimée",
        "ta skrzynka zostanie wycofana", "postfach wird … stillgelegt",
        "цю скриньку буде виведено з використання", "this address will stop working",
        "cette adresse cessera de fonctionner", "ten adres przestanie działać",
        "diese adresse funktioniert ab", "ця адреса перестане працювати",
    )),
    Signal("automatic", 0.5, (
        "this is an automated", "this is an automatic", "auto-generated", "automatic confirmation",
        "automatic acknowledgement", "generated automatically",
        "ceci est un message automatique", "ceci est une réponse générée automatiquement",
        "ce message automatique", "accusé de réception automatique",
        "wygenerowana automatycznie", "to automatyczne potwierdzenie",
        "wiadomość wygenerowana automatycznie",
        "automatisch generierte", "automatisch erzeugte", "automatische bestätigung",
        "automatische eingangsbestätigung",
        "це автоматичне", "автоматично згенерована",
        "сформовано автоматично",
        "virtual assistant", "l'assistante virtuelle", "l'assistant virtuel",
        "wirtualna asystentka",
        "wirtualny asystent", "virtuelle assistentin", "virtueller assistent",
        "віртуальна помічниця", "віртуальний помічник", "system-generated", "généré par le système",
        "wygenerował system", "vom system erzeugt", "сформувала система",
        "ajoutées automatiquement", "automatycznie dołączane", "automatisch hinzugefügt",
        "автоматично додаються",
        "has been marked as solved",
        "a été marquée comme résolue",
        "została oznaczona jako rozwiązana",
        "wurde als gelöst markiert",
        "позначено як вирішений",
        "this email is a service",
        "cet e-mail est un service",
        "diese e-mail ist ein service",
        "цей лист надсилає служба",
        "щоб додати коментар, дайте відповідь",
    )),
    Signal("received", 0.3, (
        "we have received your", "we've received your", "confirm that we have received",
        "has been received", "your request has been received", "ticket has been created",
        "assigned ticket number", "have logged your", "your message reached us",
        "nous avons bien reçu", "a bien été enregistrée", "est enregistrée sous",
        "enregistrée sous le numéro", "confirme la bonne réception",
        "potwierdzamy otrzymanie", "zostało przyjęte", "otrzymaliśmy twoje", "zarejestrowano pod",
        "wir haben ihre e-mail erhalten", "wir haben ihre anfrage erhalten",
        "ist bei uns eingegangen",
        "wurde unter der nummer", "bei uns angekommen",
        "ми отримали ваш", "зареєстровано під номером", "ваш лист надійшов",
        "ваше звернення отримано",
        "we acknowledge receipt", "nous accusons réception", "potwierdzamy przyjęcie",
        "bestätigen den eingang", "підтверджуємо отримання",
        "has been logged under", "est enregistrée sous la référence", "zarejestrowaliśmy pod",
        "wurde unter dem aktenzeichen", "зареєстровано за номером",
        "passed to the right team", "transmise au service concerné",
        "przekazaliśmy do właściwego działu", "an die zuständige abteilung weitergegeben",
        "передано до відповідного відділу",
        "we've opened support request", "we have opened", "nous avons ouvert la demande",
        "bien pris en compte votre demande", "otworzyliśmy zgłoszenie", "nadaliśmy jej numer",
        "für sie eröffnet", "liegt uns vor", "ми відкрили звернення", "присвоєно номер",
        "your message has arrived", "confirmation that your message",
        "votre message est bien parvenu", "twoja wiadomość dotarła",
        "bestätigen wir, dass ihre nachricht", "ваше повідомлення дійшло",
        "a case has been created", "un dossier a été créé", "utworzono sprawę",
        "wurde ein fall angelegt", "створено справу", "e-mail dotarł do działu",
        "ihre e-mail ist bei der", "ваш лист надійшов до", "has been recorded",
        "a bien été enregistrée", "została zarejestrowana", "wurde aufgenommen",
        "зареєстровано. номер", "została złożona",
        "has been forwarded to the appropriate department",
        "a été transmis au service concerné",
        "został przekazany do właściwego działu",
        "an die zuständige abteilung weitergeleitet",
        "переслано до відповідного відділу",
        "this message confirms",
        "ce message confirme",
        "ta wiadomość potwierdza",
        "diese nachricht bestätigt",
        "цим повідомленням підтверджуємо",
    )),
    Signal("no_reply", 0.3, (
        "do not reply", "please do not reply", "replies to this address are not read",
        "ne pas répondre", "ne pas y répondre",
        "nie odpowiadać", "nie są czytane",
        "antworten sie nicht", "werden nicht gelesen",
        "не відповідайте", "не читаються",
        "sent from an address that cannot", "this address cannot receive",
        "ce message provient d'une adresse qui", "cette adresse ne peut pas recevoir",
        "ta wiadomość została wysłana z adresu, który", "ten adres nie przyjmuje",
        "diese nachricht wurde von einer adresse", "diese adresse kann keine",
        "цей лист надіслано з адреси, яка", "ця адреса не приймає",
        "notification-only address", "replies to it go nowhere", "adresse d'envoi uniquement",
        "les réponses ne sont pas traitées", "adresu służącego wyłącznie do powiadomień",
        "nigdzie nie trafiają", "reinen versandadresse", "antworten darauf erreichen niemanden",
        "адреси лише для сповіщень", "нікуди не потрапляють",
        "we do not reply individually", "nous ne répondons pas individuellement",
        "nie odpowiadamy indywidualnie", "eine einzelantwort", "окремих відповідей",
    )),
    Signal("not_monitored", 0.6, (
        "not monitored", "unmonitored mailbox", "this is an unmonitored", "no longer monitored",
        "isn't being checked", "is not being checked", "n'est pas relevée", "nie jest sprawdzana",
        "wird nicht abgerufen", "не переглядається",
        "n'est pas consultée", "n'est pas surveillée", "n'est plus consultée",
        "nie jest monitorowana", "nie jest już obsługiwana",
        "wird nicht überwacht", "ist unbeaufsichtigt", "nicht mehr betreut",
        "не перевіряється", "не відстежується", "більше не обслуговується",
    )),
    # Thanks for contacting us: the company's voice, not a customer's.
    Signal("thanks_for_contacting", 0.3, (
        "thanks for contacting", "thank you for contacting", "thanks for reaching out",
        "thank you for getting in touch", "thanks for getting in touch",
        "merci d'avoir contacté", "merci de nous avoir contactés", "merci de nous avoir écrit",
        "dziękujemy za kontakt", "danke, dass sie", "vielen dank für ihre e-mail an",
        "дякуємо, що звернулися", "дякуємо, що написали",
        "thank you for writing to", "merci d'avoir écrit à", "dziękujemy za wiadomość do",
        "thank you for emailing",
        "vielen dank für ihr schreiben an", "дякуємо за лист до",
        "thank you for your email to the", "merci pour votre envoi au", "dziękujemy za przesłanie",
        "vielen dank für ihre zusendung", "дякуємо, що надіслали", "дякуємо за звернення до",
        "thanks for your enquiry about",
        "merci pour votre demande concernant",
        "dziękujemy za zapytanie",
        "danke für ihre anfrage zum",
        "дякуємо за запит щодо",
        "thank you for your … we will reply within",
        "merci pour votre … nous vous répondrons",
        "vielen dank für ihre … wir antworten",
        "дякуємо за … відповімо протягом",
        "dziękujemy za … odpowiemy w ciągu",
    )),
    # A case or ticket number handed out: receipts give one, customers quote theirs.
    Signal("case_number", 0.2, (
        "case number", "ticket number", "reference number", "numéro de dossier",
        "numéro de ticket", "numer sprawy", "numer zgłoszenia", "vorgangsnummer",
        "ticketnummer", "номер справи", "номер вашої справи", "номер звернення",
        "complaint number", "numéro de réclamation", "numer reklamacji", "beschwerdenummer",
        "номер скарги", "fallnummer", "номер подання", "abgabereferenz",
    )),
    # A team speaking for itself ("our team will reply from Monday"): a customer writes
    # about their own team rarely, and this alone stays below the threshold.
    Signal("team_reply", 0.3, (
        "our team is", "our team will", "notre équipe", "nasz zespół", "unser team",
        "наша команда",
        "we will get back to you", "nous reviendrons vers vous", "un conseiller vous répondra",
        "konsultant odpowie", "skontaktujemy się", "ein berater meldet sich", "wir melden uns",
        "консультант відповість", "ми зв'яжемося",
        "we aim to respond", "we aim to reply", "nous nous efforçons de répondre",
        "staramy się odpowiadać", "wir antworten in der regel", "ми намагаємося відповідати",
        "will review it and reply", "l'étudiera et vous répondra", "zapozna się z nim i odpowie",
        "prüft sie und antwortet", "розгляне його та відповість", "one of our engineers",
        "un de nos techniciens", "jeden z naszych serwisantów", "einer unserer techniker",
        "хтось із наших майстрів",
        "one of our negotiators",
        "un de nos conseillers",
        "jeden z naszych agentów",
        "einer unserer makler",
        "один із наших рієлторів",
        "we will reply within",
        "nous vous répondrons dans un délai",
        "wir antworten innerhalb",
        "odpowiemy w ciągu",
        "відповімо протягом",
    )),
    # Where to write instead: what notices say after "has left" or "no longer in use".
    Signal("redirect", 0.2, (
        "please send your message to", "please update your records", "please contact",
        "contact hello@", "please write to", "please use our",
        "merci d'adresser", "merci d'écrire", "écrivez à", "veuillez écrire",
        "merci de mettre à jour vos coordonnées", "d'écrire désormais",
        "prosimy o kontakt", "proszę pisać", "prosimy skorzystać", "prosimy o aktualizację",
        "kontakt pod adresem",
        "proszę odtąd pisać",
        "bitte senden sie ihre", "bitte wenden sie sich", "bitte schreiben sie",
        "anfragen bitte an", "bitte aktualisieren sie", "schreiben sie künftig",
        "звертайтеся на", "пишіть на", "надішліть ваш лист",
        "відтепер пишіть",
        "please send anything about", "richten sie bitte an", "prosimy pisać na",
        "пишіть, будь ласка, на",
        "please get in touch with", "please send all enquiries to", "merci d'envoyer toutes vos",
        "please use", "merci d'utiliser", "bitte nutzen sie", "використовуйте",
        "please update your address book", "mettre à jour votre carnet d'adresses",
        "aktualizację książki adresowej", "aktualisieren sie ihr adressbuch",
        "оновіть адресну книгу",
        "proszę o kontakt z", "prosimy kierować", "bitte senden sie alle",
        "усі запити, будь ласка, надсилайте",
        "wenden sie sich … bitte an",
        "звертайтеся, будь ласка, до",
        "merci de contacter",
    )),
    # Queues and waiting times announced to everyone who writes.
    Signal("service_notice", 0.5, (
        "due to high demand", "due to high volumes", "you do not need to contact us again",
        "in our queue", "responses may take",
        "en raison d'un nombre important", "inutile de nous relancer", "dans notre file d'attente",
        "le délai de réponse peut",
        "z powodu dużej liczby", "nie trzeba pisać ponownie", "czeka w kolejce",
        "czas odpowiedzi może",
        "wegen des hohen aufkommens", "sie müssen sich nicht erneut melden",
        "in unserer warteschlange", "kann die beantwortung",
        "через велику кількість звернень", "повторно писати не потрібно", "ваш лист у черзі",
        "відповідь може тривати",
        "longer than usual", "plus longs que d'habitude", "dłuższy niż zwykle",
        "länger als üblich", "довший, ніж зазвичай", "no need to resend", "inutile de renvoyer",
        "nie trzeba wysyłać", "nichts erneut senden", "повторно надсилати лист не потрібно",
        "no need to send your message again", "it's in the queue",
        "in the order they come in", "in order of arrival", "dans leur ordre d'arrivée",
        "par ordre d'arrivée", "w kolejności zgłoszeń", "w kolejności wpływu",
        "in der reihenfolge ihres eingangs", "в порядку надходження",
        "answer emails on", "traitons les e-mails le", "odpisujemy na maile we",
        "beantworten e-mails dienstags", "відповідаємо на листи по",
        "your message will be dealt with", "your email will be dealt with",
        "emails received during this period", "votre e-mail sera traité",
        "messages reçus pendant cette période", "e-mail zostanie obsłużony",
        "wiadomości, które wpłyną w tym czasie", "ihre e-mail wird an meinem",
        "nachrichten, die in dieser zeit eingehen", "ваш лист буде опрацьовано",
        "листи, що надійдуть у цей час",
        "will be handled on their return",
        "sera traité à son retour",
        "zostanie obsłużona po jej powrocie",
        "zostanie obsłużona po jego powrocie",
        "nach ihrer rückkehr bearbeitet",
        "nach seiner rückkehr bearbeitet",
        "опрацюють після її повернення",
        "опрацюють після його повернення",
        "messages will be read when",
        "les messages seront lus à",
        "wiadomości zostaną odczytane po",
        "nachrichten werden nach",
        "повідомлення прочитають після",
        "emails will be answered in the order",
        "les e-mails traités dans l'ordre",
        "maile rozpatrzymy według kolejności",
        "in der reihenfolge des eingangs",
        "листи опрацюємо в порядку",
        "responses may be delayed",
        "mes réponses seront retardées",
        "odpowiedzi będą opóźnione",
        "antworten verzögern sich",
        "відповіді затримуватимуться",
        "the response may take",
        "la réponse peut prendre",
        "odpowiedź może potrwać",
        "kann die antwort etwas länger",
        "відповідь може зайняти",
        "les réponses peuvent donc prendre",
    )),
    Signal("office_closed", 0.5, (
        "our office is closed", "our offices are closed", "office is closed for",
        "nos bureaux sont fermés", "notre bureau est fermé",
        "biuro jest nieczynne", "biuro jest zamknięte",
        "unser büro ist", "büro ist wegen",
        "наш офіс не працює", "наш офіс зачинено",
        "this inbox is closed", "this mailbox is closed",
        "notre boîte de réception est fermée", "boîte de réception est fermée",
        "nasza skrzynka jest nieczynna", "nasza skrzynka jest zamknięta",
        "outside our opening hours", "en dehors de nos horaires", "poza godzinami pracy",
        "außerhalb unserer öffnungszeiten", "поза робочими годинами", "our team is not in",
        "notre équipe est absente", "nasz zespół ma wolne", "наша команда не працює",
        "ist unser postfach geschlossen", "unser postfach ist geschlossen",
        "наша скринька не працює", "скринька зачинена",
        "is unattended during",
        "n'est pas assuré pendant",
        "sekretariat szkoły jest nieczynny",
        "ist in den herbstferien",
        "канцелярія школи не працює",
        "customer service team is unavailable",
        "notre service client est indisponible",
        "kundenservice heute nicht erreichbar",
        "ist unser kundenservice",
        "служба підтримки сьогодні не працює",
        "nasze biuro obsługi klienta jest dziś nieczynne",
        "we are closed for",
        "nous sommes fermés pour",
        "mamy zamknięte z powodu",
        "haben wir bis",
        "ми зачинені на",
    )),
    # Closing days announced ahead: a business customer writes the same to say when to
    # deliver, so alone (even with its dates) this stays below the threshold; with "emails
    # received during this period will be dealt with" (service_notice) it reaches it.
    Signal("closing_days", 0.2, (
        "our offices will be closed", "our office will be closed", "nos bureaux seront fermés",
        "notre bureau sera fermé", "nasze biuro będzie nieczynne", "geschäftsräume bleiben",
        "bleibt unser büro", "наш офіс не працюватиме",
    )),
    Signal("delivery_failure", 0.6, (
        "could not be delivered", "couldn't be found", "delivery has failed",
        "message delivery failed", "wasn't delivered", "could not be delivered to",
        "the following address(es) failed", "user unknown",
        "n'a pas pu être remis", "n'a pas pu être distribué", "la remise à ces destinataires",
        "échec de la remise", "adresse inconnue", "utilisateur inconnu",
        "nie można dostarczyć", "nie została dostarczona", "nie udało się dostarczyć",
        "nie mogła zostać dostarczona", "dostarczenie do tych adresatów", "nieznany użytkownik",
        "nicht zugestellt", "fehler bei der zustellung",
        "zustellung der nachricht ist fehlgeschlagen",
        "benutzer unbekannt", "konnte aber nicht zugestellt",
        "не вдалося доставити", "не доставлено на", "невідомий користувач",
        "is over its storage limit",
        "a dépassé sa limite de stockage",
        "przekroczyła limit miejsca",
        "hat sein speicherlimit überschritten",
        "перевищила ліміт сховища",
    )),
)  # fmt: skip

# The line a help desk puts on top of its notifications ("##- Please type your reply above
# this line -##"): a notice that starts with it is the desk's; anywhere lower it is where a
# customer's reply ends and the quoted notification starts.
REPLY_LINE_MARKERS = (
    "type your reply above this line", "reply above this line", "au-dessus de cette ligne",
    "powyżej tej linii", "oberhalb dieser zeile", "über dieser zeile",
    "над цим рядком",
)  # fmt: skip
REPLY_LINE_WEIGHT = 0.3
REPLY_LINE_CODE = "reply_line"
HEADER_HINT_WEIGHT = 0.3
HEADER_HINT_CODE = "header_hint"
NO_QUESTION_WEIGHT = 0.1
NO_QUESTION_CODE = "no_question"
# Signals that a person wrote: a question to the company, a forward, quoted history.
QUESTION_WEIGHT = -0.6
QUESTION_CODE = "question"
FORWARD_WEIGHT = -0.6
FORWARD_CODE = "forward"
QUOTED_WEIGHT = -0.3
QUOTED_CODE = "quoted"

FORWARD_PREFIXES = ("fwd", "fw", "tr", "wg", "pd", "rv", "пересл", "fwd.")
# Where quoted or forwarded history starts: the customer's own words are above it. A line
# starting with ">" always counts; the others are looked for only when their trigger (a
# cheap first test) is in the text.
QUOTE_MARKERS = (
    ("-----", (
        "-----original message", "---------- forwarded message", "-------- message transféré",
        "-----message d'origine", "-----wiadomość oryginalna", "-----ursprüngliche nachricht",
        "-----оригінальне повідомлення", "przekazana wiadomość", "weitergeleitete nachricht",
        "переслане повідомлення",
    )),
    ("forwarded message", ("begin forwarded message",)),
    ("réexpédié", ("début du message réexpédié",)),
    ("przekazanej", ("początek przekazanej wiadomości",)),
    ("weitergeleiteten", ("anfang der weitergeleiteten nachricht",)),
    ("пересланого", ("початок пересланого повідомлення",)),
)  # fmt: skip

# Patterns: the key notions as per-language stems and structures rather than fixed phrases,
# so new phrasings of the same notion are caught (the first round found that phrase lists
# catch the wording they hold and little else). Each adds its family's weight once, like a
# phrase of that family (a family counts once whichever found it). Regular expressions over
# the plain lower-cased text; keep them stems of what a notice says of itself (first person
# present, company voice), not what a customer writes about their own absence in the past.
_DATE = (
    r"(?:\d{1,2}(?:st|nd|rd|th|er|\.|-?(?:go|ого|го))?\b|monday|tuesday|wednesday|thursday"
    r"|friday|the end of|the \d|lundi|mardi|mercredi|jeudi|vendredi|la fin|poniedzia|wtor"
    r"|środ|czwart|piąt|końca|montag|dienstag|mittwoch|donnerstag|freitag|ende|понеділ"
    r"|вівтор|серед|четвер|п'ятниц|кінця|january|february|march|april|may|june|july|august"
    r"|september|october|november|december|janvier|février|mars|avril|mai|juin|juillet|août"
    r"|septembre|octobre|novembre|décembre|janua|februa|märz|juni|juli|oktober|dezember"
    r"|stycz|lut|marc|kwiet|maj|czerw|lip|sierp|wrze|paźdz|listop|grud|січ|лют|берез|квіт"
    r"|трав|черв|лип|серп|верес|жовт|листоп|груд|spring|summer|autumn|winter|printemps"
    r"|l'été|l'automne|l'hiver|wiosn|jesien|frühjahr|sommer|herbst|весн|осен)"
)
PATTERNS: tuple[tuple[str, str], ...] = (
    ("absence", (
        r"\b(?:i am|i'm)(?: \w+){0,2} (?:on|off|out|away|attending|travelling)\b"
        r"|\b(?:parental|maternity|paternity|sick|annual|study|adoption) leave\b"
        r"|\bon sabbatical\b|\bout of (?:the )?office\b"
        r"|\bje suis (?:\w+ )?(?:en|absente?|à l'extérieur)\b"
        r"|\ben (?:congé|arrêt|déplacement|télétravail|formation)\b|\bcongé sabbatique"
        r"|\b(?:jestem|przebywam)(?: \w+){0,2} (?:na|w|poza|nieobecn|chor)"
        r"|\burlop\w* (?:macierzyńsk|rodzicielsk|ojcowsk|wychowawcz|zdrowotn)|\bpoza biurem"
        r"|\bich (?:bin|befinde mich)(?: \S+){0,4} (?:im urlaub|in elternzeit|auf (?:einer )?"
        r"(?:schulung|geschäftsreise|dienstreise|lehrgang)|nicht im büro|abwesend|krank)"
        r"|\bich bin auf (?:einer |einem )?(?:schulung|geschäftsreise|dienstreise|lehrgang)"
        r"|\bbin ich(?: \S+){0,3} (?:nicht da|nicht im büro|im urlaub|abwesend|unterwegs)"
        r"|\bkann(?: \S+){0,4} nicht antworten|\bbis (?:mo|di|mi|do|fr)\.? nicht da\b"
        r"|\b(?:in elternzeit|im sabbatical|im mutterschutz|krankheitsbedingt|außer haus)"
        r"|\bя (?:зараз |наразі |тимчасово )?(?:у|в|на|поза|відсутн)\b"
        r"|\bу відпустці|\bна лікарняному"
        r"|\bпо догляду за дитиною|\bпоза офісом"
    )),
    ("return_date", (
        r"\b(?:back|return(?:ing)?|until|till|through|before)\b(?: \S+){0,4}? " + _DATE
        + r"|\b(?:jusqu'(?:au|à|en)|de retour|retour le|à partir du|dès le|à compter du|avant le)"
        + r"(?: \S+){0,4}? " + _DATE
        + r"|\b(?:do|od|wracam|wrócę|powrót|będę|przed)\b(?: \S+){0,3}? " + _DATE
        + r"|\b(?:bis|vor)(?: (?:zum|einschließlich|dem|den))*(?: \w+)? " + _DATE
        + r"|\b(?:до|по|повернуся|буду)\b(?: \S+){0,3}? " + _DATE
        + r"|\bwieder (?:erreichbar|da|im büro|an meinem platz|am platz)"
        r"|\bpo powrocie|\bà mon retour"
        r"|\bпісля (?:мого )?повернення"
    )),
    ("stand_in", (
        r"\burgen|\btime-sensitive|\bin the meantime|\bplease (?:contact|call|ring|email|get in"
        r" touch with) (?:my|our)\b|\b(?:contact|contacter|joindre) (?:my|ma|mon|le|la)\b"
        r"|\bmerci de vous adresser|\bvous pouvez (?:joindre|contacter)"
        r"|\bpiln|\bw sprawach bieżących|\bproszę (?:kontaktować|dzwonić|zwracać)"
        r"|\bdringend|\bvertretung\b|\bwenden sie sich (?:bitte )?an"
        r"|\b(?:my colleague|mon collègue|ma collègue|mój kolega|moja koleżanka|mein kollege"
        r"|meine kollegin|мій колега|моя колега)"
        r"|\b(?:can't|cannot|can not) wait|\bne peut pas attendre|\bnie może czekać"
        r"|\bnicht warten kann|\bне може чекати"
        r"|\bтерміново|\bтермінових|\bнагальн|\bзвертайтеся до|\bпрохання звертатися"
    )),
    ("not_forwarded", (
        r"\bnot (?:be |being )?(?:forwarded|read|checking|reading|checked)\b"
        r"|\bemails will be read on"
        r"|\bne (?:sera|seront|sont) pas (?:transférée?s?|transmise?s?|lue?s?)|\bne consulte pas"
        r"|\bne (?:sera|seront) transmise?s? à personne"
        r"|\bseront traités à mon retour"
        r"|\bnie (?:są|będą|zostanie|zostaną|zostały) (?:przekazywan|przekazan|czytan|odczytan)"
        r"|\bnie (?:odczytuję|sprawdzam|czytam) (?:poczty|wiadomości|maili)"
        r"|\bnicht (?:weitergeleitet|gelesen|bearbeitet)\b|\ban niemanden weitergeleitet"
        r"|\bне (?:пересилаються|пересилатимуться|перевіряю|читаю|буде переслано)"
    )),
    ("left", (
        r"\b(?:has|have) left\b|\bno longer (?:with|works|employed|part of|at)\b"
        r"|\bne fait plus partie|\b(?:a|ai) quitté\b|\bne travaille plus"
        r"|\bnie pracuje już|\bjuż nie pracuje|\bnie jest już (?:pracownik|zatrudnion)"
        r"|\bnicht mehr (?:für|bei|im) (?:unser|uns|der|dem|die)"
        r"|\bhat (?:uns|das unternehmen) verlassen|\bausgeschieden"
        r"|\bбільше не працю|\bзвільни(?:вся|лася)"
    )),
    ("not_monitored", (
        r"\b(?:not|no longer|isn't) (?:being )?monitored|\bunmonitored"
        r"|\bno longer (?:checked|read)\b"
        r"|\bn'est (?:pas|plus) (?:consultée|surveillée|relevée)"
        r"|\b(?:skrzynka|adres) nie jest (?:już )?(?:monitorowan|sprawdzan|obsługiwan)"
        r"|\b(?:postfach|adresse) wird nicht (?:mehr )?(?:überwacht|betreut|abgerufen|gelesen)"
        r"|\b(?:скринька|адреса) не (?:перевіряється|обслуговується|відстежується)"
    )),
    ("automatic", (
        r"\bautomated (?:message|reply|response|email|notification)|\bautomatically"
        r"|\bceci est (?:un|une) (?:message|réponse) automatique|\bgénérée? automatiquement"
        r"|\bwygenerowan\w* automatycznie|\bautomatycznie wygenerowan"
        r"|\bwiadomość automatyczn"
        r"|\bautomatisch (?:erstellt|erzeugt|generiert|versandt)|\bautomatische nachricht"
        r"|\bto jest (?:odpowiedź|wiadomość) automatyczna|\bdies ist eine automatische"
        r"|\bце автоматичн"
        r"|\bавтоматичне повідомлення|\bзгенеровано автоматично|\bавтоматично згенерован"
    )),
    ("received", (
        r"\b(?:received|got) your (?:request|message|email|e-mail|enquiry|query)"
        r"|\backnowledge (?:that we have )?(?:receiv|receipt)|\bconfirming that we got"
        r"|\bhas been (?:received|registered|logged)"
        r"|\breçu votre|\ba (?:bien )?été (?:reçue?|enregistrée?)|\baccusons réception"
        r"|\best bien arrivé"
        r"|\botrzyma\w* (?:twoj|państwa|pana|pani)|\bzostał[oa]? (?:przyjęt|zarejestrowan|odebran)"
        r"|\bpotwierdzamy (?:otrzyma|przyj)"
        r"|\b(?:ist|wurde) (?:bei uns )?(?:eingegangen|erfasst|registriert|angekommen)"
        r"|\bbestätigen (?:ihnen )?den eingang"
        r"|\bотримали ваш|\b(?:зареєстровано|отримано)\b|\bпідтверджуємо отриман"
        r"|\bваш\w* (?:повідомлення|лист|звернення|запит) надійшл"
    )),
    ("no_reply", (
        r"\bdo not reply|\bdon't reply|\bnoreply@|\bno-reply@|\bne (?:pas )?répondre à ce"
        r"|\bnie odpowiadać|\bnicht auf diese (?:e-mail|nachricht) antworten"
        r"|\bне відповідайте"
        r"|\b(?:cannot|can't) receive replies|\bne peut pas recevoir de réponses"
        r"|\bnie może odbierać|\bkann keine antworten empfangen|\bне може отримувати"
    )),
    ("case_number", (
        r"(?:ticket|request|case|reference|référence|referenz|referencyjny|fallnummer"
        r"|demande|suivi|zgłoszeni\w*|ticketnummer|vorgangsnummer"
        r"|anfrage|звернення|заявк\w*|номер\w*|numer)\s*(?:#|no\.?|nr\.?|n°|№|-?id|number|numer"
        r"|nummer|номер|numéro(?: de \w+)?)?\s*[:(]?\s*[a-zа-яіїєґ]{0,5}-?\d{4,}"
    )),
    ("team_reply", (
        r"\b(?:our|notre|nasz|unser|наш)\w* (?:\w+ )?(?:team|équipe|zesp|команд)"
        r"|\b(?:representative|agent|advisor|conseiller|konsultant|berater|mitarbeiter|фахівець"
        r"|консультант)\w* (?:will|la prendra|vous|skontaktuje|odpowie|zapozna|wird|meldet"
        r"|зв'яжеться|відповість|ознайомиться)"
        r"|\b(?:we will|we'll|we would like to) (?:reply|respond|get back|acknowledge)"
        r"|\bnous vous répondrons|\bodpowiemy|\bwir antworten|\bми відповімо"
        r"|\b(?:within|sous|w ciągu|innerhalb von|протягом|не пізніше ніж за) \d+"
    )),
    ("thanks_for_contacting", (
        r"\bthank(?:s| you) for (?:contacting|getting in touch|reaching out)"
        r"|\bmerci de nous avoir|\bmerci d'avoir contacté|\bdziękujemy za (?:kontakt|wiadomość)"
        r"|\bdanke, dass sie sich an|\bдякуємо, що (?:звернулися|написали)"
    )),
    ("delivery_failure", (
        r"\b(?:could ?n[o']t|cannot|wasn't|was not) be delivered|\bwasn't delivered"
        r"|\b(?:recipient|address) not found|\brecipientnotfound"
        r"|\b(?:550|551|552|553|554) 5\.\d\.\d+\b"
        r"|\bpermanent error|\bn'(?:a|ont) pas pu être (?:remis|distribu)|\best introuvable"
        r"|\bnie (?:można|udało się) dostarczyć|\bnie został[oa]? dostarczon"
        r"|\bnie znaleziono adres|\bkonnte\w* nicht zugestellt|\bdauerhafter fehler"
        r"|\bне вдалося доставити|\bпостійна помилка"
    )),
)  # fmt: skip
# A ticket reference at the start of a subject that no one replied to: help desks write it.
TICKET_SUBJECT = r"^\[(?:[^\]]{0,40} )?(?:ticket#?\s*|#)?[a-z]{0,6}-?\d{3,}\]"
# A customer speaking of their own case or family ("my claim", "ma demande", "mein Vater"):
# a notice speaks of "your request" and "my colleague". Counts against, less than a question.
CUSTOMER_VOICE = (
    r"\bmy (?:claim|order|parcel|package|refund|complaint|enquiry|ticket|booking|account"
    r"|father|mother|dad|mum|husband|wife|son|daughter|partner)\b|\bnow in my name"
    r"|\bnothing has (?:moved|happened)|\byour (?:automatic|automated|auto)[- ]?(?:reply|response)"
    r"|\byour out-of-office|\bvotre réponse automatique|\bwaszą automatyczną odpowiedź"
    r"|\bihre automatische antwort|\bвашу автоматичну відповідь"
    r"|\bma (?:demande|commande|réclamation|plainte)\b|\bmon (?:colis|remboursement|dossier"
    r"|père|mari)\b|\bma (?:mère|femme|fille)\b|\brien n'avance"
    r"|\bmoj(?:e|a|ej|ą) (?:zgłoszeni|zamówieni|reklamacj|paczk|żon|cór|mam)"
    r"|\bmój (?:zwrot|mąż|syn)"
    r"|\b(?:tata|mama) (?:przeszedł|przeszła)"
    r"|\bmein(?:e|en)? (?:anfrage|bestellung|reklamation|paket|erstattung|beschwerde|vater"
    r"|mutter|mann|frau)\b"
    r"|\bмоє (?:звернення|замовлення)|\bмо[яю] (?:скарг|посилк|дружин|мам)|\bмій (?:запит|тато"
    r"|чоловік)|\bтато (?:наприкінці|вийшов)"
)
CUSTOMER_VOICE_WEIGHT = -0.3
# A reply prefix before a notice's subject ("Re: Automatic reply: …"): a person answering it.
ANSWERS_NOTICE_WEIGHT = -0.3
ANSWERS_NOTICE_CODE = "answers_notice"
CUSTOMER_VOICE_CODE = "customer_voice"
# Requests to the company said without a question mark: a person's message.
REQUESTS = (
    r"\b(?:could|can|would) you\b|\bplease (?:book|deliver|refund|cancel|reschedule)"
    r"|\bplease don't (?:send|deliver)|\bmerci de ne pas (?:envoyer|livrer)"
    r"|\bproszę nie (?:wysyłać|dostarczać)|\bbitte (?:liefern|schicken) sie (?:nicht|erst)"
    r"|\bне надсилайте"
    r"|\bpouvez-vous|\bpourriez-vous|\bmerci de (?:ne pas )?(?:livrer|m'envoyer|me proposer)"
    r"|\bproszę (?:wstrzymać|poprawić)|\bczy (?:mogą|może|można)"
    r"|\bkönnen sie|\bkönnten sie|\bbitte (?:liefern|schicken|prüfen) sie"
    r"|\bчи (?:можна|може|можете)|\bпрошу не"
    r"|\blet's talk|\bwould suit me|\bparlons-en|\bme conviendrait|\bporozmawiajmy"
    r"|\bby mi odpowiadał|\bdann sprechen wir|\bwürde mir passen|\bпоговоримо|\bмені підійде"
    r"|\bbitte (?:\S+ ){0,4}nicht (?:liefern|zustellen|schicken)"
    r"|\bno rush|\brien ne presse|\bnic się nie pali|\bes eilt (?:\S+ ){0,2}nicht"
    r"|\bнічого не горить"
)
