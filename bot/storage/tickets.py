"""The ticket life cycle: open (chat or complaint), queue, staff card and relays, take, reply, close,
rating and SKM survey; and the ticket lists supervisors review."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.privacy import mask
from bot.storage.conversations import drop_draft, last_answered_topic, last_question, log_message, record_unanswered
from bot.storage.database import Database, first, insert, now, rows

TICKET_OPEN, TICKET_TAKEN, TICKET_CLOSED = "open", "taken", "closed"
ACTIVE = (TICKET_OPEN, TICKET_TAKEN)
#: Ticket kinds: a resident waiting to chat with staff, or a filed complaint (SP4N-LAPOR!).
CHAT, COMPLAINT = "chat", "complaint"


def active_ticket(db: Database, user_id: int, kind: str | None = None) -> dict[str, Any] | None:
    """The user's newest open or taken ticket, if any: of this kind (CHAT or COMPLAINT), or of either."""
    where, values = "user_id = ? AND status IN (?, ?)", [user_id, *ACTIVE]
    if kind is not None:
        where, values = f"{where} AND kind = ?", [*values, kind]
    return first(db, f"SELECT * FROM tickets WHERE {where} ORDER BY id DESC LIMIT 1", values)


def get_ticket(db: Database, ticket_id: int) -> dict[str, Any] | None:
    """One ticket by id."""
    return first(db, "SELECT * FROM tickets WHERE id = ?", [ticket_id])


def create_ticket(db: Database, user_id: int, reason: str, topic: str | None) -> dict[str, Any]:
    """Open a chat ticket for a user (or return their active one; a filed complaint is not one)."""
    with db.atomic():
        ticket = active_ticket(db, user_id, CHAT)
        if ticket is None:
            ticket_id = insert(
                db, "tickets", {"user_id": user_id, "status": TICKET_OPEN, "reason": reason, "topic": topic, "created_at": now()}
            )
            ticket = get_ticket(db, ticket_id)
    assert ticket is not None  # found or written just above
    return ticket


def escalate(db: Database, user_id: int, reason: str) -> tuple[dict[str, Any], bool]:
    """The user's active chat ticket, or a new one about their last answered topic (their last question is kept as
    unanswered); True when the ticket already existed. A complaint the user filed is no chat with staff: asking for
    an officer meanwhile opens a chat ticket of its own."""
    with db.atomic():
        ticket = active_ticket(db, user_id, CHAT)
        if ticket is not None:
            return ticket, True
        if question := last_question(db, user_id):
            record_unanswered(db, user_id, question, "eskalasi", [])
        return create_ticket(db, user_id, reason, last_answered_topic(db, user_id)), False


def create_complaint(db: Database, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Open a complaint ticket with its SP4N-LAPOR! details (masked); the user's draft is dropped with it."""
    created = now()
    with db.atomic():
        ticket_id = insert(db, "tickets", {
            "user_id": user_id, "status": TICKET_OPEN, "reason": "complaint", "kind": COMPLAINT,
            "topic": data.get("category"), "created_at": created,
        })
        insert(db, "complaints", {
            "ticket_id": ticket_id, "category": data.get("category"), "what": mask(data.get("what", "")),
            "when_text": mask(data.get("when", "")), "where_text": mask(data.get("where", "")),
            "contact": mask(data.get("contact", "")), "misconduct": int(bool(data.get("misconduct"))), "created_at": created,
        })
        drop_draft(db, user_id)
        ticket = get_ticket(db, ticket_id)
    assert ticket is not None  # written just above
    return ticket


def queue_position(db: Database, ticket_id: int) -> int:
    """How many open chat tickets are waiting up to and including this one (filed complaints wait for no officer)."""
    return int(db.execute(
        "SELECT COUNT(*) FROM tickets WHERE status = ? AND kind = ? AND id <= ?", [TICKET_OPEN, CHAT, ticket_id]
    ).fetchone()[0])


def set_card(db: Database, ticket_id: int, chat_id: int, message_id: int) -> None:
    """Remember the staff-group card of a ticket (replies to it reach the ticket)."""
    with db.atomic():
        db.execute("UPDATE tickets SET card_message_id = ?, card_chat_id = ? WHERE id = ?", [message_id, chat_id, ticket_id])
        add_relay(db, chat_id, message_id, ticket_id)


def add_relay(db: Database, chat_id: int, message_id: int, ticket_id: int) -> None:
    """Map a staff-group message to its ticket."""
    db.execute(
        "INSERT INTO relays (chat_id, message_id, ticket_id) VALUES (?, ?, ?) "
        "ON CONFLICT (chat_id, message_id) DO UPDATE SET ticket_id = excluded.ticket_id",
        [chat_id, message_id, ticket_id],
    )


def ticket_for_message(db: Database, chat_id: int, message_ids: Iterable[int | None]) -> dict[str, Any] | None:
    """The ticket that one of these staff-group messages (a reply target or thread root) belongs to."""
    for message_id in filter(None, message_ids):
        row = db.execute(
            "SELECT ticket_id FROM relays WHERE chat_id = ? AND message_id = ?", [chat_id, message_id]
        ).fetchone()
        if row:
            return get_ticket(db, row[0])
    return None


def take_ticket(db: Database, ticket_id: int, staff_id: int, staff_name: str) -> bool:
    """Assign an open ticket to a staff member (name masked); False when someone else was first or it is closed."""
    cursor = db.execute(
        "UPDATE tickets SET status = ?, taken_at = ?, taken_by = ?, taken_by_name = ? WHERE id = ? AND status = ?",
        [TICKET_TAKEN, now(), staff_id, mask(staff_name), ticket_id, TICKET_OPEN],
    )
    return cursor.rowcount == 1


def record_staff_reply(db: Database, ticket_id: int, staff_id: int, staff_name: str, text: str) -> None:
    """Store a staff reply; the first one also takes an open ticket and sets first_reply_at."""
    ticket = get_ticket(db, ticket_id)
    if ticket is None:
        return
    with db.atomic():
        take_ticket(db, ticket["id"], staff_id, staff_name)  # no change unless the ticket is still open
        db.execute("UPDATE tickets SET first_reply_at = ? WHERE id = ? AND first_reply_at IS NULL", [now(), ticket["id"]])
        log_message(db, ticket["user_id"], "staff", text, ticket_id=ticket["id"], staff_id=staff_id)


def close_ticket(db: Database, ticket_id: int, staff_id: int) -> bool:
    """Close an active ticket; False when it was already closed."""
    cursor = db.execute(
        "UPDATE tickets SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status IN (?, ?)",
        [TICKET_CLOSED, now(), staff_id, ticket_id, *ACTIVE],
    )
    return cursor.rowcount == 1


def rate_ticket(db: Database, ticket_id: int, user_id: int, rating: int) -> bool:
    """Store the 1-5 rating a user gave to a closed ticket of theirs."""
    cursor = db.execute(
        "UPDATE tickets SET rating = ? WHERE id = ? AND user_id = ? AND status = ?",
        [rating, ticket_id, user_id, TICKET_CLOSED],
    )
    return cursor.rowcount == 1


def record_skm(db: Database, ticket_id: int, element: str, score: int) -> None:
    """Store (or correct) one SKM element score for a ticket."""
    with db.atomic():
        db.execute("DELETE FROM skm WHERE ticket_id = ? AND element = ?", [ticket_id, element])
        insert(db, "skm", {"ticket_id": ticket_id, "element": element, "score": score, "created_at": now()})


#: SQL: minutes from a ticket's opening to its closing, none for a ticket its resident left (/batal), which nobody
#: resolved; {t} is the prefix naming the tickets table ("t." or "").
RESOLUTION_MINUTES = ("(CASE WHEN {t}closed_by = {t}user_id THEN NULL "
                      "ELSE julianday({t}closed_at) - julianday({t}created_at) END) * 1440")
TICKET_COLUMNS = (
    "t.id, t.status, t.user_id, u.display_name, t.reason, t.topic, t.created_at, t.taken_by, t.taken_by_name, "
    "t.first_reply_at, t.closed_at, t.rating, "
    "ROUND((julianday(t.first_reply_at) - julianday(t.created_at)) * 1440, 1) AS first_reply_minutes, "
    f"ROUND({RESOLUTION_MINUTES.format(t='t.')}, 1) AS resolution_minutes"
)


def list_tickets(
    db: Database, status: str | None = None, since: str | None = None, until: str | None = None,
    staff_id: int | None = None, rating: int | None = None,
) -> list[dict[str, Any]]:
    """Tickets matching the filters, oldest first, with first-reply and resolution minutes."""
    where: list[str] = ["1 = 1"]
    params: list[str | int] = []
    if status == "open":
        where.append("t.status IN ('open', 'taken')")
    elif status:
        where.append("t.status = ?")
        params.append(status)
    for clause, value in (
        ("julianday(t.created_at) >= julianday(?)", since), ("julianday(t.created_at) < julianday(?)", until),
        ("t.taken_by = ?", staff_id), ("t.rating = ?", rating),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    condition = " AND ".join(where)  # fixed clauses only; every value is a parameter
    sql = f"SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN users u ON u.id = t.user_id WHERE {condition} ORDER BY t.id"
    return rows(db, sql, params)


def ticket_transcript(db: Database, ticket_id: int) -> list[dict[str, Any]]:
    """The conversation around a ticket: the day before it opened until it closed."""
    ticket = get_ticket(db, ticket_id)
    if ticket is None:
        return []
    rows = db.execute(
        "SELECT direction, text, created_at FROM messages WHERE user_id = ? "
        "AND julianday(created_at) >= julianday(?) - 1 AND (? IS NULL OR julianday(created_at) <= julianday(?)) ORDER BY id",
        [ticket["user_id"], ticket["created_at"], ticket["closed_at"], ticket["closed_at"]],
    ).fetchall()
    return [{"direction": d, "text": t, "created_at": c} for d, t, c in rows]
