// Package health holds the rules of account health and churn risk, as plain
// Go over plain values: no database, no HTTP (it must never import store,
// web or api).
//
//   - Signals: seven measures of an account, each normalised to 0-100
//     (Normalise documents each formula). A signal the data cannot answer is
//     "no data" and is left out, never counted as zero.
//   - Score: the weighted mean of the available signals, with each signal's
//     contribution, so the score explains itself; Drop says when a fall from
//     the previous snapshot is sharp enough to alert the manager.
//   - Back-testing: how well the score and each signal would have predicted
//     the renewals and churn that happened (AUC, Mann-Whitney), and weights
//     that would have predicted them better (a non-negative logistic
//     regression, normalised to weights).
//   - The churn-risk model: an L2-regularised logistic regression on the
//     organisation's own history (signals, tier, revenue, tenure, custom
//     fields), fitted with gonum's optimize package, evaluated on a held-out
//     split (AUC and a calibration table), explaining each prediction by its
//     top factors (coefficient × standardised value).
package health
