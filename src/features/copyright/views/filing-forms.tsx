import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { MAX_NAMED_DOCUMENTS } from '../form.ts';
import { HolderWorkProofFields, ProofFiles, Sworn } from './form-fields.tsx';

/** The ids of the filing forms (fields `notice-holderName`, `claim-proof`, `counter-statement`, …). */
export const NOTICE_FORM = 'notice';
export const CLAIM_FORM = 'claim';
export const COUNTER_FORM = 'counter';

const noindex = <meta name="robots" content="noindex" />;

/** /copyright: how notices are handled (§14–17), and the notice form for a logged-in rights holder. */
export function CopyrightPage(props: { ctx: PageContext; state?: FormState | undefined }) {
  const { ctx, state } = props;
  const f = { form: NOTICE_FORM, state };
  return (
    <Layout ctx={ctx} title={t('copyright.title')}>
      <section class="card text-page" aria-labelledby="copyright-title">
        <h1 id="copyright-title">{t('copyright.title')}</h1>
        <p>{t('copyright.intro')}</p>
        <h2>{t('copyright.steps.title')}</h2>
        <ol>
          <li>{t('copyright.steps.1')}</li>
          <li>{t('copyright.steps.2')}</li>
          <li>{t('copyright.steps.3')}</li>
          <li>{t('copyright.steps.4')}</li>
        </ol>
        <p>{t('copyright.claim.intro')}</p>
        <p>
          <strong>{t('copyright.warning')}</strong>
        </p>
        {ctx.user ? (
          <p>
            <a href="/copyright/notices">{t('copyright.myNotices')}</a>
          </p>
        ) : (
          <p>
            <a class="button button--primary" href="/login?next=%2Fcopyright">
              {t('copyright.loginToFile')}
            </a>
          </p>
        )}
      </section>
      {ctx.user && (
        <section class="card" aria-labelledby="notice-form-title">
          <h2 id="notice-form-title">{t('copyright.form.title')}</h2>
          <Form id={NOTICE_FORM} action="/copyright" csrf={ctx.csrfToken} state={state} multipart>
            <HolderWorkProofFields {...f}>
              <TextAreaField
                {...f}
                name="documents"
                label={t('copyright.form.documents')}
                maxLength={4000}
                rows={4}
                required
                hint={t('copyright.form.documentsHint', { max: MAX_NAMED_DOCUMENTS })}
              />
            </HolderWorkProofFields>
            <Sworn {...f} label="copyright.form.sworn" />
            <Submit label={t('copyright.form.submit')} />
          </Form>
        </section>
      )}
    </Layout>
  );
}

/** /copyright/claim?doc=…: the 认领 form for one document. */
export function ClaimPage(props: {
  ctx: PageContext;
  doc: { id: number; title: string };
  state?: FormState | undefined;
}) {
  const { ctx, doc, state } = props;
  const f = { form: CLAIM_FORM, state };
  const title = t('copyright.claim.title', { title: doc.title });
  return (
    <Layout ctx={ctx} title={title} head={noindex}>
      <section class="card" aria-labelledby="claim-title">
        <h1 id="claim-title">{title}</h1>
        <p>
          <a href={`/d/${doc.id}`}>{doc.title}</a>
        </p>
        <p>{t('copyright.claim.lead')}</p>
        <Form id={CLAIM_FORM} action="/copyright/claim" csrf={ctx.csrfToken} state={state} multipart>
          <input type="hidden" name="doc" value={String(doc.id)} />
          <HolderWorkProofFields {...f} />
          <Sworn {...f} label="copyright.form.sworn" />
          <Submit label={t('copyright.claim.submit')} />
        </Form>
      </section>
    </Layout>
  );
}

/** /d/:id/counter-notice: the uploader's counter-notice (§16). */
export function CounterNoticePage(props: {
  ctx: PageContext;
  target: { documentId: number; title: string; noticeId: number };
  state?: FormState | undefined;
}) {
  const { ctx, target, state } = props;
  const f = { form: COUNTER_FORM, state };
  const title = t('copyright.counter.title', { title: target.title });
  return (
    <Layout ctx={ctx} title={title} head={noindex}>
      <section class="card" aria-labelledby="counter-title">
        <h1 id="counter-title">{title}</h1>
        <p>
          {t('copyright.counter.intro', { id: target.noticeId })}{' '}
          <a href={`/copyright/notices/${target.noticeId}`}>
            {t('copyright.page.title', {
              kind: t('copyright.kind.notice'),
              id: target.noticeId,
            })}
          </a>
        </p>
        <Form
          id={COUNTER_FORM}
          action={`/d/${target.documentId}/counter-notice`}
          csrf={ctx.csrfToken}
          state={state}
          multipart
        >
          <TextField {...f} name="name" label={t('copyright.counter.name')} maxLength={100} required />
          <TextField {...f} name="contact" label={t('copyright.counter.contact')} maxLength={100} required />
          <TextField {...f} name="address" label={t('copyright.counter.address')} maxLength={200} required />
          <TextAreaField
            {...f}
            name="statement"
            label={t('copyright.counter.statement')}
            maxLength={5000}
            rows={5}
            required
            hint={t('copyright.counter.statementHint')}
          />
          <TextAreaField
            {...f}
            name="evidenceText"
            label={t('copyright.counter.evidence')}
            maxLength={5000}
            rows={4}
            required
            hint={t('copyright.counter.evidenceHint')}
          />
          <ProofFiles {...f} label="copyright.counter.files" />
          <Sworn {...f} label="copyright.counter.sworn" />
          <Submit label={t('copyright.counter.submit')} />
        </Form>
      </section>
    </Layout>
  );
}
