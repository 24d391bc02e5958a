package health

import (
	"math"
	"slices"
)

// AUC is the area under the ROC curve of scores for telling the positive
// cases from the others: the probability that a random positive scores
// higher than a random negative, ties counting one half (the Mann-Whitney
// U statistic ÷ (positives × negatives), with mid-ranks for ties). ok is
// false when either class is empty; NaN scores are left out.
func AUC(scores []float64, positive []bool) (auc float64, ok bool) {
	type pt struct {
		v   float64
		pos bool
	}
	pts := make([]pt, 0, len(scores))
	for i, v := range scores {
		if i < len(positive) && !math.IsNaN(v) {
			pts = append(pts, pt{v, positive[i]})
		}
	}
	slices.SortFunc(pts, func(a, b pt) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	var nPos, nNeg, rankSum float64
	for i := 0; i < len(pts); {
		j := i
		for j < len(pts) && pts[j].v == pts[i].v {
			j++
		}
		// Ranks i+1..j share their mean.
		mid := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			if pts[k].pos {
				nPos++
				rankSum += mid
			} else {
				nNeg++
			}
		}
		i = j
	}
	if nPos == 0 || nNeg == 0 {
		return 0, false
	}
	return (rankSum - nPos*(nPos+1)/2) / (nPos * nNeg), true
}
