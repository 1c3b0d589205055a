import type { Category } from '../../../db/schema.ts';
import { isMessageKey, type MessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { type FormState, stateFor } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import { Form, RefusalNotice, SelectField, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { DOCUMENT_STATUSES, type listDocumentsForStaff, type StaffDocumentFilter } from '../staff.ts';
import { TAKEDOWN_CODES } from '../takedown.ts';

type DocList = Awaited<ReturnType<typeof listDocumentsForStaff>>;

const label = (key: string) => (isMessageKey(key) ? t(key as MessageKey) : key);

/** The id of the bulk 下架 form (restore forms are `restore-<document id>`). */
export const BULK_TAKEDOWN_FORM = 'bulk-takedown';

/**
 * /admin/documents: filters, the list with checkboxes, bulk takedown with a reason and note (form `bulk-takedown`:
 * a refusal keeps the ticks, the reason and the note), restore per row. Each form carries the list's query (`list`)
 * so a refusal shows the same list again; a refused restore (the document restored meanwhile) is the sentence alone.
 * The bulk form has no `form` class: its grid and max-width would squeeze the table.
 */
export function AdminDocumentsPage(props: {
  ctx: PageContext;
  list: DocList;
  filter: StaffDocumentFilter;
  categories: readonly Category[];
  state?: FormState | undefined;
}) {
  const { ctx, list, filter, categories } = props;
  const bulk = stateFor(props.state, BULK_TAKEDOWN_FORM);
  const form = BULK_TAKEDOWN_FORM;
  const query = (page: number) => {
    const p = new URLSearchParams();
    if (filter.status) p.set('status', filter.status);
    if (filter.ownerId) p.set('owner', String(filter.ownerId));
    if (filter.categoryId) p.set('category', String(filter.categoryId));
    if (filter.q) p.set('q', filter.q);
    p.set('page', String(page));
    return `/admin/documents?${p}`;
  };
  const takenDown = list.rows.filter((d) => d.status === 'taken_down');
  const here = query(list.page).slice('/admin/documents?'.length);
  const ticked = (id: number) => (bulk ? bulk.values[`d${id}`] === '1' : false);
  return (
    <Layout ctx={ctx} title={t('docs.admin.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/documents" />
      <section class="card" aria-labelledby="docs-title">
        <h1 id="docs-title">{t('docs.admin.title')}</h1>
        <p class="muted">{t('docs.admin.intro')}</p>
        <RefusalNotice state={props.state} shown={list.rows.length === 0 ? [] : [form]} />
        <form class="form form--inline" method="get" action="/admin/documents" id="doc-filter">
          <label>
            {t('docs.admin.filter.status')}{' '}
            <select name="status">
              <option value="">{t('docs.admin.filter.any')}</option>
              {DOCUMENT_STATUSES.map((s) => (
                <option key={s} value={s} selected={filter.status === s}>
                  {label(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('docs.admin.filter.owner')}{' '}
            <input name="owner" inputMode="numeric" size={8} value={filter.ownerId ? String(filter.ownerId) : ''} />
          </label>
          <label>
            {t('docs.admin.filter.category')}{' '}
            <select name="category">
              <option value="">{t('docs.admin.filter.any')}</option>
              {categories.map((c) => (
                <option key={c.id} value={String(c.id)} selected={filter.categoryId === Number(c.id)}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('docs.admin.filter.q')} <input name="q" maxLength={100} value={filter.q ?? ''} />
          </label>
          <button type="submit" class="button">
            {t('docs.admin.filter.submit')}
          </button>
        </form>
        {list.rows.length === 0 ? (
          <p class="empty">{t('docs.admin.empty')}</p>
        ) : (
          <Form id={form} action="/admin/documents/takedown" csrf={ctx.csrfToken} state={bulk} class="">
            <input type="hidden" name="list" value={here} />
            <table class="ledger-table">
              <thead>
                <tr>
                  <th scope="col">{t('docs.admin.col.select')}</th>
                  <th scope="col">{t('docs.admin.col.title')}</th>
                  <th scope="col">{t('docs.admin.col.owner')}</th>
                  <th scope="col">{t('docs.admin.col.category')}</th>
                  <th scope="col">{t('docs.admin.col.status')}</th>
                  <th scope="col" class="num">
                    {t('docs.admin.col.price')}
                  </th>
                  <th scope="col">{t('docs.admin.col.created')}</th>
                  <th scope="col">{t('docs.admin.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.rows.map((d) => (
                  <tr key={d.id} id={`doc-${d.id}`}>
                    <td>
                      {(d.status === 'published' || d.status === 'review') && (
                        <input
                          type="checkbox"
                          name={`d${d.id}`}
                          value="1"
                          checked={ticked(Number(d.id))}
                          aria-label={t('docs.admin.selectDoc', { title: d.title })}
                        />
                      )}
                    </td>
                    <td>
                      <a href={`/d/${d.id}`}>
                        {d.title}.{d.format}
                      </a>{' '}
                      <span class="muted">#{d.id}</span>
                    </td>
                    <td>
                      <a href={`/admin/users/${d.owner_id}`}>{d.owner_name}</a>
                    </td>
                    <td>{d.category_name}</td>
                    <td>
                      {label(`status.${d.status}`)}
                      {d.status === 'taken_down' && d.takedown_code
                        ? t('docs.admin.takenDownFor', { reason: label(`takedown.code.${d.takedown_code}`) })
                        : ''}
                    </td>
                    <td class="num">{d.price > 0 ? d.price : t('docs.admin.free')}</td>
                    <td>{formatDate(Number(d.created_at))}</td>
                    <td>
                      {d.status === 'taken_down' && (
                        <button type="submit" class="link-button" form={`restore-${d.id}`}>
                          {t('docs.admin.restore')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <fieldset class="form">
              <legend>{t('docs.admin.bulkTitle')}</legend>
              <SelectField
                form={form}
                name="code"
                label={t('docs.admin.code')}
                state={bulk}
                required
                options={[
                  { value: '', label: '—' },
                  ...TAKEDOWN_CODES.map((c) => ({ value: c, label: t(`takedown.code.${c}`) })),
                ]}
              />
              <TextField form={form} name="note" label={t('docs.admin.note')} state={bulk} maxLength={500} />
              <Submit kind="danger" label={t('docs.admin.bulkSubmit')} />
            </fieldset>
          </Form>
        )}
        {takenDown.map((d) => (
          // Hidden (its button sits in the row): a refused restore is the RefusalNotice above, never this summary.
          <Form
            key={d.id}
            id={`restore-${d.id}`}
            action={`/admin/documents/${d.id}/restore`}
            csrf={ctx.csrfToken}
            hidden
          >
            <input type="hidden" name="list" value={here} />
          </Form>
        ))}
        <nav class="pager">
          {list.page > 1 && <a href={query(list.page - 1)}>{t('docs.admin.prev')}</a>}
          {list.hasMore && <a href={query(list.page + 1)}>{t('docs.admin.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}
