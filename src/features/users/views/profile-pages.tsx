import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { type DocCard, DocList, Pager } from '../../../web/views/doc-list.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { UploaderCard, type UploaderInfo } from '../../documents/views/uploader-card.tsx';

/** An uploader's public page: the card and their published documents. */
export function ProfilePage(props: {
  ctx: PageContext;
  user: UploaderInfo & { joinedAt: number };
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
          {t('user.joined', { date: formatDate(user.joinedAt) })} · {t('user.documentCount', { n: total })}
        </p>
        <DocList docs={docs} creditName={ctx.site.creditName} />
        <Pager base={`/u/${user.id}`} page={page} hasNext={page < pages} />
      </section>
    </Layout>
  );
}

/** 账号设置: display name and bio. */
export function ProfileSettingsPage(props: { ctx: PageContext; displayName: string; bio: string; error?: string }) {
  const { ctx, displayName, bio, error } = props;
  return (
    <Layout ctx={ctx} title={t('nav.settings')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('nav.settings')}</h1>
        <p>
          <a href="/account/verification">{t('verification.title')}</a>
        </p>
        {error && (
          <p class="form__errors" role="alert">
            {error}
          </p>
        )}
        <form class="form" method="post" action="/settings/profile">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <div class="field">
            <label for="displayName">{t('auth.displayName')}</label>
            <input id="displayName" name="displayName" required minLength={2} maxLength={20} value={displayName} />
          </div>
          <div class="field">
            <label for="bio">{t('user.bio')}</label>
            <textarea id="bio" name="bio" rows={3} maxLength={200}>
              {bio}
            </textarea>
          </div>
          <button type="submit" class="button button--primary">
            {t('common.save')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
