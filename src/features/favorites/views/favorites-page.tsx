import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate, isoDate } from '../../../web/format.ts';
import { Pager } from '../../../web/views/doc-list.tsx';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { FAVORITE_LIMITS, type FavoriteItem, type FolderView } from '../service.ts';

const folderHref = (f: FolderView) => (f.isDefault ? '/favorites' : `/favorites?folder=${f.id}`);

/** What /favorites renders. */
export interface FavoritesPageProps {
  ctx: PageContext;
  folders: readonly FolderView[];
  folder: FolderView;
  items: readonly FavoriteItem[];
  page: number;
  pages: number;
  /** A refused folder form (name too long, taken…), shown above the forms. */
  error?: string | undefined;
}

/** 我的收藏: the folders with their counts, one page of the selected folder, and the folder forms. */
export function FavoritesPage({ ctx, folders, folder, items, page, pages, error }: FavoritesPageProps) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const here = page > 1 ? `${folderHref(folder)}${folder.isDefault ? '?' : '&'}page=${page}` : folderHref(folder);
  const aside = (
    <>
      <nav class="card favorite-folders" aria-labelledby="folders-title">
        <h2 id="folders-title">{t('favorites.folders')}</h2>
        <ul>
          {folders.map((f) => (
            <li key={f.id}>
              <a href={folderHref(f)} aria-current={f.id === folder.id ? 'page' : undefined}>
                {f.name}
              </a>{' '}
              <span class="muted">{t('favorites.folderCount', { n: f.count })}</span>
            </li>
          ))}
        </ul>
      </nav>
      <section class="card" aria-labelledby="new-folder-title">
        <h2 id="new-folder-title">{t('favorites.newFolder')}</h2>
        <form method="post" action="/favorites/folders" class="form">
          {csrf}
          <div class="field">
            <label for="new-folder-name">{t('favorites.folderName')}</label>
            <input
              id="new-folder-name"
              type="text"
              name="name"
              required
              maxLength={FAVORITE_LIMITS.nameChars}
              aria-describedby="new-folder-hint"
            />
            <p class="field__hint" id="new-folder-hint">
              {t('favorites.folderNameHint', { max: FAVORITE_LIMITS.nameChars })}
            </p>
          </div>
          <button type="submit" class="button">
            {t('favorites.create')}
          </button>
        </form>
      </section>
      {!folder.isDefault && (
        <section class="card" aria-labelledby="manage-title">
          <h2 id="manage-title">{t('favorites.manage', { name: folder.name })}</h2>
          <form method="post" action={`/favorites/folders/${folder.id}/rename`} class="form">
            {csrf}
            <div class="field">
              <label for="rename-folder-name">{t('favorites.folderName')}</label>
              <input
                id="rename-folder-name"
                type="text"
                name="name"
                required
                maxLength={FAVORITE_LIMITS.nameChars}
                value={folder.name}
              />
            </div>
            <button type="submit" class="button">
              {t('favorites.rename')}
            </button>
          </form>
          <form method="post" action={`/favorites/folders/${folder.id}/delete`} class="form">
            {csrf}
            <fieldset class="field">
              <legend>{t('favorites.deleteFolder')}</legend>
              <label class="choice">
                <input type="radio" name="mode" value="move" checked /> {t('favorites.deleteMove')}
              </label>
              <label class="choice">
                <input type="radio" name="mode" value="remove" /> {t('favorites.deleteRemove')}
              </label>
            </fieldset>
            <button type="submit" class="button button--danger">
              {t('favorites.deleteFolder')}
            </button>
          </form>
        </section>
      )}
    </>
  );
  return (
    <Layout ctx={ctx} title={t('favorites.title')} head={<meta name="robots" content="noindex" />} aside={aside}>
      <section class="card favorites" aria-labelledby="favorites-title">
        <h1 id="favorites-title">
          {t('favorites.title')} · {folder.name}
        </h1>
        {error && (
          <p class="form__errors" role="alert">
            {error}
          </p>
        )}
        {items.length === 0 ? (
          <p class="empty">{t('favorites.empty')}</p>
        ) : (
          <ul class="doc-list favorite-list">
            {items.map((d) => (
              <FavoriteRow key={d.documentId} ctx={ctx} item={d} folders={folders} folder={folder} next={here} />
            ))}
          </ul>
        )}
        {pages > 1 && <Pager base={folderHref(folder)} page={page} hasNext={page < pages} />}
      </section>
    </Layout>
  );
}

/** One saved document: a link while it is available, its state once it is not; 取消收藏 and 移到 either way. */
function FavoriteRow({
  ctx,
  item: d,
  folders,
  folder,
  next,
}: {
  ctx: PageContext;
  item: FavoriteItem;
  folders: readonly FolderView[];
  folder: FolderView;
  next: string;
}) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const others = folders.filter((f) => f.id !== folder.id);
  const status =
    d.status === 'deleted' || d.status === 'taken_down'
      ? t(`favorites.status.${d.status}`)
      : t('favorites.status.other');
  return (
    <li
      class={d.available ? 'doc-list__item' : 'doc-list__item favorite-list__item--unavailable'}
      id={`fav-${d.documentId}`}
    >
      <FormatBadge format={d.format} />
      {d.available ? (
        <a class="doc-list__title" href={`/d/${d.documentId}`}>
          {d.title}
        </a>
      ) : (
        <span class="doc-list__title">
          <span class="badge badge--unavailable">{status}</span> {d.title}
        </span>
      )}
      <span class="doc-list__meta">
        {d.available ? (
          <>
            {d.pageCount !== null && <span>{t('document.pageCount', { n: d.pageCount })}</span>}
            <span>
              {d.price > 0
                ? t('document.priceLabel', { price: d.price, unit: ctx.site.creditName })
                : t('document.free')}
            </span>
            <a href={`/u/${d.ownerId}`}>{d.ownerName}</a>
          </>
        ) : (
          <span>{t('favorites.unavailableNote')}</span>
        )}
        <time dateTime={isoDate(d.savedAt)}>{t('favorites.savedAt', { date: formatDate(d.savedAt) })}</time>
      </span>
      <span class="favorite-list__actions">
        <form method="post" action={`/d/${d.documentId}/unfavorite`} class="inline-form">
          {csrf}
          <input type="hidden" name="next" value={next} />
          <button type="submit" class="link-button">
            {t('favorites.remove')}
          </button>
        </form>
        {d.available && others.length > 0 && (
          <form method="post" action={`/d/${d.documentId}/favorite`} class="inline-form">
            {csrf}
            <input type="hidden" name="next" value={next} />
            <label>
              {t('favorites.moveTo')}{' '}
              <select name="folder">
                {others.map((f) => (
                  <option key={f.id} value={f.isDefault ? '' : String(f.id)}>
                    {f.name}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="submit" class="link-button">
              {t('favorites.move')}
            </button>
          </form>
        )}
      </span>
    </li>
  );
}
