import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RadioField, Submit } from '../../../web/views/form.tsx';
import type { RatingState } from '../service.ts';

const STARS = [1, 2, 3, 4, 5] as const;

/** The id of the 评分 form (the box itself is #rating; 撤销评分 is `rating-remove`). */
export const RATING_FORM = 'rating-form';

/** The average as the page shows it: one decimal. */
export function formatRating(avg: number): string {
  return (Math.round(avg * 10) / 10).toFixed(1);
}

/** Five stars for an average, filled to the nearest half (decoration only: the number is the text). */
function StarRow({ avg }: { avg: number }) {
  const halves = Math.round(avg * 2);
  return (
    <span class="stars" aria-hidden="true">
      {STARS.map((n) => (
        <span key={n} class={halves >= n * 2 ? 'star star--full' : halves === n * 2 - 1 ? 'star star--half' : 'star'}>
          ★
        </span>
      ))}
    </span>
  );
}

/**
 * The document page's 评分 box: the average (one decimal) and how many rated, then — for a reader who may rate —
 * a plain form of five labelled radio buttons (works without script), and 撤销评分 once rated. Readers who may not
 * rate are told why; visitors get a link to log in (the anonymous page stays one shared render).
 */
export function RatingBox({
  ctx,
  documentId,
  avg,
  count,
  state,
  form,
}: {
  ctx: PageContext;
  documentId: number;
  avg: number;
  count: number;
  state: RatingState;
  /** A refused rating (stars not 1–5), shown again beside the stars. */
  form?: FormState | undefined;
}) {
  const next = `/d/${documentId}#rating`;
  return (
    <section class="rating-box" id="rating" aria-labelledby="rating-title">
      <h2 id="rating-title">{t('rating.title')}</h2>
      {count > 0 ? (
        <p class="rating-box__summary" data-rating-summary>
          <StarRow avg={avg} />{' '}
          <strong title={t('rating.starsOutOf', { avg: formatRating(avg) })}>
            {t('rating.summary', { avg: formatRating(avg) })}
          </strong>{' '}
          <span class="muted">{t('rating.summaryCount', { n: count })}</span>
        </p>
      ) : (
        <p class="rating-box__summary muted">{t('rating.none')}</p>
      )}
      {state.eligibility === 'eligible' && (
        <Form
          id={RATING_FORM}
          action={`/d/${documentId}/rating`}
          csrf={ctx.csrfToken}
          state={form}
          class="form rating-form"
        >
          <input type="hidden" name="next" value={next} />
          <RadioField
            form={RATING_FORM}
            name="stars"
            label={t('rating.mine')}
            state={form}
            value={state.mine === null ? undefined : String(state.mine)}
            options={STARS.map((n) => ({ value: String(n), label: t(`rating.star.${n}`) }))}
            required
            class="rating-form__stars"
          />
          <Submit label={state.mine ? t('rating.update') : t('rating.submit')} />
        </Form>
      )}
      {state.mine !== null && (
        <Form id="rating-remove" action={`/d/${documentId}/rating/delete`} csrf={ctx.csrfToken} class="inline-form">
          <input type="hidden" name="next" value={next} />
          <span>{t('rating.yours', { stars: state.mine })}</span>{' '}
          <button type="submit" class="link-button">
            {t('rating.remove')}
          </button>
        </Form>
      )}
      {state.eligibility === 'anonymous' && (
        <p class="muted">
          <a href={`/login?next=${encodeURIComponent(next)}`} rel="nofollow">
            {t('rating.loginToRate')}
          </a>
          {t('rating.loginHint')}
        </p>
      )}
      {(state.eligibility === 'buyFirst' || state.eligibility === 'downloadFirst') && (
        <p class="muted">{t(`rating.${state.eligibility}`)}</p>
      )}
      {state.eligibility === 'owner' && <p class="muted">{t('rating.ownDocument')}</p>}
    </section>
  );
}
