import type { ComponentChildren } from 'preact';
import { t } from '../../i18n/t.ts';
import type { PageContext } from '../context.ts';
import { Form } from './form.tsx';
import { SeoHead, type SeoMeta } from './seo-head.tsx';

/** Props of the page shell. */
export interface LayoutProps {
  ctx: PageContext;
  title: string;
  description?: string;
  canonical?: string;
  /** Extra tags for <head> (JSON-LD, robots). */
  head?: ComponentChildren;
  /** Open Graph type and preview image (seo-head.tsx); the title, description and canonical come from above. */
  seo?: SeoMeta;
  /** The narrow column beside the main one; omitted for single-column pages. */
  aside?: ComponentChildren;
  children: ComponentChildren;
}

/** The page shell: header with search and account links, main content, install prompt, service and back-to-top. */
export function Layout({ ctx, title, description, canonical, head, seo, aside, children }: LayoutProps) {
  const fullTitle = title ? `${title} - ${t('site.name')}` : `${t('site.name')} - ${t('site.tagline')}`;
  const metaDescription = description ?? t('site.description');
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <meta name="description" content={metaDescription} />
        <SeoHead
          origin={ctx.publicUrl}
          title={fullTitle}
          description={metaDescription}
          canonical={canonical}
          meta={seo}
        />
        <link rel="manifest" href="/manifest.webmanifest" />
        <meta name="theme-color" content="#b71c1c" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="/static/icons/favicon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png" />
        <link rel="stylesheet" href={`/static/site.css?v=${ctx.assets.css}`} />
        <script src={`/static/build/app.js?v=${ctx.assets.js}`} defer />
        {head}
      </head>
      <body id="top">
        <a class="skip-link" href="#main">
          {t('layout.skipToContent')}
        </a>
        <Header ctx={ctx} />
        {ctx.flash && (
          <p class="flash" role="status">
            {ctx.flash}
          </p>
        )}
        {ctx.user?.contactVerified === false && <VerifyBanner />}
        <div class={aside ? 'page page--with-aside' : 'page'}>
          <main id="main">{children}</main>
          {aside && (
            <aside class="sidebar">
              <InstallPrompt />
              {aside}
            </aside>
          )}
        </div>
        <Footer />
        <ServiceWidget ctx={ctx} />
        <a href="#top" class="back-to-top" data-back-to-top>
          {t('layout.backToTop')}
        </a>
      </body>
    </html>
  );
}

/** On the search page, the query searched for (the header's box shows it, so it can be refined in place). */
function searchQueryOf(path: string | undefined): string | undefined {
  if (!path?.startsWith('/search?')) return undefined;
  return new URLSearchParams(path.slice('/search?'.length)).get('q')?.slice(0, 100) ?? undefined;
}

function Header({ ctx }: { ctx: PageContext }) {
  return (
    <header class="site-header">
      <div class="site-header__inner">
        <a class="logo" href="/">
          <span class="logo__mark" aria-hidden="true">
            文
          </span>
          <span class="logo__text">{t('site.name')}</span>
          <span class="logo__tag">{t('site.tagline')}</span>
        </a>
        <form class="search" action="/search" method="get">
          <input
            type="search"
            name="q"
            value={searchQueryOf(ctx.path)}
            placeholder={t('nav.searchPlaceholder')}
            aria-label={t('nav.search')}
            maxLength={100}
            autoComplete="off"
            data-suggest="/api/suggest"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded="false"
            aria-controls="search-suggest"
          />
          <div
            id="search-suggest"
            class="suggest"
            role="listbox"
            aria-label={t('search.suggestions')}
            data-suggest-list
            data-title-label={t('search.suggestTitle')}
            hidden
          />
          <button type="submit">{t('nav.search')}</button>
        </form>
        <nav class="account-nav" aria-label={t('layout.accountNav')}>
          <a class="button button--primary" href="/upload">
            {t('nav.upload')}
          </a>
          {ctx.user ? (
            <>
              <a href="/notifications" id="nav-notifications">
                {ctx.unread ? t('nav.notificationsUnread', { n: ctx.unread }) : t('nav.notifications')}
              </a>
              <a href="/following">{t('nav.feed')}</a>
              <a href="/my/documents">{t('nav.myDocuments')}</a>
              <a href="/favorites">{t('nav.favorites')}</a>
              <a href="/my/wallet">{t('nav.wallet')}</a>
              <a href="/my/purchases">{t('nav.purchases')}</a>
              <a href="/my/downloads">{t('nav.downloads')}</a>
              <a href={`/u/${ctx.user.id}`} class="account-nav__me">
                <img class="avatar avatar--nav" src={`/u/${ctx.user.id}/avatar`} width={24} height={24} alt="" />
                {ctx.user.displayName}
              </a>
              <a href="/settings/security">{t('security.title')}</a>
              {ctx.user.role === 'admin' && <a href="/admin">{t('nav.admin')}</a>}
              {ctx.user.role === 'moderator' && <a href="/admin/reports">{t('nav.staff')}</a>}
              <Form id="logout" action="/logout" csrf={ctx.csrfToken} class="inline-form">
                <button type="submit" class="link-button">
                  {t('nav.logout')}
                </button>
              </Form>
            </>
          ) : (
            <>
              <a href={`/login?next=${encodeURIComponent(ctx.path)}`}>{t('nav.login')}</a>
              <a href="/register">{t('nav.register')}</a>
            </>
          )}
        </nav>
      </div>
      <nav class="category-nav" aria-label={t('nav.categories')}>
        <a href="/">{t('nav.home')}</a>
        {ctx.site.categories.map((c) => (
          <a href={`/c/${c.slug}`} key={c.id}>
            {c.name}
          </a>
        ))}
      </nav>
    </header>
  );
}

/** Asks an account that has not verified its email or phone to do so (it may read and buy, not sell). */
function VerifyBanner() {
  return (
    <p class="flash verify-banner" role="status">
      {t('account.banner.unverified')} <a href="/settings/verify">{t('account.banner.verifyNow')}</a>
    </p>
  );
}

function Footer() {
  return (
    <footer class="site-footer">
      <p>{t('layout.footerNote')}</p>
      <p>
        <a href="/about/terms">{t('layout.terms')}</a> · <a href="/about/copyright">{t('layout.copyright')}</a>
      </p>
    </footer>
  );
}

/** 添加到桌面: always visible; the client script turns the button into the browser's install prompt. */
export function InstallPrompt() {
  return (
    <section class="install-prompt" data-install-prompt aria-labelledby="install-title">
      <h2 id="install-title" class="install-prompt__title">
        {t('pwa.desktop')}
      </h2>
      <p>{t('pwa.addToDesktop')}</p>
      <p class="install-prompt__hint">{t('pwa.installHint')}</p>
      <button type="button" class="button" data-install-button data-manual-hint={t('pwa.manualHint')}>
        {t('pwa.install')}
      </button>
      <p class="install-prompt__manual" data-install-manual hidden>
        {t('pwa.manualHint')}
      </p>
    </section>
  );
}

/** 微信客服: a disclosure that works without JavaScript; it leads to the 客服 inbox and keeps the operator's QR code. */
function ServiceWidget({ ctx }: { ctx: PageContext }) {
  return (
    <details class="service-widget" id="service">
      <summary>{t('service.title')}</summary>
      <div class="service-widget__panel">
        <p>
          <a class="button button--primary" href="/support" rel="nofollow">
            {t('support.widgetLink')}
          </a>
        </p>
        <p>{ctx.site.serviceText}</p>
        {ctx.site.serviceWechat && <p>{t('service.wechatId', { id: ctx.site.serviceWechat })}</p>}
        {ctx.site.serviceQrKey && (
          <img
            src={`/site/service-qr?v=${ctx.site.rev}`}
            width={160}
            height={160}
            alt={t('service.qrAlt')}
            loading="lazy"
          />
        )}
      </div>
    </details>
  );
}
