import { t } from '../../i18n/t.ts';
import type { PageContext } from '../context.ts';
import { Layout } from './layout.tsx';

/** A friendly error page: the status, the zh-CN message, and a way home. */
export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message: string }) {
  return (
    <Layout ctx={ctx} title={t('error.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card error-page">
        <h1>
          {status} · {t('error.title')}
        </h1>
        <p class="error-page__message">{message}</p>
        <p>
          <a class="button" href="/">
            {t('error.backHome')}
          </a>
        </p>
      </section>
    </Layout>
  );
}
