import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { MAX_NAMED_DOCUMENTS } from '../form.ts';
import {
  FormError,
  type FormValues,
  HolderWorkProofFields,
  multipartAction,
  ProofFiles,
  Sworn,
  TextArea,
  TextField,
} from './form-fields.tsx';

const noindex = <meta name="robots" content="noindex" />;

/** /copyright: how notices are handled (§14–17), and the notice form for a logged-in rights holder. */
export function CopyrightPage(props: { ctx: PageContext; values: FormValues; error?: string | undefined }) {
  const { ctx, values, error } = props;
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
          <form
            class="form"
            method="post"
            action={multipartAction('/copyright', ctx.csrfToken)}
            enctype="multipart/form-data"
          >
            <FormError error={error} />
            <HolderWorkProofFields values={values}>
              <TextArea
                name="documents"
                label="copyright.form.documents"
                values={values}
                max={4000}
                rows={4}
                hint={t('copyright.form.documentsHint', { max: MAX_NAMED_DOCUMENTS })}
              />
            </HolderWorkProofFields>
            <Sworn label="copyright.form.sworn" />
            <button type="submit" class="button button--primary">
              {t('copyright.form.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

/** /copyright/claim?doc=…: the 认领 form for one document. */
export function ClaimPage(props: {
  ctx: PageContext;
  doc: { id: number; title: string };
  values: FormValues;
  error?: string | undefined;
}) {
  const { ctx, doc, values, error } = props;
  const title = t('copyright.claim.title', { title: doc.title });
  return (
    <Layout ctx={ctx} title={title} head={noindex}>
      <section class="card" aria-labelledby="claim-title">
        <h1 id="claim-title">{title}</h1>
        <p>
          <a href={`/d/${doc.id}`}>{doc.title}</a>
        </p>
        <p>{t('copyright.claim.lead')}</p>
        <form
          class="form"
          method="post"
          action={multipartAction('/copyright/claim', ctx.csrfToken)}
          enctype="multipart/form-data"
        >
          <FormError error={error} />
          <input type="hidden" name="doc" value={String(doc.id)} />
          <HolderWorkProofFields values={values} />
          <Sworn label="copyright.form.sworn" />
          <button type="submit" class="button button--primary">
            {t('copyright.claim.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}

/** /d/:id/counter-notice: the uploader's counter-notice (§16). */
export function CounterNoticePage(props: {
  ctx: PageContext;
  target: { documentId: number; title: string; noticeId: number };
  values: FormValues;
  error?: string | undefined;
}) {
  const { ctx, target, values, error } = props;
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
        <form
          class="form"
          method="post"
          action={multipartAction(`/d/${target.documentId}/counter-notice`, ctx.csrfToken)}
          enctype="multipart/form-data"
        >
          <FormError error={error} />
          <TextField name="name" label="copyright.counter.name" values={values} max={100} />
          <TextField name="contact" label="copyright.counter.contact" values={values} max={100} />
          <TextField name="address" label="copyright.counter.address" values={values} max={200} />
          <TextArea
            name="statement"
            label="copyright.counter.statement"
            values={values}
            max={5000}
            rows={5}
            hint={t('copyright.counter.statementHint')}
          />
          <TextArea
            name="evidenceText"
            label="copyright.counter.evidence"
            values={values}
            max={5000}
            rows={4}
            hint={t('copyright.counter.evidenceHint')}
          />
          <ProofFiles label="copyright.counter.files" />
          <Sworn label="copyright.counter.sworn" />
          <button type="submit" class="button button--primary">
            {t('copyright.counter.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
