'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { App, appTester, bundle, api, ok, failure, rejectsWith, BASE_URL } = require('./helpers');

const ME = {
  agency: { id: 'Ag7Tq2LmN8pXc4Rb9Vw1', name: 'Alice & Co' },
  key: { name: 'Zapier', capabilities: ['links:create', 'clients:create'] },
};

test('the test reads /api/me with the key', async () => {
  api().get('/api/me').reply(200, ok(ME));

  assert.deepEqual(await appTester(App.authentication.test, bundle()), ME);
});

test("the connection is labelled with the agency's name", async () => {
  const label = await appTester(App.authentication.connectionLabel, bundle({ inputData: ME }));

  assert.equal(label, 'Alice & Co');
});

test("a refused key is an AuthenticationError with the server's message", async () => {
  api().get('/api/me').reply(401, failure('Invalid API key'));

  await rejectsWith(appTester(App.authentication.test, bundle()), {
    code: 'AuthenticationError',
    status: 401,
    message: 'Invalid API key',
  });
});

test('a slash at the end of the address is ignored', async () => {
  api().get('/api/me').reply(200, ok(ME));
  const withSlash = bundle({ authData: { ...bundle().authData, baseUrl: `${BASE_URL}//` } });

  assert.deepEqual(await appTester(App.authentication.test, withSlash), ME);
});

test('an address without its scheme is refused before any request', async () => {
  const noScheme = bundle({ authData: { ...bundle().authData, baseUrl: 'access.agency.test' } });

  await rejectsWith(appTester(App.authentication.test, noScheme), {
    code: 'InvalidAddress',
    message:
      'The AgencyAccess address must start with https:// (or http://), e.g. https://access.youragency.com; got "access.agency.test".',
  });
});

test('an address that is not AgencyAccess is named in the error', async () => {
  api().get('/api/me').reply(200, '<html>Welcome to our blog</html>', {
    'Content-Type': 'text/html',
  });

  await rejectsWith(appTester(App.authentication.test, bundle()), {
    code: 'NotAgencyAccess',
    status: 200,
    message:
      'access.agency.test did not answer as an AgencyAccess server would (HTTP 200): check the AgencyAccess address of this connection.',
  });
});
