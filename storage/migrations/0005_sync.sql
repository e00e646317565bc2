-- Sync with a provider. Every action that must reach the provider gets an
-- outbox row in the same transaction as the action itself; the sync engine
-- drains it. The idempotency key is unique so one action can never be queued
-- (or charged) twice.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('confirm', 'pay', 'appeal', 'register', 'cancel_registration')),
    subject         TEXT NOT NULL CHECK (subject <> ''),
    violation_id    INTEGER REFERENCES violations (id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations (id) ON DELETE CASCADE,
    payment_id      INTEGER REFERENCES payments (id) ON DELETE RESTRICT,
    idempotency_key TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    payload         TEXT NOT NULL DEFAULT '{}',
    request         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'unknown', 'done', 'failed')),
    outcome         TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at         TEXT,
    lease_until     TEXT,
    -- Who holds the lease ("host:pid"): a restarted desktop takes over at
    -- once from a sender on this machine that is no longer running.
    lease_owner     TEXT NOT NULL DEFAULT '',
    error_code      TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    done_at         TEXT
) STRICT;
CREATE INDEX outbox_state ON outbox (state, subject, id);
CREATE INDEX outbox_violation ON outbox (violation_id);
CREATE INDEX outbox_registration ON outbox (registration_id);

-- Where the last pull of each vehicle stopped (the provider's opaque cursor).
CREATE TABLE sync_cursors (
    vehicle_id INTEGER PRIMARY KEY REFERENCES vehicles (id) ON DELETE CASCADE,
    cursor     TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Violations that came from the provider: its version, and how many of its
-- photos are already stored (so a photo is fetched once).
CREATE TABLE sync_violations (
    violation_id INTEGER PRIMARY KEY REFERENCES violations (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    photos       INTEGER NOT NULL DEFAULT 0,
    snapshot     TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
) STRICT;

ALTER TABLE registrations ADD COLUMN provider_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN provider_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN elsewhere INTEGER NOT NULL DEFAULT 0 CHECK (elsewhere IN (0, 1));
