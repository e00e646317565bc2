// Package rules is Ticketbook's policy: deadlines, late fees, point cycles,
// who was driving, whether a ticket can be handled online, registration
// quotas and what to do next. It is pure: every function takes the domain
// values and an "as of" date and never reads the clock, so the same inputs
// always give the same answer and every answer can be tested.
//
// Every number of the law lives in a versioned rule table (rules.json) with
// its source and how sure we are of it, never in code: fines and some values
// differ by province (Road Traffic Safety Law art. 123) and practice changes.
// Where this package needs a number it asks the table, and it returns the
// rules it used so the UI and CLI can show where a figure comes from.
package rules
