import type { DocFormat } from '../../../convert/types.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import { Pager } from '../../../web/views/doc-list.tsx';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { type HeldForPrivacy, MAX_REASON_CHARS, type PiiExcerpt } from '../service.ts';

interface Queue {
  items: HeldForPrivacy[];
  total: number;
  page: number;
  pages: number;
}

/** One number in its context, highlighted: the only place the full number is shown. */
function Excerpt({ e }: { e: PiiExcerpt }) {
  return (
    <li class="pii-excerpt">
      <span class="pii-excerpt__label">
        {t(`privacy.kind.${e.kind}`)} · {t(`privacy.field.${e.field}`)}
      </span>{' '}
      <q class="pii-excerpt__text">
        {e.clippedStart && '…'}
        {e.parts.map((p, i) =>
          p.kind ? (
            <mark key={i} class={`pii pii--${p.kind}`}>
              {p.text}
            </mark>
          ) : (
            p.text
          ),
        )}
        {e.clippedEnd && '…'}
      </q>{' '}
      <span class="muted">
        {t('privacy.maskedAs')}
        <code>{e.masked}</code>
      </span>
    </li>
  );
}

/** A held document's 驳回 form (`privacy-reject-<document id>`; 公开 and 打码 are buttons alone). */
export const privacyFormId = (documentId: number | string) => `privacy-reject-${documentId}`;

/** 隐私待审: each held document with its numbers in context, and 按原样发布 / 遮盖号码后发布 / 驳回. */
export function PrivacyPage({ ctx, queue, state }: { ctx: PageContext; queue: Queue; state?: FormState | undefined }) {
  return (
    <Layout ctx={ctx} title={t('privacy.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/privacy" />
      <section class="card" aria-labelledby="privacy-title">
        <h1 id="privacy-title">{t('privacy.title')}</h1>
        <p class="muted">{t('privacy.intro')}</p>
        <RefusalNotice state={state} shown={queue.items.map((d) => privacyFormId(d.id))} />
        {queue.total === 0 ? (
          <p class="empty">{t('privacy.empty')}</p>
        ) : (
          <p>{t('privacy.count', { n: queue.total })}</p>
        )}
      </section>
      {queue.items.map((d) => (
        <article class="card privacy-item" id={`privacy-${d.id}`} key={d.id} aria-labelledby={`privacy-${d.id}-title`}>
          <h2 id={`privacy-${d.id}-title`}>
            <FormatBadge format={d.format as DocFormat} /> <a href={`/d/${d.id}`}>{d.title}</a>
          </h2>
          <p class="muted">
            {t('privacy.uploader')}
            <a href={`/u/${d.ownerId}`}>{d.ownerName}</a> · {t('privacy.uploadedOn', { date: formatDate(d.createdAt) })}
          </p>
          <p>{t('privacy.summary', { total: d.total, ...d.counts })}</p>
          {d.dupOf !== null && (
            <p class="muted">
              {t('privacy.alsoDuplicate')}
              <a href="/admin/review">{t('privacy.duplicateQueue')}</a>
            </p>
          )}
          <ul class="pii-excerpts">
            {d.excerpts.map((e, i) => (
              <Excerpt key={i} e={e} />
            ))}
          </ul>
          {d.total > d.excerpts.length && (
            <p class="muted">{t('privacy.moreMatches', { n: d.total - d.excerpts.length })}</p>
          )}
          <div class="privacy-item__actions">
            {/* A refused 公开 or 打码 is the sentence above the queue (RefusalNotice): no summary of its own. */}
            <Form
              id={`privacy-publish-${d.id}`}
              class="form--inline"
              action={`/admin/privacy/${d.id}/publish`}
              csrf={ctx.csrfToken}
            >
              <Submit kind="plain" label={t('privacy.publish')} />
            </Form>
            <Form
              id={`privacy-mask-${d.id}`}
              class="form--inline"
              action={`/admin/privacy/${d.id}/mask`}
              csrf={ctx.csrfToken}
            >
              <Submit label={t('privacy.mask')} />
            </Form>
            <Form
              id={privacyFormId(d.id)}
              class="form--inline"
              action={`/admin/privacy/${d.id}/reject`}
              csrf={ctx.csrfToken}
              state={state}
            >
              <TextField
                form={privacyFormId(d.id)}
                name="reason"
                label={<span class="visually-hidden">{t('privacy.reason')}</span>}
                state={state}
                maxLength={MAX_REASON_CHARS}
                placeholder={t('privacy.reason')}
              />
              <Submit kind="danger" label={t('privacy.reject')} />
            </Form>
          </div>
        </article>
      ))}
      {queue.pages > 1 && <Pager base="/admin/privacy" page={queue.page} hasNext={queue.page < queue.pages} />}
    </Layout>
  );
}
