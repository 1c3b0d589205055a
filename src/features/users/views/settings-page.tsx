import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { CheckboxField, FileField, Form, Submit, TextAreaField, TextField } from '../../../web/views/form.tsx';
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

/** The ids of the settings page's forms (fields are `profile-displayName`, `avatar-avatar`, …). */
export const PROFILE_FORM = 'profile';
export const AVATAR_FORM = 'avatar';

/**
 * 账号设置: avatar (multipart upload, remove), nickname, bio and whether the follow lists are public. `state` is the
 * refused form, shown again with what was typed (the picture must be chosen again).
 */
export function ProfileSettingsPage(props: { ctx: PageContext; view: SettingsView; state?: FormState | undefined }) {
  const { ctx, view, state } = props;
  const p = PROFILE_FORM;
  return (
    <Layout ctx={ctx} title={t('nav.settings')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('nav.settings')}</h1>
        <p>
          <a href="/account/verification">{t('verification.title')}</a>
        </p>
        <h2>{t('profile.avatar')}</h2>
        <div class="avatar-settings">
          <Avatar user={{ id: view.userId, name: view.displayName, avatarKey: view.avatarKey }} size={96} />
          <Form id={AVATAR_FORM} action="/settings/avatar" csrf={ctx.csrfToken} state={state} multipart>
            <FileField
              form={AVATAR_FORM}
              name="avatar"
              label={t('profile.avatar.upload')}
              state={state}
              hint={t('profile.avatar.rule', { max: view.avatarMax, megapixels: view.avatarMegapixels })}
              accept="image/png,image/jpeg,image/webp,image/gif"
              required
            />
            <Submit label={t('profile.avatar.upload')} kind="plain" />
          </Form>
          {view.avatarKey && (
            <Form id="avatar-remove" action="/settings/avatar/remove" csrf={ctx.csrfToken} class="inline-form">
              <Submit label={t('profile.avatar.remove')} kind="plain" />
            </Form>
          )}
        </div>
        <Form id={p} action="/settings/profile" csrf={ctx.csrfToken} state={state}>
          <TextField
            form={p}
            name="displayName"
            label={t('auth.displayName')}
            state={state}
            value={view.displayName}
            required
            minLength={2}
            maxLength={20}
            hint={
              view.nextNameChange
                ? t('profile.nickname.nextChange', { date: view.nextNameChange })
                : t('profile.nickname.rule', { days: view.nameChangeDays })
            }
          />
          <TextAreaField
            form={p}
            name="bio"
            label={t('user.bio')}
            state={state}
            value={view.bio}
            rows={3}
            maxLength={200}
            hint={t('profile.bio.rule')}
          />
          <CheckboxField
            form={p}
            name="followsHidden"
            label={t('profile.followsHidden')}
            state={state}
            checked={view.followsHidden}
          />
          <Submit label={t('common.save')} />
        </Form>
      </section>
    </Layout>
  );
}
