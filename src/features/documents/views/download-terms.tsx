import { t } from '../../../i18n/t.ts';

/** The paid-download terms of the reference page, ending with the 违规举报 link; shown before and at purchase. */
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
    </ol>
  );
}
