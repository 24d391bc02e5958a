package portfolio

// Stage is where an account stands in the strategic pipeline, which runs
// beside the sales pipeline: a customer is queued for scoring the moment it
// is one (won, or imported as one), then scored, then decided.
type Stage string

const (
	StageQueued     Stage = "queued"     // a customer not yet scored (some criteria may be rated)
	StageScored     Stage = "scored"     // scored, not yet decided
	StageDesignated Stage = "designated" // designated strategic
	StageDeclined   Stage = "declined"   // considered and declined
)

// Stages lists the pipeline's stages in order.
var Stages = []Stage{StageQueued, StageScored, StageDesignated, StageDeclined}

// StageOf places an account in the pipeline. A decision places any account
// (a prospect may be designated ahead of the deal); otherwise only customers
// are in it, queued until scored. ok is false for an undecided account that
// is not a customer.
//
// Nothing has to happen for a new customer to be queued: the stage is
// derived from the lifecycle and the ratings every time, so an account made
// a customer by hand, by the API or by an import is queued alike.
func StageOf(r Row, customer bool) (s Stage, ok bool) {
	switch {
	case r.Decision == Designated:
		return StageDesignated, true
	case r.Decision == Declined:
		return StageDeclined, true
	case !customer:
		return "", false
	case r.Scored:
		return StageScored, true
	}
	return StageQueued, true
}

// PipelineStage is one column of the pipeline.
type PipelineStage struct {
	Stage   Stage
	Rows    []Row
	Revenue int64
}

// Pipeline buckets the ranking's rows by stage, keeping rank order within
// each (so queued customers come biggest revenue first, the others by
// score). customer reports whether an account is a customer today.
func Pipeline(rows []Row, customer func(id int64) bool) []PipelineStage {
	out := make([]PipelineStage, len(Stages))
	at := map[Stage]int{}
	for i, s := range Stages {
		out[i].Stage = s
		at[s] = i
	}
	for _, r := range rows {
		s, ok := StageOf(r, customer(r.ID))
		if !ok {
			continue
		}
		p := &out[at[s]]
		p.Rows = append(p.Rows, r)
		p.Revenue += max(r.Revenue, 0)
	}
	return out
}
