import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Form } from '../../../web/views/form.tsx';

/** The fields of an uploader the card shows. */
export interface UploaderInfo {
  id: number;
  name: string;
  bio: string;
  avatarKey: string | null;
  verified: boolean;
  provider: boolean;
  followers: number;
}

/** A round avatar: the uploaded picture, or the first character of the name on a colour derived from the id. */
export function Avatar({ user, size }: { user: Pick<UploaderInfo, 'id' | 'name' | 'avatarKey'>; size: number }) {
  if (user.avatarKey) {
    // Versioned by the content hash, so the picture is cached for a year and a new one shows at once.
    const v = user.avatarKey.slice(user.avatarKey.indexOf('/') + 1).slice(0, 16);
    return <img class="avatar" src={`/u/${user.id}/avatar?v=${v}`} width={size} height={size} alt="" />;
  }
  const hue = (user.id * 67) % 360;
  return (
    <span class={`avatar avatar--initial avatar--hue-${Math.floor(hue / 30)}`} aria-hidden="true">
      {[...user.name][0] ?? '?'}
    </span>
  );
}

/** 关注 / 已关注: a POST form (works without JavaScript); anonymous visitors are sent to log in first. */
export function FollowButton({ ctx, user, following }: { ctx: PageContext; user: UploaderInfo; following: boolean }) {
  if (!ctx.user) {
    return (
      <a class="button button--follow" href={`/login?next=${encodeURIComponent(`/u/${user.id}`)}`}>
        + {t('user.follow')}
      </a>
    );
  }
  if (ctx.user.id === user.id) return null;
  return (
    <Form
      id={`follow-${user.id}`}
      action={`/u/${user.id}/${following ? 'unfollow' : 'follow'}`}
      csrf={ctx.csrfToken}
      class="inline-form"
    >
      <input type="hidden" name="next" value={ctx.path} />
      <button type="submit" class={following ? 'button button--following' : 'button button--follow'}>
        {following ? t('user.following') : `+ ${t('user.follow')}`}
      </button>
    </Form>
  );
}

/** The uploader card: avatar, name, 关注, 实名认证 and 内容提供者 badges, bio. */
export function UploaderCard({ ctx, user, following }: { ctx: PageContext; user: UploaderInfo; following: boolean }) {
  return (
    <section class="card uploader-card" aria-label={t('user.cardLabel')}>
      <div class="uploader-card__head">
        <Avatar user={user} size={48} />
        <div>
          <a class="uploader-card__name" href={`/u/${user.id}`}>
            {user.name}
          </a>
          <p class="uploader-card__stats">{t('user.followers', { n: user.followers })}</p>
        </div>
        <FollowButton ctx={ctx} user={user} following={following} />
      </div>
      <ul class="badges">
        {user.verified && <li class="badge badge--verified">{t('user.verified')}</li>}
        {user.provider && <li class="badge badge--provider">{t('user.provider')}</li>}
      </ul>
      <p class="uploader-card__bio">{user.bio || t('user.noBio')}</p>
    </section>
  );
}
