package health

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzScoreFromSettingsJSON feeds arbitrary settings and signals (as the
// store reads them back from JSON) through validation, normalisation and
// scoring: nothing panics, valid settings give a score within 0-100 whose
// contributions add up to it.
func FuzzScoreFromSettingsJSON(f *testing.F) {
	f.Add(`{"weights":{"adherence":20,"nps":15},"drop_alert":15}`, `{"adherence":80,"renewal":50}`, 30.0, 5, 90)
	f.Add(`{"weights":{"mood":1}}`, `{}`, -100.0, -3, -10)
	f.Add(`{"weights":{"nps":1e308,"plan":1e308}}`, `{"nps":1e308}`, 1e9, 1<<30, 1<<30)
	f.Fuzz(func(t *testing.T, settings, signals string, nps float64, problems, days int) {
		var s Settings
		if json.Unmarshal([]byte(settings), &s) != nil {
			return
		}
		var sig Signals
		if json.Unmarshal([]byte(signals), &sig) != nil {
			return
		}
		for k, v := range Normalise(Inputs{NPSValue: &nps, OpenSevere: &problems, RenewalDays: &days}) {
			if v < 0 || v > 100 || math.IsNaN(v) {
				t.Fatalf("normalised %s = %v", k, v)
			}
			if _, ok := sig[k]; !ok {
				sig[k] = v
			}
		}
		if s.Validate() != nil {
			return
		}
		s = s.Complete()
		for k, v := range sig {
			sig[k] = clamp(v) // the store only ever holds normalised signals
		}
		sc := Compute(sig, s.Weights)
		if !sc.Scored {
			return
		}
		sum := 0.0
		for _, c := range sc.Contributions {
			sum += c.Points
		}
		if sc.Value < -1e-9 || sc.Value > 100+1e-9 || math.Abs(sum-sc.Value) > 1e-6 {
			t.Fatalf("score %v, contributions %v", sc.Value, sum)
		}
	})
}
