import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { type DocCard, DocList } from '../../../web/views/doc-list.tsx';
import { Layout } from '../../../web/views/layout.tsx';

/** 关注动态: followed uploaders' new documents, newest first, with keyset paging (更早的文档 / 回到最新). */
export function FeedPage(props: {
  ctx: PageContext;
  feed: { docs: DocCard[]; next: string | undefined };
  first: boolean;
  follows: number;
}) {
  const { ctx, feed, first, follows } = props;
  return (
    <Layout ctx={ctx} title={t('feed.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="feed-title">
        <h1 id="feed-title">{t('feed.title')}</h1>
        <p class="muted">{t('feed.intro')}</p>
        <DocList
          docs={feed.docs}
          creditName={ctx.site.creditName}
          empty={follows === 0 ? t('feed.noFollows') : t('feed.empty')}
        />
        <nav class="pager" aria-label={t('list.pager')}>
          {!first && <a href="/following">{t('feed.latest')}</a>}
          {feed.next && (
            <a href={`/following?before=${encodeURIComponent(feed.next)}`} rel="next">
              {t('feed.older')}
            </a>
          )}
        </nav>
      </section>
    </Layout>
  );
}
