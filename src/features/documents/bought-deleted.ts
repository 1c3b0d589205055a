import { AppError } from '../../errors.ts';

/**
 * /d/:id of a document its uploader deleted, asked by a reader who bought it: still 410 (the page is gone for
 * everyone), but the page says their copy is still theirs and links to its download (which startDownload allows).
 */
export class BoughtButDeletedError extends AppError {
  constructor(
    readonly documentId: number,
    readonly fileName: string,
  ) {
    super(410, 'gone', 'document.goneBought');
    this.name = 'BoughtButDeletedError';
  }
}
