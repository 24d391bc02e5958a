// Package measure holds the rules samwise uses to measure the practice: the
// Net Promoter Score of key contacts, the ten-check account-management
// grader and the fifteen-statement SAM self-assessment. (Health scores and
// churn risk live in package health.)
//
// It is plain Go over in-memory values: it imports account and mail (an
// interface) and never store, web, api, nor any database or HTTP library.
// The store gathers the inputs (GraderInput, answers, ratings); web, api and
// the CLI show the results. The scheduled survey mailing (SendInvitations,
// SendReminders) runs against the Surveys interface, which the store
// implements.
//
// # NPS
//
// Answers are 0-10: promoters 9-10, passives 7-8, detractors 0-6. NPS =
// %promoters − %detractors, from −100 to 100, over the latest answer of each
// respondent in a campaign. 5 promoters, 3 passives and 2 detractors give
// 50 − 20 = 30. With no answers there is no NPS (not zero). The response
// rate is respondents ÷ people invited. Grouped figures (per account, tier,
// manager, the whole company, per year) use the same rule within each group.
//
// # Grader
//
// Ten yes/no checks per account (see Checks for the wording and GraderInput
// for the data each reads); the score is the number passed: 9-10 doing well,
// 7-8 areas to work on, 0-6 at risk. Choices samwise makes where the practice
// leaves room:
//
//   - An account exempt from needing an owner passes check 1; with no owner,
//     checks 2 and 3 have no manager to ask about and pass as "not
//     applicable" (the exemption is the leader's deliberate decision).
//   - The "tier plan" of check 4 is the organisation's cadence policy saved
//     by a leader: the promise of how often each tier is seen, checked in with
//     and reviewed. The defaults samwise starts with are not a plan anybody
//     made, so an unsaved policy fails check 4.
//   - Check 5 passes when the account's contacts have check-in intervals by
//     tier: a saved policy, or a cadence agreed with the client on the account,
//     and at least one active stakeholder to apply it to.
//   - Check 6 reads business reviews: one held within the tier's review
//     interval before today, and one scheduled for today or later.
//   - Check 7: the key players are the active stakeholders; the matrix knows
//     them at more than one level when they span at least two levels and
//     someone on our side has a relationship with (or has touched in the last
//     year) people at two different levels.
//   - Check 9: a vision item with a horizon of 1 to 3 years; for tier A, also
//     one of 5 years or more.
//   - Check 10: an NPS answer from a key contact — an active stakeholder at
//     executive or senior-management level, or a decision maker or champion —
//     within the last 12 months (365 days).
//
// # Assessment
//
// Fifteen statements in four sections (Resolution 4, Retention 2, Revenue
// 5, Relationships 4), each rated 1 (strongly disagree) to 5 (strongly
// agree), total 15-75. Published versions of this scale overlap at 50 and
// 60; samwise uses non-overlapping bands: 60-75 excellent, 50-59 good
// (target the weak areas), 40-49 concern, 15-39 call for help. A section is
// weak when its average rating is below 3.5 (between "neutral" and
// "agree"); its good practices are suggested.
package measure
