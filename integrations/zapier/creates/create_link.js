'use strict';

const { createAndRetrieve, IDEMPOTENCY_KEY_FIELD } = require('../lib/api');
const { requestBody, jsonObject } = require('../lib/inputs');

// The fields of POST /api/links/create, under the API's names. requestedAccounts is a nested
// object (platform -> service -> settings and receiving accounts) that Zapier's flat fields
// cannot express, so it is JSON text: the dashboard writes it, the user pastes it once.
const REQUESTED_ACCOUNTS = {
  key: 'requestedAccounts',
  label: 'Requested Accounts (JSON)',
  required: true,
  type: 'text',
  helpText:
    'What the link asks the client for: the `requestedAccounts` JSON of the AgencyAccess API, e.g. `{"Google": {"Google Ads": {"accessLevel": "STANDARD", "requestedAccountLinks": [{"internalAccountID": "<your connected account ID>"}]}}}`. In AgencyAccess, Links → New link builds it for you and shows it beside the form: copy the value of `requestedAccounts`. `{}` asks for the intake form only.',
};

const BODY_FIELDS = [
  {
    key: 'clientID',
    label: 'Client ID',
    required: true,
    search: 'find_client.id',
    helpText: 'The client to send the link to: map the ID from "Create Client" or "Find Client".',
  },
  {
    key: 'intakeForm',
    label: 'Include the Intake Form',
    required: false,
    type: 'boolean',
    helpText: "Ask the client your agency's intake form questions too.",
  },
  {
    key: 'sendEmail',
    label: 'Email the Link to the Client',
    required: false,
    type: 'boolean',
  },
  {
    key: 'thankYouMessage',
    label: 'Thank-You Message',
    required: false,
    type: 'text',
    helpText: 'Shown to the client when they are done.',
  },
  {
    key: 'redirect',
    label: 'Redirect When Done',
    required: false,
    helpText: 'A web address to send the client to when they are done, e.g. youragency.com/thanks',
  },
  {
    key: 'retainTokens',
    label: 'Retain Tokens',
    required: false,
    type: 'boolean',
    helpText:
      'Keep the access tokens the client grants for 30 days: they come with the "Access Granted" trigger and are shown in the dashboard.',
  },
];

// The step returns the link with its `url`, the address to send the client.
const perform = (z, bundle) =>
  createAndRetrieve(z, bundle, 'links', {
    ...requestBody(z, BODY_FIELDS, bundle.inputData),
    requestedAccounts: jsonObject(z, REQUESTED_ACCOUNTS, bundle.inputData.requestedAccounts),
  });

module.exports = {
  key: 'create_link',
  noun: 'Link',
  display: {
    label: 'Create Link',
    description:
      'Creates an access link for a client: the one link they open to grant your agency access.',
  },
  operation: {
    inputFields: [
      BODY_FIELDS[0],
      REQUESTED_ACCOUNTS,
      ...BODY_FIELDS.slice(1),
      IDEMPOTENCY_KEY_FIELD,
    ],
    perform,
    sample: {
      id: 'ccXFZzXwyB35IXNFMW6N',
      url: 'https://access.youragency.example/l/ccXFZzXwyB35IXNFMW6N/',
      cc: [],
      clientID: 'Cl4Jd8Ks2Pq7Xm5Nb3Vt',
      created: 1718195774391,
      lastReminderTimestamp: 1718195774391,
      requestedAccounts: {
        Google: {
          'Google Ads': {
            accessLevel: 'STANDARD',
            requested: true,
            granted: false,
            skipped: false,
            requestedAccountLinks: [{ internalAccountID: 'Ca2Mn5Bv8Cx1Zl4Kj7Hg' }],
          },
        },
      },
      intakeForm: { requested: true, complete: false },
      redirect: 'youragency.example/thanks',
      staticLinkRef: '',
      thankYouMessage: 'Thank you for granting access',
      retainTokens: false,
    },
    outputFields: [
      { key: 'id', label: 'Link ID' },
      { key: 'url', label: 'Link URL (send this to the client)' },
      { key: 'clientID', label: 'Client ID' },
      { key: 'created', label: 'Created (epoch milliseconds)', type: 'integer' },
      { key: 'intakeForm__requested', label: 'Intake Form Requested', type: 'boolean' },
      { key: 'redirect', label: 'Redirect When Done' },
      { key: 'thankYouMessage', label: 'Thank-You Message' },
      { key: 'retainTokens', label: 'Retain Tokens', type: 'boolean' },
    ],
  },
};
