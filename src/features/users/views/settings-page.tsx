import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { Avatar } from '../../documents/views/uploader-card.tsx';

/** What the settings form shows. */
export interface SettingsView {
  userId: number;
  displayName: string;
  bio: string;
  followsHidden: boolean;
  avatarKey: string | null;
  /** Formatted date from which the nickname may change again; undefined when it may change now. */
  nextNameChange: string | undefined;
  nameChangeDays: number;
  avatarMax: string;
  avatarMegapixels: number;
}

/** 账号设置: avatar (multipart upload, remove), nickname, bio and whether the follow lists are public. */
export function ProfileSettingsPage(props: { ctx: PageContext; view: SettingsView; error?: string | undefined }) {
  const { ctx, view, error } = props;
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
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
        <h2>{t('profile.avatar')}</h2>
        <div class="avatar-settings">
          <Avatar user={{ id: view.userId, name: view.displayName, avatarKey: view.avatarKey }} size={96} />
          <form
            class="form"
            method="post"
            action={`/settings/avatar?_csrf=${encodeURIComponent(ctx.csrfToken ?? '')}`}
            enctype="multipart/form-data"
          >
            <div class="field">
              <label for="avatar">{t('profile.avatar.upload')}</label>
              <input
                id="avatar"
                name="avatar"
                type="file"
                accept="image/png,image/jpeg,image/webp,image/gif"
                required
              />
              <p class="field__hint">
                {t('profile.avatar.rule', { max: view.avatarMax, megapixels: view.avatarMegapixels })}
              </p>
            </div>
            <button type="submit" class="button">
              {t('profile.avatar.upload')}
            </button>
          </form>
          {view.avatarKey && (
            <form method="post" action="/settings/avatar/remove" class="inline-form">
              {csrf}
              <button type="submit" class="button">
                {t('profile.avatar.remove')}
              </button>
            </form>
          )}
        </div>
        <form class="form" method="post" action="/settings/profile">
          {csrf}
          <div class="field">
            <label for="displayName">{t('auth.displayName')}</label>
            <input id="displayName" name="displayName" required minLength={2} maxLength={20} value={view.displayName} />
            <p class="field__hint">
              {view.nextNameChange
                ? t('profile.nickname.nextChange', { date: view.nextNameChange })
                : t('profile.nickname.rule', { days: view.nameChangeDays })}
            </p>
          </div>
          <div class="field">
            <label for="bio">{t('user.bio')}</label>
            <textarea id="bio" name="bio" rows={3} maxLength={200}>
              {view.bio}
            </textarea>
            <p class="field__hint">{t('profile.bio.rule')}</p>
          </div>
          <div class="field">
            <label>
              <input type="checkbox" name="followsHidden" value="1" checked={view.followsHidden} />{' '}
              {t('profile.followsHidden')}
            </label>
          </div>
          <button type="submit" class="button button--primary">
            {t('common.save')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
