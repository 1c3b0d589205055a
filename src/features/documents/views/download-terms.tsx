import { t } from '../../../i18n/t.ts';

/**
 * The paid-download terms of the reference page, ending with the 违规举报 link and the rights holder's ways in (版权
 * 投诉, 认领); shown before and at purchase.
 */
export function DownloadTerms({ documentId }: { documentId: number }) {
  return (
    <ol class="terms">
      <li>{t('terms.usage')}</li>
      <li>{t('terms.userContent')}</li>
      <li>
        {t('terms.reportBefore')}
        <a href={`/d/${documentId}/report`} rel="nofollow">
          “{t('terms.reportLink')}”
        </a>
        {t('terms.reportAfter')}
      </li>
      <li>
        {t('copyright.terms.before')}
        <a href="/copyright" rel="nofollow">
          {t('copyright.terms.notice')}
        </a>
        {t('copyright.terms.or')}
        <a href={`/copyright/claim?doc=${documentId}`} rel="nofollow">
          {t('copyright.claim.link')}
        </a>
        {t('copyright.terms.after')}
      </li>
    </ol>
  );
}
