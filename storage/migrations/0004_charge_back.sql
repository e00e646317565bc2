-- Cost recovery: a fine can be charged back to the driver (an employee, a
-- renter, a customer) and marked recovered; the monthly report lists both.
ALTER TABLE violations ADD COLUMN charge_back_to INTEGER REFERENCES people (id) ON DELETE RESTRICT;
ALTER TABLE violations ADD COLUMN recovered_on TEXT CHECK (recovered_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
