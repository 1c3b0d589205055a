import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { type DocCard, DocList, Pager } from '../../../web/views/doc-list.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { UploaderCard, type UploaderInfo } from '../../documents/views/uploader-card.tsx';

/** An uploader's public page: the card, follower/following counts linking to the lists, their documents. */
export function ProfilePage(props: {
  ctx: PageContext;
  user: UploaderInfo & { joinedAt: number; followingCount: number };
  following: boolean;
  docs: DocCard[];
  total: number;
  page: number;
  pages: number;
}) {
  const { ctx, user, following, docs, total, page, pages } = props;
  return (
    <Layout
      ctx={ctx}
      title={user.name}
      canonical={`/u/${user.id}`}
      aside={<UploaderCard ctx={ctx} user={user} following={following} />}
    >
      <section class="card">
        <h1>{t('user.documentsOf', { name: user.name })}</h1>
        <p class="muted">
          {t('user.joined', { date: formatDate(user.joinedAt) })} · {t('user.documentCount', { n: total })} ·{' '}
          <a href={`/u/${user.id}/followers`}>{t('follows.followersLink', { n: user.followers })}</a> ·{' '}
          <a href={`/u/${user.id}/following`}>{t('follows.followingLink', { n: user.followingCount })}</a>
        </p>
        <DocList docs={docs} creditName={ctx.site.creditName} />
        <Pager base={`/u/${user.id}`} page={page} hasNext={page < pages} />
      </section>
    </Layout>
  );
}
