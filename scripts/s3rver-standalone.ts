// A stand-in S3 bucket for scripts/deploy-walk.sh: s3rver (the tests' helper) until SIGTERM; prints its STORAGE_URL.
import { startS3rver } from '../src/testing/s3rver.ts';

const s3 = await startS3rver({ prefix: 'site' });
console.log(s3.url);
process.on('SIGTERM', () => void s3.close().then(() => process.exit(0)));
