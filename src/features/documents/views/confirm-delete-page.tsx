import type { Document } from '../../../db/schema.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Form, Submit } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';

/** 确认删除? — the confirmation that works without JavaScript (the dialog is the enhanced version). */
export function ConfirmDeletePage({ ctx, doc }: { ctx: PageContext; doc: Pick<Document, 'id' | 'title' | 'format'> }) {
  return (
    <Layout ctx={ctx} title={t('document.confirmDelete')} head={<meta name="robots" content="noindex" />}>
      <section class="card confirm-delete" role="alertdialog" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{t('document.confirmDelete')}</h1>
        <p>{t('document.confirmDeleteBody', { title: `${doc.title}.${doc.format}` })}</p>
        <Form id="document-delete" action={`/d/${doc.id}/delete`} csrf={ctx.csrfToken} class="inline-form">
          <Submit kind="danger" label={t('document.deleteOk')} />
        </Form>{' '}
        <a class="button" href={`/d/${doc.id}`}>
          {t('document.deleteCancel')}
        </a>
      </section>
    </Layout>
  );
}
