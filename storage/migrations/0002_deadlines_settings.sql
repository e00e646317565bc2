-- The rules need more dates than the first schema kept: when a camera record
-- was notified (30-day handling window) and extended, when an appeal was
-- pending (no late fee accrues), and the provider's own late-fee figure.
ALTER TABLE violations ADD COLUMN notified_on TEXT CHECK (notified_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE violations ADD COLUMN extended_until TEXT CHECK (extended_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE violations ADD COLUMN appealed_on TEXT CHECK (appealed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE violations ADD COLUMN appeal_decided_on TEXT CHECK (appeal_decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE violations ADD COLUMN provider_late_fee_fen INTEGER CHECK (provider_late_fee_fen >= 0);
ALTER TABLE violations ADD COLUMN provider_late_fee_on TEXT CHECK (provider_late_fee_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

-- Preferences that change results (late-fee day convention, region) live in
-- the database so the CLI and the window always agree.
CREATE TABLE settings (
    key        TEXT NOT NULL PRIMARY KEY CHECK (key <> ''),
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
