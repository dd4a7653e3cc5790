-- The schema bot/storage.py created before sqlite-utils Migrations (PRAGMA user_version = 3),
-- dumped from that code, with a little data. tests/test_schema.py opens it with today's code.

CREATE TABLE "users" (
   "id" INTEGER PRIMARY KEY,
   "display_name" TEXT,
   "language" TEXT,
   "created_at" TEXT,
   "last_seen" TEXT
);
CREATE TABLE "tickets" (
   "id" INTEGER PRIMARY KEY,
   "user_id" INTEGER REFERENCES "users"("id"),
   "status" TEXT,
   "reason" TEXT,
   "topic" TEXT,
   "created_at" TEXT,
   "taken_at" TEXT,
   "taken_by" INTEGER,
   "taken_by_name" TEXT,
   "first_reply_at" TEXT,
   "closed_at" TEXT,
   "closed_by" INTEGER,
   "card_message_id" INTEGER,
   "rating" INTEGER
, "kind" TEXT NOT NULL DEFAULT 'chat', "card_chat_id" INTEGER);
CREATE TABLE "messages" (
   "id" INTEGER PRIMARY KEY,
   "user_id" INTEGER REFERENCES "users"("id"),
   "ticket_id" INTEGER REFERENCES "tickets"("id"),
   "direction" TEXT,
   "text" TEXT,
   "outcome" TEXT,
   "intent" TEXT,
   "confidence" REAL,
   "faq_id" TEXT,
   "staff_id" INTEGER,
   "created_at" TEXT
);
CREATE TABLE "relays" (
   "chat_id" INTEGER,
   "message_id" INTEGER,
   "ticket_id" INTEGER REFERENCES "tickets"("id"),
   PRIMARY KEY ("chat_id", "message_id")
);
CREATE TABLE "ratings" (
   "id" INTEGER PRIMARY KEY,
   "user_id" INTEGER REFERENCES "users"("id"),
   "faq_id" TEXT,
   "helpful" INTEGER,
   "created_at" TEXT
);
CREATE INDEX "idx_messages_user_id_created_at"
    ON "messages" ("user_id", "created_at");
CREATE INDEX "idx_tickets_status_created_at"
    ON "tickets" ("status", "created_at");
CREATE TABLE "unanswered" (
   "id" INTEGER PRIMARY KEY,
   "user_id" INTEGER,
   "text" TEXT,
   "reason" TEXT,
   "guesses" TEXT,
   "created_at" TEXT,
   "added_to" TEXT
);
CREATE TABLE "complaints" (
   "ticket_id" INTEGER PRIMARY KEY REFERENCES "tickets"("id"),
   "category" TEXT,
   "what" TEXT,
   "when_text" TEXT,
   "where_text" TEXT,
   "contact" TEXT,
   "misconduct" INTEGER,
   "created_at" TEXT
);
CREATE TABLE "skm" (
   "id" INTEGER PRIMARY KEY,
   "ticket_id" INTEGER REFERENCES "tickets"("id"),
   "element" TEXT,
   "score" INTEGER,
   "created_at" TEXT
);
CREATE TABLE "processed_updates" (
   "update_id" INTEGER PRIMARY KEY,
   "done_at" TEXT
);
PRAGMA user_version = 3;

INSERT INTO users VALUES (1, 'Budi', 'en', '2026-10-01T02:00:00+00:00', '2026-10-02T03:00:00+00:00');
INSERT INTO messages (user_id, direction, text, outcome, faq_id, created_at)
    VALUES (1, 'in', 'brp biaya paspor', NULL, NULL, '2026-10-01T02:00:00+00:00');
INSERT INTO tickets (user_id, status, reason, kind, created_at)
    VALUES (1, 'open', 'complaint', 'complaint', '2026-10-02T03:00:00+00:00');
INSERT INTO complaints VALUES (1, 'pelayanan', 'antre lama', 'kemarin', 'loket', '[TELEPON]', 0, '2026-10-02T03:00:00+00:00');
INSERT INTO processed_updates VALUES (41, '2026-10-02T03:00:00+00:00');
