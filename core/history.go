package core

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Change is one line of a record's history: who changed which field from
// what to what, written in the same transaction as the change itself.
type Change struct {
	ID       int64     `json:"id"`
	Entity   string    `json:"entity"` // "violation", "payment", ...
	EntityID int64     `json:"entity_id"`
	At       time.Time `json:"at"`
	Field    string    `json:"field"` // "" for a whole-record event such as "created"
	Old      string    `json:"old"`
	New      string    `json:"new"`
}

type ChangeRepo interface {
	Add(ctx context.Context, c *Change) error
	List(ctx context.Context, entity string, id int64) ([]Change, error) // oldest first
}

// BlobStore keeps attachment files (photos, evidence) by content hash, so the
// same photo is stored once and a hash always means the same bytes.
type BlobStore interface {
	Put(ctx context.Context, data []byte) (hash string, err error)
	Open(hash string) (io.ReadCloser, error)
}

// ViolationChanges lists the fields that differ between two versions of a
// violation, as history lines.
func ViolationChanges(old, cur Violation, at time.Time) []Change {
	var out []Change
	add := func(f, a, b string) {
		if a != b {
			out = append(out, Change{Entity: "violation", EntityID: cur.ID, At: at, Field: f, Old: a, New: b})
		}
	}
	add("status", string(old.Status), string(cur.Status))
	add("driver", idStr(old.DriverID), idStr(cur.DriverID))
	add("fine", old.FineFen.Yuan(), cur.FineFen.Yuan())
	add("points", fmt.Sprint(old.Points), fmt.Sprint(cur.Points))
	add("decision_number", old.DecisionNumber, cur.DecisionNumber)
	add("record_number", old.RecordNumber, cur.RecordNumber)
	add("decided", old.DecidedOn.String(), cur.DecidedOn.String())
	add("received", old.ReceivedOn.String(), cur.ReceivedOn.String())
	add("notified", old.NotifiedOn.String(), cur.NotifiedOn.String())
	add("extended_until", old.ExtendedUntil.String(), cur.ExtendedUntil.String())
	add("appealed", old.AppealedOn.String(), cur.AppealedOn.String())
	add("appeal_decided", old.AppealDecidedOn.String(), cur.AppealDecidedOn.String())
	add("occurred", old.OccurredAt.UTC().Format(time.RFC3339), cur.OccurredAt.UTC().Format(time.RFC3339))
	add("place", old.Place, cur.Place)
	add("code", old.Code, cur.Code)
	add("description", old.Description, cur.Description)
	add("notes", old.Notes, cur.Notes)
	add("charge_back", idStr(old.ChargeBackTo), idStr(cur.ChargeBackTo))
	add("recovered", old.RecoveredOn.String(), cur.RecoveredOn.String())
	add("photos", fmt.Sprint(len(old.Photos)), fmt.Sprint(len(cur.Photos)))
	return out
}

func idStr(id *int64) string {
	if id == nil {
		return ""
	}
	return fmt.Sprint(*id)
}
