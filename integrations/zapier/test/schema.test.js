'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { compileApp, validateApp } = require('zapier-platform-core/src/tools/schema');

const { App } = require('./tester');

// The check `zapier-platform validate` makes locally, without the call to Zapier's style checks.
test('the app is valid for the Zapier platform', () => {
  assert.deepEqual(validateApp(compileApp(App)), []);
});

const operations = [
  ...Object.values(App.triggers),
  ...Object.values(App.creates),
  ...Object.values(App.searches),
];

// An output field's key is a path into the item: `a__b` for item.a.b, `a[]b` for item.a[0].b.
const valueAt = (item, key) =>
  key
    .split(/(__|\[\])/)
    .reduce(
      (value, part) => (part === '[]' ? value[0] : part === '__' ? value : value?.[part]),
      item,
    );

for (const { key, operation } of operations) {
  test(`every output field of ${key} names a field of its sample`, () => {
    const missing = operation.outputFields
      .map((field) => field.key)
      .filter((path) => valueAt(operation.sample, path) === undefined);
    assert.deepEqual(missing, []);
  });
}

for (const [key, { operation }] of Object.entries(App.triggers)) {
  test(`${key} deduplicates on the event id`, () => {
    const primary = operation.outputFields.filter((field) => field.primary);
    assert.deepEqual(
      primary.map((field) => field.key),
      ['event_id'],
    );
    assert.match(operation.sample.event_id, /^[A-Za-z0-9]{20}$/);
  });
}

test('the samples use ids of the shape AgencyAccess gives (20 letters and digits)', () => {
  const ids = operations.flatMap(({ operation }) =>
    JSON.stringify(operation.sample).match(/"(id|link_id|clientID|owner|event_id)":"[^"]*"/g),
  );
  const wrong = ids.filter((pair) => !/:"[A-Za-z0-9]{20}"$/.test(pair));
  assert.deepEqual(wrong, []);
});
