import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { Avatar } from '../../documents/views/uploader-card.tsx';
import type { FollowListEntry } from '../service.ts';

/** A user's followers or following: avatar, name, badges, bio and since when, newest first, keyset paged. */
export function FollowListPage(props: {
  ctx: PageContext;
  kind: 'followers' | 'following';
  list: {
    profile: { id: number; name: string; followers: number; following: number };
    hidden: boolean;
    entries: FollowListEntry[];
    next: string | undefined;
  };
  first: boolean;
}) {
  const { ctx, kind, list, first } = props;
  const { profile } = list;
  const title =
    kind === 'followers'
      ? t('follows.followersTitle', { name: profile.name })
      : t('follows.followingTitle', { name: profile.name });
  const base = `/u/${profile.id}/${kind}`;
  return (
    <Layout ctx={ctx} title={title} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="follows-title">
        <h1 id="follows-title">{title}</h1>
        <p class="muted">
          <a href={`/u/${profile.id}`}>{profile.name}</a> ·{' '}
          <a href={`/u/${profile.id}/followers`}>{t('follows.followersLink', { n: profile.followers })}</a> ·{' '}
          <a href={`/u/${profile.id}/following`}>{t('follows.followingLink', { n: profile.following })}</a>
        </p>
        {list.hidden ? (
          <p class="empty">{t('follows.hidden')}</p>
        ) : list.entries.length === 0 ? (
          <p class="empty">{kind === 'followers' ? t('follows.followersEmpty') : t('follows.followingEmpty')}</p>
        ) : (
          <ul class="follow-list">
            {list.entries.map((u) => (
              <li class="follow-list__item" key={u.id}>
                <Avatar user={u} size={40} />
                <div>
                  <a class="follow-list__name" href={`/u/${u.id}`}>
                    {u.name}
                  </a>
                  {u.verified && <span class="badge badge--verified">{t('user.verified')}</span>}
                  {u.provider && <span class="badge badge--provider">{t('user.provider')}</span>}
                  <p class="muted">
                    {t('user.followers', { n: u.followers })} · {t('follows.since', { date: formatDate(u.since) })}
                  </p>
                  {u.bio && <p class="follow-list__bio">{u.bio}</p>}
                </div>
              </li>
            ))}
          </ul>
        )}
        <nav class="pager" aria-label={t('list.pager')}>
          {!first && <a href={base}>{t('follows.first')}</a>}
          {list.next && (
            <a href={`${base}?before=${encodeURIComponent(list.next)}`} rel="next">
              {t('follows.more')}
            </a>
          )}
        </nav>
      </section>
    </Layout>
  );
}
