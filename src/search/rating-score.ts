/**
 * The Bayesian rating the 评分最高 sort orders by: the average pulled towards a prior mean by `PRIOR_WEIGHT`
 * imaginary votes, so one 5-star vote (≈ 3.75) does not beat twenty votes averaging 4.6 (≈ 4.38). The prior is
 * fixed rather than the site-wide mean so the score can be stored (and indexed) when a rating changes: a moving
 * mean would change every document's score at once. An unrated document scores exactly the prior.
 */
export const RATING_PRIOR_MEAN = 3.5;
/** How many votes the prior counts as (C). */
export const RATING_PRIOR_WEIGHT = 5;

/** (C·m + sum) / (C + n) for `count` ratings whose stars add up to `sum`. */
export function bayesianRating(sum: number, count: number): number {
  return (RATING_PRIOR_WEIGHT * RATING_PRIOR_MEAN + sum) / (RATING_PRIOR_WEIGHT + count);
}
