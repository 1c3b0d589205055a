import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import type { EditInput } from '../edit.ts';
import { TITLE_MAX } from '../title.ts';

/** The edit form's values: the document's current ones, or what was posted when the form comes back refused. */
export interface EditFormValues {
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly price: string;
  readonly previewMode: 'site' | 'pages' | 'percent';
  readonly previewValue: string;
}

/** The form values of a stored document. */
export function valuesOf(doc: {
  title: string;
  description: string;
  category_id: number;
  price: number;
  preview_mode: 'pages' | 'percent' | null;
  preview_value: number | null;
}): EditFormValues {
  return {
    title: doc.title,
    description: doc.description,
    category: String(doc.category_id),
    price: String(doc.price),
    previewMode: doc.preview_mode ?? 'site',
    previewValue: doc.preview_value === null ? '' : String(doc.preview_value),
  };
}

/** The form values of a refused post (shown back as typed, cut to the field sizes). */
export function valuesPosted(input: EditInput, fallback: EditFormValues): EditFormValues {
  const mode = input.previewMode;
  return {
    title: (input.title ?? '').slice(0, 400),
    description: (input.description ?? '').slice(0, 4000),
    category: input.category ?? fallback.category,
    price: (input.price ?? '').slice(0, 20),
    previewMode: mode === 'pages' || mode === 'percent' ? mode : 'site',
    previewValue: (input.previewValue ?? '').slice(0, 20),
  };
}

/** /d/:id/edit: the owner's (or staff's) form for the upload's title, description, category, price and preview. */
export function EditDocumentPage({
  ctx,
  id,
  values,
  published,
  byStaff,
  error,
}: {
  ctx: PageContext;
  id: number;
  values: EditFormValues;
  /** The document page is public (a 查看文档 link is offered). */
  published: boolean;
  /** Staff editing someone else's document: told it is audited and the uploader notified. */
  byStaff: boolean;
  error?: string | undefined;
}) {
  const site = ctx.site;
  const siteRule =
    site.previewMode === 'pages'
      ? t('edit.sitePages', { n: site.previewValue })
      : t('edit.sitePercent', { n: site.previewValue });
  return (
    <Layout ctx={ctx} title={t('edit.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="edit-title">
        <h1 id="edit-title">{t('edit.title')}</h1>
        <p class="edit__links">
          {published && <a href={`/d/${id}`}>{t('edit.view')}</a>} <a href="/my/documents">{t('edit.back')}</a>
        </p>
        {byStaff && <p class="notice notice--staff">{t('edit.staffNote')}</p>}
        {error && (
          <p class="form__errors" role="alert">
            {error}
          </p>
        )}
        <form class="form" method="post" action={`/d/${id}/edit`}>
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <div class="field">
            <label for="title">{t('upload.docTitle')}</label>
            <input id="title" name="title" required minLength={2} maxLength={TITLE_MAX} value={values.title} />
          </div>
          <div class="field">
            <label for="category">{t('upload.category')}</label>
            <select id="category" name="category" required>
              {site.categories.map((c) => (
                <option value={c.id} key={c.id} selected={String(c.id) === values.category}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="description">{t('upload.description')}</label>
            <textarea id="description" name="description" rows={4} maxLength={2000}>
              {values.description}
            </textarea>
          </div>
          <div class="field">
            <label for="price">{t('upload.price', { unit: site.creditName })}</label>
            <input
              id="price"
              name="price"
              type="number"
              min={0}
              max={site.maxPrice}
              step={1}
              inputMode="numeric"
              value={values.price}
              aria-describedby="price-hint"
            />
            <p class="field__hint" id="price-hint">
              {t('edit.priceHint')}
            </p>
          </div>
          <fieldset class="field">
            <legend>{t('edit.preview')}</legend>
            <label>
              <input type="radio" name="previewMode" value="site" checked={values.previewMode === 'site'} />{' '}
              {t('edit.previewSite', { rule: siteRule })}
            </label>
            <label>
              <input type="radio" name="previewMode" value="pages" checked={values.previewMode === 'pages'} />{' '}
              {t('edit.previewPages')}
            </label>
            <label>
              <input type="radio" name="previewMode" value="percent" checked={values.previewMode === 'percent'} />{' '}
              {t('edit.previewPercent')}
            </label>
            <label for="previewValue">{t('edit.previewValue')}</label>
            <input
              id="previewValue"
              name="previewValue"
              type="number"
              min={1}
              max={1000}
              step={1}
              inputMode="numeric"
              value={values.previewValue}
              aria-describedby="preview-hint"
            />
            <p class="field__hint" id="preview-hint">
              {t('edit.previewHint', { max: site.previewMaxPercent })}
            </p>
          </fieldset>
          <button type="submit" class="button button--primary">
            {t('edit.save')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
