import type { Document } from '../../../db/schema.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';

/** 确认删除? — the confirmation that works without JavaScript (the dialog is the enhanced version). */
export function ConfirmDeletePage({ ctx, doc }: { ctx: PageContext; doc: Pick<Document, 'id' | 'title' | 'format'> }) {
  return (
    <Layout ctx={ctx} title={t('document.confirmDelete')} head={<meta name="robots" content="noindex" />}>
      <section class="card confirm-delete" role="alertdialog" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{t('document.confirmDelete')}</h1>
        <p>{t('document.confirmDeleteBody', { title: `${doc.title}.${doc.format}` })}</p>
        <form method="post" action={`/d/${doc.id}/delete`} class="inline-form">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <button type="submit" class="button button--danger">
            {t('document.deleteOk')}
          </button>
        </form>{' '}
        <a class="button" href={`/d/${doc.id}`}>
          {t('document.deleteCancel')}
        </a>
      </section>
    </Layout>
  );
}
