import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';

/**
 * What /d/:id shows once a document is taken down (451 or 410): the reason for everyone; for its uploader, the
 * moderator's note and the way to file a counter-notice. Never the title or any of the text.
 */
export function TakenDownPage(props: {
  ctx: PageContext;
  status: number;
  message: string;
  owner?: { documentId: number; note: string | null } | undefined;
}) {
  const { ctx, status, message, owner } = props;
  return (
    <Layout ctx={ctx} title={t('takedown.page.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card error-page" id="taken-down">
        <h1>
          {status} · {t('takedown.page.title')}
        </h1>
        <p class="error-page__message">{message}</p>
        {owner && (
          <div class="notice" id="taken-down-owner">
            {owner.note && <p>{t('takedown.page.note', { note: owner.note })}</p>}
            <p>{t('takedown.page.owner')}</p>
            <p>
              <a class="button" href={`/d/${owner.documentId}/counter-notice`}>
                {t('takedown.page.counterNotice')}
              </a>
            </p>
          </div>
        )}
        <p>
          <a href="/">{t('takedown.page.home')}</a>
        </p>
      </section>
    </Layout>
  );
}
