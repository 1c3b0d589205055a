// Issue #9, defect 5: the advertised platform share was floored (3 文币 at 30 % gave the platform 0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { platformShare } from './purchases.ts';

/** Half-up rounding of price × percent / 100, decided on exact rationals (BigInt), independently of the code. */
function expectedShare(price: number, percent: number): number {
  const num = BigInt(price) * BigInt(percent);
  const whole = num / 100n;
  const rest = num % 100n;
  return Number(rest * 2n >= 100n ? whole + 1n : whole);
}

test('the platform share is rounded half up for every price from 1 to 1000, at every percent', () => {
  let checked = 0;
  for (let percent = 0; percent <= 100; percent++) {
    for (let price = 1; price <= 1000; price++) {
      const share = platformShare(price, percent);
      assert.equal(share, expectedShare(price, percent), `price ${price} at ${percent}%`);
      assert.ok(Number.isSafeInteger(share) && share >= 0 && share <= price, `price ${price} at ${percent}%`);
      checked++;
    }
  }
  assert.equal(checked, 101 * 1000);
});

test('the cases of the report: 3 at 30 % gives the platform 1 (0.9), 5 gives 2 (1.5), 1 gives 0 (0.3)', () => {
  assert.equal(platformShare(3, 30), 1);
  assert.equal(platformShare(5, 30), 2);
  assert.equal(platformShare(1, 30), 0);
  assert.equal(platformShare(10, 30), 3);
  assert.equal(platformShare(100, 30), 30);
});
