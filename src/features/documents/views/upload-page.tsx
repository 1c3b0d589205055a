import { UPLOAD_EXTENSIONS } from '../../../convert/sniff.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatBytes } from '../../../web/format.ts';
import { FileField, Form, SelectField, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import type { UploadPriceHint } from '../service.ts';

const ACCEPT = UPLOAD_EXTENSIONS.map((e) => `.${e}`).join(',');

/** The form's id on the page (and the prefix of its fields' ids). */
export const UPLOAD_FORM = 'upload';

/**
 * The upload form. Without script it posts one file (multipart, the CSRF token as its first field, so the address
 * bar never shows it) and a refusal comes back here with the sentence beside its field and the values typed. The
 * client's upload queue (web/client/upload-queue.ts) takes several files, one request each with a progress bar, a
 * title per file, and each file's conversion status until it is published or refused.
 */
export function UploadPage({
  ctx,
  maxBytes,
  priceHint,
  canSell,
  state,
}: {
  ctx: PageContext;
  maxBytes: number;
  priceHint: UploadPriceHint;
  /** Whether the uploader is real-name verified (a price above 0 needs it). */
  canSell: boolean;
  /** The refused submit, shown again. */
  state?: FormState | undefined;
}) {
  const f = UPLOAD_FORM;
  return (
    <Layout ctx={ctx} title={t('upload.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('upload.title')}</h1>
        <Form
          id={f}
          action="/upload"
          csrf={ctx.csrfToken}
          state={state}
          multipart
          data-upload-form
          data-max-bytes={maxBytes}
          data-t-waiting={t('upload.queueWaiting')}
          data-t-sending={t('upload.queueSending', { percent: '{percent}' })}
          data-t-sent={t('upload.queueSent')}
          data-t-failed={t('upload.queueFailed', { reason: '{reason}' })}
          data-t-network={t('upload.queueNetwork')}
          data-t-too-large={t('upload.tooLarge', { max: formatBytes(maxBytes) })}
          data-t-title={t('upload.queueTitle')}
          data-t-title-hint={t('upload.docTitleHintMulti')}
          data-t-remove={t('upload.queueRemove')}
          data-t-view={t('upload.queueView')}
          data-t-done={t('upload.queueDone')}
          data-t-submit-many={t('upload.submitMany', { n: '{n}' })}
          data-t-queue={t('upload.queue')}
        >
          <TextField
            form={f}
            name="title"
            label={t('upload.docTitle')}
            state={state}
            maxLength={100}
            placeholder={t('upload.docTitleHint')}
            class="upload__single-title"
          />
          <SelectField
            form={f}
            name="category"
            label={t('upload.category')}
            state={state}
            required
            options={ctx.site.categories.map((c) => ({ value: c.id, label: c.name }))}
          />
          <TextAreaField
            form={f}
            name="description"
            label={t('upload.description')}
            state={state}
            rows={3}
            maxLength={2000}
          />
          <TextField
            form={f}
            name="price"
            label={t('upload.price', { unit: ctx.site.creditName })}
            state={state}
            value="0"
            type="number"
            min={0}
            max={ctx.site.maxPrice}
            step={1}
            inputMode="numeric"
            hint={
              <>
                {t('upload.priceShare', {
                  percent: priceHint.percent,
                  unit: ctx.site.creditName,
                  examples: priceHint.examples
                    .map((e) => t('upload.priceShareExample', { price: e.price, earn: e.earn }))
                    .join(t('upload.priceShareSeparator')),
                })}
                {!canSell && (
                  <span class="field__hint-more" data-needs-verification>
                    {' '}
                    {t('verification.uploadHint')}{' '}
                    <a href="/account/verification">{t('verification.uploadHintLink')}</a>
                  </span>
                )}
              </>
            }
          />
          <FileField
            form={f}
            name="file"
            label={t('upload.file')}
            state={state}
            required
            accept={ACCEPT}
            hint={t('upload.fileHint', { max: formatBytes(maxBytes) })}
            data-label-multi={t('upload.files')}
          />
          <p class="field__hint">{t('upload.agree')}</p>
          <Submit label={t('upload.submit')} />
        </Form>
      </section>
    </Layout>
  );
}
