import type { ComponentChildren } from 'preact';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Form } from '../../../web/views/form.tsx';
import type { FavoriteState, FolderView } from '../service.ts';

/** The 收藏 forms' ids (web/form-state.ts): a page holds one per document. */
export const toggleFormId = (documentId: number) => `favorite-toggle-${documentId}`;
export const moveFormId = (documentId: number) => `favorite-move-${documentId}`;
export const removeFormId = (documentId: number) => `favorite-remove-${documentId}`;

const loginHref = (next: string) => `/login?next=${encodeURIComponent(next)}`;
/** The value a folder has in a form: '' for the default one (which may not exist yet). */
const folderValue = (f: FolderView) => (f.isDefault ? '' : String(f.id));

/**
 * The toggle form. Without script it posts and the server redirects back (a refusal is 我的收藏 with its sentence); the island (web/client/favorite-toggle.ts)
 * posts the same form with fetch and swaps action, label and state from the data attributes, so the client needs
 * no strings of its own.
 */
function ToggleForm({
  ctx,
  documentId,
  favorited,
  next,
  children,
}: {
  ctx: PageContext;
  documentId: number;
  favorited: boolean;
  next: string;
  children?: ComponentChildren;
}) {
  const add = `/d/${documentId}/favorite`;
  const remove = `/d/${documentId}/unfavorite`;
  return (
    <Form
      id={toggleFormId(documentId)}
      action={favorited ? remove : add}
      csrf={ctx.csrfToken}
      class="favorite-form"
      data-favorite-form
      data-state={favorited ? 'on' : 'off'}
      data-add-action={add}
      data-remove-action={remove}
      data-add-label={t('favorites.add')}
      data-remove-label={t('favorites.added')}
      data-add-title={t('favorites.addLabel')}
      data-remove-title={t('favorites.removeLabel')}
    >
      <input type="hidden" name="next" value={next} />
      {children}
      <button
        type="submit"
        class={favorited ? 'button favorite-button favorite-button--on' : 'button favorite-button'}
        aria-pressed={favorited ? 'true' : 'false'}
        title={favorited ? t('favorites.removeLabel') : t('favorites.addLabel')}
      >
        {favorited ? t('favorites.added') : t('favorites.add')}
      </button>
    </Form>
  );
}

/** 收藏 on a result card: one button (into the default folder); a visitor is sent to log in and back. */
export function FavoriteToggle({
  ctx,
  documentId,
  favorited,
  next,
}: {
  ctx: PageContext;
  documentId: number;
  favorited: boolean;
  next: string;
}) {
  if (!ctx.user)
    return (
      <a class="button favorite-button" href={loginHref(next)} rel="nofollow">
        {t('favorites.add')}
      </a>
    );
  return (
    <span class="favorite-toggle" data-favorite data-state={favorited ? 'on' : 'off'}>
      <ToggleForm ctx={ctx} documentId={documentId} favorited={favorited} next={next} />
    </span>
  );
}

/**
 * The document page's 收藏 box: how many readers saved it, the toggle with a choice of folder, and where the viewer
 * keeps it (with 移到 another folder). Visitors get a link to log in; the anonymous page stays shareable.
 */
export function FavoriteBox({
  ctx,
  documentId,
  count,
  state,
}: {
  ctx: PageContext;
  documentId: number;
  count: number;
  state: FavoriteState | undefined;
}) {
  const next = `/d/${documentId}`;
  const countText = (
    <span class="favorite-box__count" data-favorite-count>
      {t('favorites.count', { n: count })}
    </span>
  );
  if (!ctx.user || !state)
    return (
      <div class="favorite-box" id="favorite">
        <a class="button favorite-button" href={loginHref(next)} rel="nofollow">
          {t('favorites.add')}
        </a>
        {countText}
      </div>
    );
  const many = state.folders.length > 1;
  const where = state.folders.find((f) => f.id === state.folderId);
  return (
    <div class="favorite-box" id="favorite" data-favorite data-state={state.favorited ? 'on' : 'off'}>
      <ToggleForm ctx={ctx} documentId={documentId} favorited={state.favorited} next={next}>
        {many && !state.favorited && (
          <label class="favorite-form__folder">
            {t('favorites.saveTo')}{' '}
            <select name="folder">
              {state.folders.map((f) => (
                <option key={f.id} value={folderValue(f)}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </ToggleForm>
      {countText}
      {state.favorited && where && (
        <div class="favorite-box__where">
          {t('favorites.savedIn')}{' '}
          <a href={where.isDefault ? '/favorites' : `/favorites?folder=${where.id}`}>{where.name}</a>
          {many && (
            <Form
              id={moveFormId(documentId)}
              action={`/d/${documentId}/favorite`}
              csrf={ctx.csrfToken}
              class="inline-form favorite-box__move"
            >
              <input type="hidden" name="next" value={next} />
              <label>
                {t('favorites.moveTo')}{' '}
                <select name="folder">
                  {state.folders
                    .filter((f) => f.id !== where.id)
                    .map((f) => (
                      <option key={f.id} value={folderValue(f)}>
                        {f.name}
                      </option>
                    ))}
                </select>
              </label>{' '}
              <button type="submit" class="button button--small">
                {t('favorites.move')}
              </button>
            </Form>
          )}
        </div>
      )}
    </div>
  );
}
