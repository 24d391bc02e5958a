package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// newRand returns the generators' random source: PCG, so that a seed gives
// the same sequence on every platform and Go version.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns an index into weights, drawn in proportion to them.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// pareto draws from a Pareto distribution with minimum 1 and shape alpha,
// capped at limit. alpha ≈ 1.16 gives the 80/20 rule.
func pareto(r *rand.Rand, alpha, limit float64) float64 {
	u := 1 - r.Float64() // (0, 1]
	return math.Min(limit, math.Pow(u, -1/alpha))
}

func pickRegion(r *rand.Rand) region {
	w := make([]int, len(regions))
	for i, g := range regions {
		w[i] = g.weight
	}
	return regions[weighted(r, w)]
}

// companyName makes a name such as "Summit Logistics Inc." and its domain
// ("summitlogistics.com").
func companyName(r *rand.Rand, ind industry, reg region) (name, domain string) {
	prefix, core := pick(r, namePrefixes), pick(r, ind.cores)
	name = prefix + " " + core + " " + pick(r, reg.suffixes)
	return name, asciiWord(prefix+core) + topLevelDomain(reg)
}

func topLevelDomain(reg region) string {
	switch reg.name {
	case "EMEA":
		return ".eu"
	case "APAC":
		return ".asia"
	case "LATAM":
		return ".lat"
	}
	return ".com"
}

// asciiWord lower-cases s and keeps only a-z and 0-9, folding the accented
// letters our name lists use, for e-mail addresses and domains.
func asciiWord(s string) string {
	var sb strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			sb.WriteRune(c)
		case strings.ContainsRune("áàâä", c):
			sb.WriteByte('a')
		case strings.ContainsRune("éèêë", c):
			sb.WriteByte('e')
		case strings.ContainsRune("íìîï", c):
			sb.WriteByte('i')
		case strings.ContainsRune("óòôöø", c):
			sb.WriteByte('o')
		case strings.ContainsRune("úùûü", c):
			sb.WriteByte('u')
		case c == 'ñ':
			sb.WriteByte('n')
		case c == 'ç':
			sb.WriteByte('c')
		}
	}
	return sb.String()
}

// personName draws a first and a last name.
func personName(r *rand.Rand) (first, last string) {
	return pick(r, firstNames), pick(r, lastNames)
}

// emailAt makes first.last@domain.
func emailAt(first, last, domain string) string {
	return asciiWord(first) + "." + asciiWord(last) + "@" + domain
}

// stakeholderLevel draws a level; the first stakeholder of an account is
// always an executive, so that every account has someone at the top.
func stakeholderLevel(r *rand.Rand, first bool) account.Level {
	if first {
		return account.Executive
	}
	return account.Levels[weighted(r, []int{15, 25, 30, 30})]
}

func buyingRole(r *rand.Rand, l account.Level) account.BuyingRole {
	w := buyingRoles[l]
	return account.BuyingRoles[weighted(r, w[:])]
}

// texts holds every touch summary the generators can write, built once.
type texts struct {
	summaries map[account.TouchKind][]string
}

func newTexts() *texts {
	t := &texts{summaries: map[account.TouchKind][]string{}}
	for _, k := range account.TouchKinds {
		for _, tpl := range summaryTemplates[k] {
			for _, topic := range topics {
				t.summaries[k] = append(t.summaries[k], fmt.Sprintf(tpl, topic))
			}
		}
	}
	return t
}

func (t *texts) summary(r *rand.Rand, k account.TouchKind) string { return pick(r, t.summaries[k]) }

// nextStep returns a next step for about two touches in three, "" otherwise.
func nextStep(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return ""
	}
	return pick(r, nextSteps)
}

// touchKind draws a kind: mostly calls, e-mails and meetings.
func touchKind(r *rand.Rand) account.TouchKind {
	return account.TouchKinds[weighted(r, []int{25, 30, 30, 5, 5, 5})]
}

func opportunityName(r *rand.Rand, k account.OpportunityKind, product string) string {
	return fmt.Sprintf(pick(r, opportunityNames[k]), product)
}

// day returns the calendar day n days after t (before, if n < 0).
func day(t time.Time, n int) account.Date { return account.DateOf(t.AddDate(0, 0, n)) }

// cents turns dollars into minor units.
func cents(dollars float64) int64 { return int64(math.Round(dollars)) * 100 }
