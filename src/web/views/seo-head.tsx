import { t } from '../../i18n/t.ts';

/** What a page tells crawlers and link previews (Open Graph, Twitter cards) about itself. */
export interface SeoMeta {
  /** og:type: `article` for a document page, `website` otherwise. */
  readonly type?: 'website' | 'article' | 'profile';
  /** A same-site path of a preview image (a free page image); absent → the site icon. */
  readonly image?: { readonly path: string; readonly width: number; readonly height: number } | undefined;
}

/** An absolute URL on the configured public origin (PUBLIC_URL) for a path; absolute URLs pass through. */
export function absoluteUrl(origin: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${origin.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The canonical link and the social tags. Canonical and og:url are absolute (a relative canonical fails
 * Lighthouse's check and is ambiguous behind proxies); everything here comes from what the page already shows —
 * title, description and free page images — so nothing past the free part can leak through a preview card.
 */
export function SeoHead({
  origin,
  title,
  description,
  canonical,
  meta,
}: {
  origin: string;
  title: string;
  description: string;
  canonical: string | undefined;
  meta: SeoMeta | undefined;
}) {
  const url = canonical ? absoluteUrl(origin, canonical) : undefined;
  const image = meta?.image
    ? { ...meta.image, url: absoluteUrl(origin, meta.image.path) }
    : { url: absoluteUrl(origin, '/static/icons/icon-512.png'), width: 512, height: 512 };
  return (
    <>
      {url && <link rel="canonical" href={url} />}
      <meta property="og:site_name" content={t('site.name')} />
      <meta property="og:locale" content="zh_CN" />
      <meta property="og:type" content={meta?.type ?? 'website'} />
      <meta property="og:title" content={title} />
      <meta property="og:description" content={description} />
      {url && <meta property="og:url" content={url} />}
      <meta property="og:image" content={image.url} />
      <meta property="og:image:width" content={String(image.width)} />
      <meta property="og:image:height" content={String(image.height)} />
      <meta name="twitter:card" content={meta?.image ? 'summary_large_image' : 'summary'} />
      <meta name="twitter:title" content={title} />
      <meta name="twitter:description" content={description} />
      <meta name="twitter:image" content={image.url} />
    </>
  );
}
