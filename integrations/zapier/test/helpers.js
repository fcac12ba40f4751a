'use strict';

// What the unit tests share: the app under Zapier's own tester, and the AgencyAccess API faked
// with nock. No request leaves the process: one that nock does not expect fails the test.

const assert = require('node:assert/strict');
const { afterEach } = require('node:test');
const nock = require('nock');

const { App, appTester } = require('./tester');

nock.disableNetConnect();

const BASE_URL = 'https://access.agency.test';
const API_KEY = `aak_abcdefghijkl_${'s'.repeat(40)}`;

const bundle = (extra = {}) => ({ authData: { baseUrl: BASE_URL, apiKey: API_KEY }, ...extra });

// The API, expecting the key on every request (and, with badheaders, the absence of others).
const api = (options = {}) => nock(BASE_URL, options).matchHeader('X-Auth', API_KEY);
const ok = (data) => ({ error: false, data });
const failure = (msg) => ({ error: true, msg });

// Asserts that `promise` fails with a z.errors.Error of this code (and status and message, when
// given); such an error carries {message, code, status} as JSON in its message.
const rejectsWith = (promise, expected) =>
  assert.rejects(promise, (error) => {
    assert.equal(error.name, 'AppError', error.message);
    const { message, code, status } = JSON.parse(error.message);
    assert.deepEqual(
      { code, ...('status' in expected && { status }), ...('message' in expected && { message }) },
      expected,
    );
    return true;
  });

// Every test uses all it set up, and leaves nothing for the next one.
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  assert.deepEqual(pending, [], 'requests the test expected but the app did not make');
});

module.exports = { App, appTester, bundle, api, ok, failure, rejectsWith, BASE_URL, API_KEY };
