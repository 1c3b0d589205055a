import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RadioField, SelectField, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { TITLE_MAX } from '../title.ts';

/** The edit form's id (its fields are `edit-title`, `edit-price`…). */
export const EDIT_FORM = 'edit';

/** The edit form's values: the document's current ones (a refused submit shows what was typed instead). */
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

/** /d/:id/edit: the owner's (or staff's) form for the upload's title, description, category, price and preview. */
export function EditDocumentPage({
  ctx,
  id,
  values,
  published,
  byStaff,
  state,
}: {
  ctx: PageContext;
  id: number;
  values: EditFormValues;
  /** The document page is public (a 查看文档 link is offered). */
  published: boolean;
  /** Staff editing someone else's document: told it is audited and the uploader notified. */
  byStaff: boolean;
  /** The refused submit, shown again (the stored values under what was typed). */
  state?: FormState | undefined;
}) {
  const site = ctx.site;
  const f = EDIT_FORM;
  const siteRule =
    site.previewMode === 'pages'
      ? t('edit.sitePages', { n: site.previewValue })
      : t('edit.sitePercent', { n: site.previewValue });
  return (
    <Layout ctx={ctx} title={t('edit.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="edit-heading">
        <h1 id="edit-heading">{t('edit.title')}</h1>
        <p class="edit__links">
          {published && <a href={`/d/${id}`}>{t('edit.view')}</a>} <a href="/my/documents">{t('edit.back')}</a>
        </p>
        {byStaff && <p class="notice notice--staff">{t('edit.staffNote')}</p>}
        <Form id={EDIT_FORM} action={`/d/${id}/edit`} csrf={ctx.csrfToken} state={state}>
          <TextField
            form={f}
            name="title"
            label={t('upload.docTitle')}
            state={state}
            value={values.title}
            required
            minLength={2}
            maxLength={TITLE_MAX}
          />
          <SelectField
            form={f}
            name="category"
            label={t('upload.category')}
            state={state}
            value={values.category}
            required
            options={site.categories.map((c) => ({ value: c.id, label: c.name }))}
          />
          <TextAreaField
            form={f}
            name="description"
            label={t('upload.description')}
            state={state}
            value={values.description}
            rows={4}
            maxLength={2000}
          />
          <TextField
            form={f}
            name="price"
            label={t('upload.price', { unit: site.creditName })}
            state={state}
            value={values.price}
            type="number"
            min={0}
            max={site.maxPrice}
            step={1}
            inputMode="numeric"
            hint={t('edit.priceHint')}
          />
          <RadioField
            form={f}
            name="previewMode"
            label={t('edit.preview')}
            state={state}
            value={values.previewMode}
            options={[
              { value: 'site', label: t('edit.previewSite', { rule: siteRule }) },
              { value: 'pages', label: t('edit.previewPages') },
              { value: 'percent', label: t('edit.previewPercent') },
            ]}
          />
          <TextField
            form={f}
            name="previewValue"
            label={t('edit.previewValue')}
            state={state}
            value={values.previewValue}
            type="number"
            min={1}
            max={1000}
            step={1}
            inputMode="numeric"
            hint={t('edit.previewHint', { max: site.previewMaxPercent })}
          />
          <Submit label={t('edit.save')} />
        </Form>
      </section>
    </Layout>
  );
}
