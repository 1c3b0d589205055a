import type { Category } from '../../../db/schema.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { type DocCard, DocList, Pager } from '../../../web/views/doc-list.tsx';
import { Layout } from '../../../web/views/layout.tsx';

/** 首页: category navigation, latest and most-downloaded documents. */
export function HomePage({ ctx, latest, popular }: { ctx: PageContext; latest: DocCard[]; popular: DocCard[] }) {
  return (
    <Layout
      ctx={ctx}
      title=""
      canonical="/"
      aside={
        <section class="card">
          <h2>{t('home.popular')}</h2>
          <DocList docs={popular} creditName={ctx.site.creditName} />
        </section>
      }
    >
      <section class="card hero">
        <h1>{t('home.headline')}</h1>
        <p>{t('home.subline')}</p>
        <ul class="category-grid">
          {ctx.site.categories.map((c) => (
            <li key={c.id}>
              <a href={`/c/${c.slug}`}>{c.name}</a>
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('home.latest')}</h2>
        <DocList docs={latest} creditName={ctx.site.creditName} empty={t('home.empty')} />
      </section>
    </Layout>
  );
}

/** One category's documents. */
export function CategoryPage(props: {
  ctx: PageContext;
  category: Category;
  docs: DocCard[];
  order: 'latest' | 'downloads';
  page: number;
  pages: number;
}) {
  const { ctx, category, docs, order, page, pages } = props;
  const base = `/c/${category.slug}${order === 'downloads' ? '?sort=downloads' : ''}`;
  return (
    <Layout
      ctx={ctx}
      title={category.name}
      canonical={page > 1 ? `${base}${order === 'downloads' ? '&' : '?'}page=${page}` : base}
    >
      <section class="card">
        <h1>{category.name}</h1>
        <nav class="sort-nav" aria-label={t('list.sort')}>
          <a href={`/c/${category.slug}`} aria-current={order === 'latest' ? 'page' : undefined}>
            {t('list.sortLatest')}
          </a>
          <a href={`/c/${category.slug}?sort=downloads`} aria-current={order === 'downloads' ? 'page' : undefined}>
            {t('list.sortDownloads')}
          </a>
        </nav>
        <DocList docs={docs} creditName={ctx.site.creditName} />
        <Pager base={base} page={page} hasNext={page < pages} />
      </section>
    </Layout>
  );
}

/** Static text pages (terms, copyright) and the offline fallback. */
export function TextPage({ ctx, title, paragraphs }: { ctx: PageContext; title: string; paragraphs: string[] }) {
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card text-page">
        <h1>{title}</h1>
        {paragraphs.map((p) => (
          <p key={p}>{p}</p>
        ))}
      </section>
    </Layout>
  );
}
