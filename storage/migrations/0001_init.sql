-- Ticketbook schema 1. Times are UTC text (fixed width, so they sort and
-- compare as text); dates are 'YYYY-MM-DD' or NULL; money is INTEGER fen.
-- CHECKs mirror core/enums.go: they catch bugs, core validation comes first.

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL CHECK (name <> ''),
    id_number     TEXT NOT NULL DEFAULT '',
    licence_file  TEXT NOT NULL DEFAULT '',
    licence_class TEXT NOT NULL DEFAULT '',
    first_issued  TEXT CHECK (first_issued GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    valid_until   TEXT CHECK (valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    phone         TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('owner', 'employee', 'family', 'customer')),
    notes         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
-- Many people have no ID number on file; only real ones must be unique.
CREATE UNIQUE INDEX people_id_number ON people (id_number) WHERE id_number <> '';
CREATE INDEX people_name ON people (name);

CREATE TABLE vehicles (
    id              INTEGER PRIMARY KEY,
    -- Any two-digit GA 24.7 code: core/ident decides which ones it knows,
    -- so a new type needs no migration.
    plate_type      TEXT NOT NULL CHECK (plate_type GLOB '[0-9][0-9]'),
    plate           TEXT NOT NULL CHECK (plate <> ''),
    vin             TEXT NOT NULL DEFAULT '',
    vin_unchecked   INTEGER NOT NULL DEFAULT 0 CHECK (vin_unchecked IN (0, 1)),
    engine          TEXT NOT NULL DEFAULT '',
    owner_name      TEXT NOT NULL DEFAULT '',
    owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('own', 'company', 'customer', 'family')),
    owner_person_id INTEGER REFERENCES people (id) ON DELETE RESTRICT,
    nickname        TEXT NOT NULL DEFAULT '',
    use             TEXT NOT NULL CHECK (use IN ('private', 'non_operating', 'transport', 'school_bus', 'hazardous')),
    notes           TEXT NOT NULL DEFAULT '',
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (plate_type, plate)
) STRICT;
CREATE INDEX vehicles_plate ON vehicles (plate);
CREATE INDEX vehicles_owner_person ON vehicles (owner_person_id);

CREATE TABLE custody (
    id           INTEGER PRIMARY KEY,
    vehicle_id   INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE RESTRICT,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
    from_at      TEXT NOT NULL,
    to_at        TEXT,
    odometer_out INTEGER CHECK (odometer_out >= 0),
    odometer_in  INTEGER CHECK (odometer_in >= 0),
    purpose      TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (to_at IS NULL OR to_at > from_at)
) STRICT;
CREATE INDEX custody_vehicle ON custody (vehicle_id, from_at);
CREATE INDEX custody_person ON custody (person_id, from_at);

CREATE TABLE registrations (
    id          INTEGER PRIMARY KEY,
    vehicle_id  INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE RESTRICT,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
    method      TEXT NOT NULL CHECK (method IN ('sms', 'qr', 'window')),
    status      TEXT NOT NULL CHECK (status IN ('applied', 'approved', 'rejected', 'cancelled')),
    applied     TEXT NOT NULL CHECK (applied GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    approved    TEXT CHECK (approved GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    cancelled   TEXT CHECK (cancelled GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    official_qr TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX registrations_vehicle ON registrations (vehicle_id);
CREATE INDEX registrations_person ON registrations (person_id);

CREATE TABLE violations (
    id              INTEGER PRIMARY KEY,
    record_number   TEXT NOT NULL DEFAULT '',
    decision_number TEXT NOT NULL DEFAULT '',
    vehicle_id      INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE RESTRICT,
    occurred_at     TEXT NOT NULL,
    place           TEXT NOT NULL,
    code            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    fine_fen        INTEGER NOT NULL CHECK (fine_fen >= 0),
    points          INTEGER NOT NULL CHECK (points BETWEEN 0 AND 12),
    source          TEXT NOT NULL CHECK (source IN ('camera', 'on_site')),
    decided_on      TEXT CHECK (decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    received_on     TEXT CHECK (received_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status          TEXT NOT NULL CHECK (status IN ('new', 'confirmed', 'decided', 'paid', 'appealed',
                                                    'appeal_upheld', 'appeal_rejected', 'in_person')),
    driver_id       INTEGER REFERENCES people (id) ON DELETE RESTRICT,
    driver_manual   INTEGER NOT NULL DEFAULT 0 CHECK (driver_manual IN (0, 1)),
    notes           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
-- A camera record has no decision number yet, and an on-site ticket may have
-- no record number: only the numbers that exist must be unique.
CREATE UNIQUE INDEX violations_decision_number ON violations (decision_number) WHERE decision_number <> '';
CREATE UNIQUE INDEX violations_record_number ON violations (record_number) WHERE record_number <> '';
CREATE INDEX violations_vehicle ON violations (vehicle_id, occurred_at);
CREATE INDEX violations_driver ON violations (driver_id);
CREATE INDEX violations_status ON violations (status);
CREATE INDEX violations_occurred ON violations (occurred_at);

CREATE TABLE attachments (
    hash       TEXT NOT NULL PRIMARY KEY CHECK (hash <> ''),
    name       TEXT NOT NULL DEFAULT '',
    mime       TEXT NOT NULL DEFAULT '',
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at TEXT NOT NULL
) STRICT;

-- A photo link belongs to its violation and goes with it; the file itself
-- may be shared, so it is kept while anything links to it.
CREATE TABLE violation_photos (
    violation_id INTEGER NOT NULL REFERENCES violations (id) ON DELETE CASCADE,
    hash         TEXT NOT NULL REFERENCES attachments (hash) ON DELETE RESTRICT,
    position     INTEGER NOT NULL,
    PRIMARY KEY (violation_id, hash)
) STRICT;
CREATE INDEX violation_photos_hash ON violation_photos (hash);

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    violation_id    INTEGER NOT NULL REFERENCES violations (id) ON DELETE RESTRICT,
    fine_fen        INTEGER NOT NULL CHECK (fine_fen >= 0),
    late_fee_fen    INTEGER NOT NULL CHECK (late_fee_fen >= 0),
    method          TEXT NOT NULL CHECK (method IN ('alipay', 'wechat', 'card', 'counter', 'cash')),
    paid_at         TEXT,
    receipt_number  TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    state           TEXT NOT NULL CHECK (state IN ('queued', 'submitted', 'confirmed', 'failed', 'unknown')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
-- A fine paid twice cannot be got back, so the database itself refuses a
-- second payment of one violation unless every earlier one has failed.
CREATE UNIQUE INDEX payments_one_live ON payments (violation_id) WHERE state <> 'failed';
-- The partial index cannot serve lookups that include failed payments.
CREATE INDEX payments_violation ON payments (violation_id, created_at);
