-- The history of a record: every change a user action makes is written here
-- in the same transaction, so the detail screen can say who changed what when.
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL CHECK (entity <> ''),
    entity_id INTEGER NOT NULL,
    at        TEXT NOT NULL,
    field     TEXT NOT NULL DEFAULT '',
    old       TEXT NOT NULL DEFAULT '',
    new       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX changes_entity ON changes (entity, entity_id, id);
-- Sorting by payment deadline pages through 100k rows without a full sort.
CREATE INDEX violations_due ON violations (coalesce(received_on, decided_on));
CREATE INDEX violations_fine ON violations (fine_fen);
