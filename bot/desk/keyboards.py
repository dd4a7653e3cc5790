"""The buttons the desk puts under its messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actions.faq import Faq, load_catalogue
from bot import skm, texts
from bot.desk import callbacks as cb
from bot.desk.outgoing import Button, Keyboard, Link

if TYPE_CHECKING:
    from bot.assistant import Reply

CATALOGUE = load_catalogue()
#: Answers under which residents are offered the complaint flow.
COMPLAINT_TOPICS = frozenset({"layanan_pengaduan", "calo_pungli"})
COMPLAINT_CATEGORIES = ("pengaduan", "informasi", "aspirasi")
#: The answer under which residents are offered the office's location.
ADDRESS_TOPIC = "kantor_alamat_jam"
OFFICIAL_SITE = "https://www.imigrasi.go.id/"


def reply_buttons(reply: Reply, details: bool = False) -> Keyboard:
    """Under a reply: choices to pick, or details, related topic, rating and officer buttons under an answer; the
    menu last."""
    language, answered = reply.language, reply.outcome == "answer" and reply.faq_id is not None
    rows: list[tuple[Button, ...]] = [(Button(title, cb.Ask(payload.lstrip("/"))),) for title, payload in reply.buttons]
    if details and answered and reply.faq_id:
        rows.insert(0, (Button(texts.text(language, "more_button"), cb.Details(reply.faq_id, language)),))
    if answered and reply.faq_id:
        rows.append((
            Button(texts.text(language, "helpful"), cb.RateAnswer(reply.faq_id, True)),
            Button(texts.text(language, "not_helpful"), cb.RateAnswer(reply.faq_id, False)),
        ))
    if reply.faq_id in COMPLAINT_TOPICS:
        rows.append((Button(texts.text(language, "complaint_button"), cb.Complaint()),))
    if reply.faq_id == ADDRESS_TOPIC:
        rows.append((Button(texts.text(language, "location_button"), cb.Location()),))
    if reply.outcome in ("answer", "clarify", "fallback"):
        rows.append(officer(language))
    return (*rows, menu(language))


def menu(language: str) -> tuple[Button, ...]:
    """The row that ends every answer: back to the topics and the rest of the menu."""
    return (Button(texts.text(language, "menu_button"), cb.Menu(False)),)


def without(keyboard: Keyboard, kind: type[cb.Callback]) -> Keyboard:
    """The keyboard with the buttons of one kind taken out (a choice already made), and rows left empty dropped."""
    rows = (tuple(b for b in row if not isinstance(b.callback, kind)) for row in keyboard)
    return tuple(row for row in rows if row)


def officer(language: str) -> tuple[Button, ...]:
    """The row with the button that asks for a human."""
    return (Button(texts.text(language, "officer_button"), cb.Officer()),)


def categories() -> Keyboard:
    """One button per FAQ category."""
    return tuple((Button(title, cb.Category(key)),) for key, title in CATALOGUE.categories.items())


def main_menu(language: str) -> Keyboard:
    """The categories, the office's location and the officer."""
    return (*categories(), (Button(texts.text(language, "location_button"), cb.Location()),), officer(language))


def topics(faq: Faq, category: str, language: str) -> Keyboard:
    """One button per topic of a category, titled as in the FAQ, and the way back to the menu."""
    listed = tuple(
        (Button(faq.entries[t.id].title, cb.Ask(t.id)),)
        for t in CATALOGUE.topics.values()
        if t.category == category and t.id in faq.entries
    )
    return (*listed, (Button(texts.text(language, "back_button"), cb.Menu(True)),))


def official_site(language: str) -> tuple[Link, ...]:
    """The official site as a button (links go to government domains only: no map service)."""
    return (Link(texts.text(language, "site_button"), OFFICIAL_SITE),)


def languages() -> Keyboard:
    """Bahasa Indonesia or English."""
    return ((Button("Bahasa Indonesia", cb.Language("id")), Button("English", cb.Language("en"))),)


def erase(language: str) -> Keyboard:
    """Confirm or cancel deleting one's data."""
    return ((Button(texts.text(language, "erase_yes"), cb.Erase(True)),
             Button(texts.text(language, "erase_no"), cb.Erase(False))),)


def card(ticket_id: int) -> Keyboard:
    """Take and close buttons on a staff card."""
    return ((Button(texts.text("id", "take_button"), cb.Take(ticket_id)),
             Button(texts.text("id", "close_button"), cb.Close(ticket_id))),)


def ticket_rating(ticket_id: int) -> Keyboard:
    """1-5 buttons to rate the help of staff on a closed ticket."""
    return (tuple(Button(str(n), cb.RateTicket(ticket_id, n)) for n in range(1, 6)),)


def survey_offer(ticket_id: int, language: str) -> Keyboard:
    """Accept or decline the SKM survey after a closed ticket."""
    return ((Button(texts.text(language, "skm_yes"), cb.Survey(ticket_id, True)),
             Button(texts.text(language, "skm_no"), cb.Survey(ticket_id, False))),)


def survey_scores(ticket_id: int, element: int, language: str) -> Keyboard:
    """The four SKM scores of one element, and "does not apply"."""
    scores = [(Button(f"{score} {texts.text(language, f'skm_score_{score}')}", cb.SurveyScore(ticket_id, element, score)),)
              for score in skm.SCORES]
    return (*scores, (Button(texts.text(language, "skm_skip"), cb.SurveyScore(ticket_id, element, 0)),))


def complaint_kinds(language: str) -> Keyboard:
    """The SP4N-LAPOR! categories."""
    return tuple((Button(texts.text(language, f"complaint_{c}"), cb.ComplaintKind(c)),) for c in COMPLAINT_CATEGORIES)


def yes_no(language: str) -> Keyboard:
    """Is the complaint about misconduct, brokers or illegal fees?"""
    return ((Button(texts.text(language, "yes"), cb.Misconduct(True)),
             Button(texts.text(language, "no"), cb.Misconduct(False))),)
