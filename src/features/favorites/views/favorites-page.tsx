import type { ComponentChildren } from 'preact';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate, isoDate } from '../../../web/format.ts';
import { Pager } from '../../../web/views/doc-list.tsx';
import { Form, RadioField, RefusalNotice, SelectField, Submit, TextField } from '../../../web/views/form.tsx';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { FAVORITE_LIMITS, type FavoriteItem, type FolderView } from '../service.ts';
import { moveFormId, removeFormId } from './favorite-button.tsx';

const folderHref = (f: FolderView) => (f.isDefault ? '/favorites' : `/favorites?folder=${f.id}`);

/** What /favorites renders. */
export interface FavoritesPageProps {
  ctx: PageContext;
  folders: readonly FolderView[];
  folder: FolderView;
  items: readonly FavoriteItem[];
  page: number;
  pages: number;
  /** A refused form (a folder name too long, taken…; a 收藏 or 移到), shown in that form with what was typed. */
  state?: FormState | undefined;
  /** Where a refused form not on this page was sent from (a checked `next`): linked beside its sentence. */
  back?: string | undefined;
}

/** The folder forms' ids: a new folder, and renaming or deleting the folder shown. */
export const NEW_FOLDER_FORM = 'folder-new';
export const RENAME_FOLDER_FORM = 'folder-rename';
export const DELETE_FOLDER_FORM = 'folder-delete';
const FOLDER_FORMS = [NEW_FOLDER_FORM, RENAME_FOLDER_FORM, DELETE_FOLDER_FORM];

/** 我的收藏: the folders with their counts, one page of the selected folder, and the folder forms. */
export function FavoritesPage({ ctx, folders, folder, items, page, pages, state, back }: FavoritesPageProps) {
  /** Where the forms about the folder shown post: renaming or deleting it. */
  const manage = (verb: 'rename' | 'delete') => `/favorites/folders/${folder.id}/${verb}`;
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
        <Form id={NEW_FOLDER_FORM} action="/favorites/folders" csrf={ctx.csrfToken} state={state}>
          <FolderNameField
            form={NEW_FOLDER_FORM}
            state={state}
            hint={t('favorites.folderNameHint', { max: FAVORITE_LIMITS.nameChars })}
          />
          <Submit kind="plain" label={t('favorites.create')} />
        </Form>
      </section>
      {!folder.isDefault && (
        <section class="card" aria-labelledby="manage-title">
          <h2 id="manage-title">{t('favorites.manage', { name: folder.name })}</h2>
          <Form id={RENAME_FOLDER_FORM} action={manage('rename')} csrf={ctx.csrfToken} state={state}>
            <FolderNameField form={RENAME_FOLDER_FORM} state={state} value={folder.name} />
            <Submit kind="plain" label={t('favorites.rename')} />
          </Form>
          <Form id={DELETE_FOLDER_FORM} action={manage('delete')} csrf={ctx.csrfToken} state={state}>
            <RadioField
              form={DELETE_FOLDER_FORM}
              name="mode"
              label={t('favorites.deleteFolder')}
              state={state}
              value="move"
              options={[
                { value: 'move', label: t('favorites.deleteMove') },
                { value: 'remove', label: t('favorites.deleteRemove') },
              ]}
            />
            <Submit kind="danger" label={t('favorites.deleteFolder')} />
          </Form>
        </section>
      )}
    </>
  );
  const others = folders.filter((f) => f.id !== folder.id);
  // The forms this page renders: a refusal of any other one is a notice above the list.
  const shown = [
    ...(folder.isDefault ? [NEW_FOLDER_FORM] : FOLDER_FORMS),
    ...items.map((d) => removeFormId(d.documentId)),
    ...items.filter((d) => d.available && others.length > 0).map((d) => moveFormId(d.documentId)),
  ];
  return (
    <Layout ctx={ctx} title={t('favorites.title')} head={<meta name="robots" content="noindex" />} aside={aside}>
      <section class="card favorites" aria-labelledby="favorites-title">
        <h1 id="favorites-title">
          {t('favorites.title')} · {folder.name}
        </h1>
        <RefusalNotice state={state} shown={shown} />
        {back && state && !shown.includes(state.form) && (
          <p class="favorites__back">
            <a href={back}>{t('favorites.back')}</a>
          </p>
        )}
        {items.length === 0 ? (
          <p class="empty">{t('favorites.empty')}</p>
        ) : (
          <ul class="doc-list favorite-list">
            {items.map((d) => (
              <FavoriteRow key={d.documentId} ctx={ctx} item={d} others={others} next={here} state={state} />
            ))}
          </ul>
        )}
        {pages > 1 && <Pager base={folderHref(folder)} page={page} hasNext={page < pages} />}
      </section>
    </Layout>
  );
}

/**
 * One saved document: a link while it is available, its state once it is not; 取消收藏 either way, 移到 (the other
 * folders) while it is available.
 */
function FavoriteRow({
  ctx,
  item: d,
  others,
  next,
  state,
}: {
  ctx: PageContext;
  item: FavoriteItem;
  others: readonly FolderView[];
  next: string;
  state: FormState | undefined;
}) {
  const move = moveFormId(d.documentId);
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
        <RowForm
          ctx={ctx}
          id={removeFormId(d.documentId)}
          action={`/d/${d.documentId}/unfavorite`}
          next={next}
          state={state}
          button={t('favorites.remove')}
        />
        {d.available && others.length > 0 && (
          <RowForm
            ctx={ctx}
            id={move}
            action={`/d/${d.documentId}/favorite`}
            next={next}
            state={state}
            button={t('favorites.move')}
          >
            <SelectField
              form={move}
              name="folder"
              label={t('favorites.moveTo')}
              state={state}
              class="favorite-list__move"
              options={others.map((f) => ({ value: f.isDefault ? '' : String(f.id), label: f.name }))}
            />{' '}
          </RowForm>
        )}
      </span>
    </li>
  );
}

/** The name field of a folder form (a new folder, renaming the one shown). */
function FolderNameField(props: { form: string; state: FormState | undefined; hint?: string; value?: string }) {
  return (
    <TextField
      form={props.form}
      name="name"
      label={t('favorites.folderName')}
      state={props.state}
      type="text"
      required
      maxLength={FAVORITE_LIMITS.nameChars}
      hint={props.hint}
      value={props.value}
    />
  );
}

/**
 * A row's form (取消收藏, 移到): back to this page of the list after it, its fields if any, a link-styled button; a
 * refusal shows in it with what was chosen.
 */
function RowForm(props: {
  ctx: PageContext;
  id: string;
  action: string;
  next: string;
  state: FormState | undefined;
  button: string;
  children?: ComponentChildren;
}) {
  return (
    <Form id={props.id} action={props.action} csrf={props.ctx.csrfToken} state={props.state} class="inline-form">
      <input type="hidden" name="next" value={props.next} />
      {props.children}
      <button type="submit" class="link-button">
        {props.button}
      </button>
    </Form>
  );
}
