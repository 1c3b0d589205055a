import type { ComponentChildren } from 'preact';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatBytes, formatDate, isoDate } from '../../../web/format.ts';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import type { CommentSection } from '../../comments/service.ts';
import { CommentSectionView } from '../../comments/views/comment-section.tsx';
import { MarkNotice } from '../../watermark/views/mark-notice.tsx';
import { visiblePageImages } from '../page-images.ts';
import { isOriginalWithheld } from '../policy.ts';
import type { DocumentPage } from '../service.ts';
import { DownloadTerms } from './download-terms.tsx';
import { FreePart, freePartPlan } from './free-part.tsx';
import { GongwenOutline } from './gongwen-outline.tsx';
import { JsonLd } from './json-ld.tsx';
import { pageImageUrl } from './page-images.tsx';
import { RelatedDocuments } from './related-documents.tsx';
import { UploaderCard } from './uploader-card.tsx';

/** The document page: every element of the reference page, rendered from the free part only. */
export function DocumentPageView({
  ctx,
  page,
  autoDownload = false,
  comments,
  favorite,
  rating,
}: {
  ctx: PageContext;
  page: DocumentPage;
  /** Right after a purchase: start the download without a script (CSP allows no inline script). */
  autoDownload?: boolean;
  /** The first page of comments (features/comments), below the document; absent unless it is published. */
  comments?: CommentSection | undefined;
  /** The 收藏 box (features/favorites), under the document's facts. */
  favorite?: ComponentChildren;
  /** The 评分 box (features/ratings), after the download box. */
  rating?: ComponentChildren;
}) {
  const { doc, preview, fragment } = page;
  const canonical = `/d/${doc.id}`;
  const canDelete = !!ctx.user && (ctx.user.id === doc.owner_id || ctx.user.role === 'admin');
  const description = doc.description || fragment;
  // The free part, once: page images or text per format (decision 0023); the first image is the link preview.
  const visibleImages = visiblePageImages(doc, preview);
  const plan = freePartPlan(doc, preview, visibleImages);
  const firstImage = visibleImages[0];
  const seo = {
    type: 'article' as const,
    image: firstImage && {
      path: pageImageUrl(doc.id, firstImage),
      width: firstImage.w,
      height: firstImage.h,
    },
  };
  const uploader = {
    id: doc.owner_id,
    name: doc.owner_name,
    bio: doc.owner_bio,
    avatarKey: doc.owner_avatar_key,
    verified: doc.owner_verified === 1,
    provider: doc.owner_provider === 1,
    followers: doc.owner_followers,
  };
  const aside = (
    <>
      <UploaderCard ctx={ctx} user={uploader} following={page.viewerFollows} />
      {fragment && (
        <section class="card fragment" aria-labelledby="fragment-title">
          <h2 id="fragment-title">{t('document.fragment')}</h2>
          <blockquote>{fragment}</blockquote>
          <p class="fragment__source">
            {doc.title}.{doc.format}
          </p>
        </section>
      )}
      <RelatedDocuments docs={page.related} creditName={ctx.site.creditName} />
    </>
  );
  return (
    <Layout
      ctx={ctx}
      title={doc.title}
      description={description.slice(0, 160)}
      canonical={canonical}
      seo={seo}
      aside={aside}
      head={
        <>
          {doc.status === 'published' && (
            <JsonLd page={page} description={description} url={`${ctx.publicUrl}${canonical}`} ctx={ctx} />
          )}
          {autoDownload && page.purchased && <meta http-equiv="refresh" content={`1;url=/d/${doc.id}/download`} />}
        </>
      }
    >
      <nav class="breadcrumb" aria-label={t('document.breadcrumb')}>
        <a href="/">{t('nav.home')}</a> › <a href={`/c/${doc.category_slug}`}>{doc.category_name}</a>
      </nav>
      <article class="card document">
        <header class="document__header">
          <h1>
            <FormatBadge format={doc.format} /> {doc.title}
          </h1>
          <dl class="document__meta">
            <div>
              <dt>{t('document.format')}</dt>
              <dd>{doc.format.toUpperCase()}</dd>
            </div>
            {hasFlag(doc.source_flags, 'ocr') && (
              <div title={t('document.ocrTitle')}>
                <dt>{t('document.textSource')}</dt>
                <dd>{t('document.ocrValue')}</dd>
              </div>
            )}
            {hasFlag(doc.source_flags, 'signed') && (
              <div title={t('document.signedTitle')}>
                <dt>{t('document.signed')}</dt>
                <dd>{t('document.signedValue')}</dd>
              </div>
            )}
            <div>
              <dt>{t('document.size')}</dt>
              <dd>{formatBytes(doc.size_bytes)}</dd>
            </div>
            {doc.page_count !== null && (
              <div>
                <dt>{t('document.pages')}</dt>
                <dd>{t('document.pageCount', { n: doc.page_count })}</dd>
              </div>
            )}
            <div>
              <dt>{t('document.date')}</dt>
              <dd>
                <time dateTime={isoDate(doc.published_at ?? doc.created_at)}>
                  {formatDate(doc.published_at ?? doc.created_at)}
                </time>
              </dd>
            </div>
            <div>
              <dt>{t('document.category')}</dt>
              <dd>
                <a href={`/c/${doc.category_slug}`}>{doc.category_name}</a>
              </dd>
            </div>
            <div>
              <dt>{t('document.downloads')}</dt>
              <dd>{doc.download_count}</dd>
            </div>
          </dl>
          {favorite}
          {doc.description && <p class="document__description">{doc.description}</p>}
        </header>
        {doc.status !== 'published' && <StatusNotice doc={doc} />}
        <GongwenOutline preview={preview} />
        {preview && <FreePart doc={doc} preview={preview} plan={plan} />}
        <DownloadBox ctx={ctx} page={page} />
        {rating}
        {canDelete && (
          <p class="document__owner-actions">
            <a class="button" href={`/d/${doc.id}/edit`}>
              {t('edit.link')}
            </a>{' '}
            <a
              class="button button--danger"
              href={`/d/${doc.id}/delete`}
              data-confirm-delete
              data-confirm-title={t('document.confirmDelete')}
              data-confirm-text={t('document.confirmDeleteBody', { title: `${doc.title}.${doc.format}` })}
              data-confirm-ok={t('document.deleteOk')}
              data-confirm-cancel={t('document.deleteCancel')}
              data-action={`/d/${doc.id}/delete`}
              data-csrf={ctx.csrfToken}
            >
              {t('document.delete')}
            </a>
          </p>
        )}
      </article>
      {comments && <CommentSectionView ctx={ctx} section={comments} />}
    </Layout>
  );
}

function StatusNotice({ doc }: { doc: DocumentPage['doc'] }) {
  return (
    <p class={`status-notice status-notice--${doc.status}`} role="status">
      {t('document.statusNotice', { status: t(`status.${doc.status}`) })}
    </p>
  );
}

/** The download call to action and the paid-download terms with the 违规举报 link. */
function DownloadBox({ ctx, page }: { ctx: PageContext; page: DocumentPage }) {
  const { doc } = page;
  const price =
    doc.price > 0 ? t('document.priceLabel', { price: doc.price, unit: ctx.site.creditName }) : t('document.free');
  // A paid document not yet bought leads to the purchase confirmation; a bought one is a free re-download.
  const mustBuy = doc.price > 0 && !page.purchased && ctx.user?.id !== doc.owner_id && ctx.user?.role !== 'admin';
  // The uploader and staff download without paying: never offer them 付费下载 on their own (or any) document.
  const label = page.purchased
    ? t('credits.downloadOwned')
    : ctx.user && ctx.user.id === doc.owner_id
      ? t('document.downloadOwn')
      : ctx.user?.role === 'admin' && doc.price > 0
        ? t('document.downloadAsStaff')
        : doc.price > 0
          ? t('document.downloadPaid', { price })
          : t('document.downloadFree');
  // Published with its personal numbers masked: readers get the masked text only, never the original (decision 0012).
  if (isOriginalWithheld(doc) && ctx.user?.id !== doc.owner_id && ctx.user?.role !== 'admin')
    return (
      <section class="download-box" aria-labelledby="download-title">
        <h2 id="download-title" class="visually-hidden">
          {t('document.downloadTitle')}
        </h2>
        <p class="download-box__action" data-original-withheld>
          {t('privacy.maskedNotice')}
        </p>
        <DownloadTerms documentId={doc.id} />
      </section>
    );
  return (
    <section class="download-box" aria-labelledby="download-title">
      <h2 id="download-title" class="visually-hidden">
        {t('document.downloadTitle')}
      </h2>
      <p class="download-box__action">
        <a
          class="button button--primary button--large"
          href={mustBuy ? `/d/${doc.id}/buy` : `/d/${doc.id}/download`}
          rel="nofollow"
          data-purchased={page.purchased ? '1' : undefined}
        >
          {label}
        </a>
        <span class="download-box__file">
          {doc.title}.{doc.format}
        </span>
      </p>
      <MarkNotice ctx={ctx} doc={doc} />
      <DownloadTerms documentId={doc.id} />
    </section>
  );
}

/** Whether the JSON flag list stored at conversion (documents.source_flags) holds `flag`. */
function hasFlag(flags: string | null | undefined, flag: string): boolean {
  if (!flags) return false;
  try {
    const list: unknown = JSON.parse(flags);
    return Array.isArray(list) && list.includes(flag);
  } catch {
    return false;
  }
}
