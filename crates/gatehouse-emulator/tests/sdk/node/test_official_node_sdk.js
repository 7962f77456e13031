// Meta's Node Business SDK (facebook-nodejs-business-sdk), unmodified, against the emulator binary
// (GATEHOUSE_EMULATOR_BIN, default $CARGO_TARGET_DIR/debug/gatehouse-emulator): the system-user
// scenario end to end, plus cursor paging. Exit code 0 on success.
'use strict';
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const readline = require('node:readline');
const { FacebookAdsApi, Business, AdAccount, Page, User } = require('facebook-nodejs-business-sdk');

const target = process.env.CARGO_TARGET_DIR || path.resolve(__dirname, '../../../../../target');
const bin = process.env.GATEHOUSE_EMULATOR_BIN || path.join(target, 'debug', 'gatehouse-emulator');
const child = spawn(bin, ['--fixture', 'demo', '--port', '0', '--seed', '11'], { stdio: ['ignore', 'pipe', 'inherit'] });

async function scenario(m) {
  // The SDK builds every URL from this static getter.
  Object.defineProperty(FacebookAdsApi, 'GRAPH', { get: () => m.url });
  const biz = m.businesses[0];
  const app = biz.apps[0];
  const api = FacebookAdsApi.init(biz.admin_token);
  const proof = crypto.createHmac('sha256', app.secret).update(biz.admin_token).digest('hex');

  const su = await new Business(biz.id).createSystemUser([], { name: 'Node SU', role: 'EMPLOYEE' });
  assert.match(su.id, /^\d+$/);
  const [account] = await new Business(biz.id).getOwnedAdAccounts(['id', 'account_id'], { limit: 1 });
  const [page] = await new Business(biz.id).getOwnedPages(['id'], { limit: 1 });
  await new AdAccount(account.id).createAssignedUser([], {
    user: su.id, tasks: ['MANAGE', 'ADVERTISE', 'ANALYZE'], business: biz.id,
  });
  await new Page(page.id).createAssignedUser([], { user: su.id, tasks: ['ANALYZE'] });
  await new User(su.id).createApplication([], { business_app: app.id });
  const tok = await new User(su.id).createAccessToken([], {
    business_app: app.id,
    scope: ['ads_management', 'pages_show_list'],
    set_token_expires_in_60_days: true,
    appsecret_proof: proof,
  });
  const token = tok._data.access_token;
  assert.match(token, /^EAA/);
  const dbg = (await api.call('GET', ['debug_token'], { input_token: token })).data;
  assert.equal(dbg.type, 'SYSTEM_USER');
  assert.equal(dbg.user_id, su.id);
  assert.equal(dbg.expires_at - dbg.issued_at, 60 * 24 * 3600);
  const targets = Object.fromEntries(dbg.granular_scopes.map((g) => [g.scope, g.target_ids]));
  assert.deepEqual(targets.ads_management, [account.account_id]);
  assert.deepEqual(targets.pages_show_list, [page.id]);

  let cursor = await new Business(biz.id).getOwnedAdAccounts(['id'], { limit: 500 });
  const ids = new Set(cursor.map((a) => a.id));
  while (cursor.hasNext()) {
    cursor = await cursor.next();
    cursor.forEach((a) => ids.add(a.id));
  }
  assert.equal(ids.size, 2000);
}

readline.createInterface({ input: child.stdout }).once('line', async (line) => {
  try {
    await scenario(JSON.parse(line));
    console.log('node SDK scenario: ok');
  } catch (e) {
    console.error('node SDK scenario FAILED:', e.message || e);
    process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
});
child.on('exit', (code, signal) => {
  if (code !== 0 && signal !== 'SIGTERM') {
    console.error(`emulator exited with ${code ?? signal}`);
    process.exitCode = 1;
  }
});
