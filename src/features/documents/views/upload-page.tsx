import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatBytes } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import type { UploadPriceHint } from '../service.ts';

/** The upload form. Multipart bodies are read after preHandler, so the CSRF token rides in the action URL. */
export function UploadPage({
  ctx,
  maxBytes,
  priceHint,
  canSell,
}: {
  ctx: PageContext;
  maxBytes: number;
  priceHint: UploadPriceHint;
  /** Whether the uploader is real-name verified (a price above 0 needs it). */
  canSell: boolean;
}) {
  return (
    <Layout ctx={ctx} title={t('upload.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('upload.title')}</h1>
        <form
          class="form"
          method="post"
          action={`/upload?_csrf=${encodeURIComponent(ctx.csrfToken ?? '')}`}
          enctype="multipart/form-data"
        >
          <div class="field">
            <label for="title">{t('upload.docTitle')}</label>
            <input id="title" name="title" maxLength={100} placeholder={t('upload.docTitleHint')} />
          </div>
          <div class="field">
            <label for="category">{t('upload.category')}</label>
            <select id="category" name="category" required>
              {ctx.site.categories.map((c) => (
                <option value={c.id} key={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="description">{t('upload.description')}</label>
            <textarea id="description" name="description" rows={3} maxLength={2000} />
          </div>
          <div class="field">
            <label for="price">{t('upload.price', { unit: ctx.site.creditName })}</label>
            <input
              id="price"
              name="price"
              type="number"
              min={0}
              max={ctx.site.maxPrice}
              step={1}
              value="0"
              inputMode="numeric"
              aria-describedby={canSell ? 'price-hint' : 'price-hint price-verification'}
            />
            <p class="field__hint" id="price-hint">
              {t('upload.priceShare', {
                percent: priceHint.percent,
                unit: ctx.site.creditName,
                examples: priceHint.examples
                  .map((e) => t('upload.priceShareExample', { price: e.price, earn: e.earn }))
                  .join(t('upload.priceShareSeparator')),
              })}
            </p>
            {!canSell && (
              <p class="field__hint" id="price-verification" data-needs-verification>
                {t('verification.uploadHint')} <a href="/account/verification">{t('verification.uploadHintLink')}</a>
              </p>
            )}
          </div>
          <div class="field">
            <label for="file">{t('upload.file')}</label>
            <input
              id="file"
              name="file"
              type="file"
              required
              accept=".docx,.pdf,.txt,.md,.doc,.wps,.rtf,.odt,.xlsx,.xls,.et,.ods,.pptx,.ppt,.dps,.ofd"
            />
            <p class="field__hint">{t('upload.fileHint', { max: formatBytes(maxBytes) })}</p>
          </div>
          <p class="field__hint">{t('upload.agree')}</p>
          <button type="submit" class="button button--primary">
            {t('upload.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
