'use strict';

const { createAndRetrieve, IDEMPOTENCY_KEY_FIELD } = require('../lib/api');
const { requestBody } = require('../lib/inputs');
const { CLIENT, CLIENT_FIELDS } = require('../lib/shapes');

// The fields of POST /api/clients/create, under the API's names.
const BODY_FIELDS = [
  { key: 'name', label: 'Name', required: true, helpText: "The client's full name." },
  { key: 'email', label: 'Email', required: true, helpText: 'Where the client gets their links.' },
  { key: 'company', label: 'Company', required: false },
  { key: 'website', label: 'Website', required: false, helpText: 'e.g. https://janesbakery.com' },
  {
    key: 'language',
    label: 'Language',
    required: true,
    choices: ['English', 'Spanish', 'Dutch', 'German', 'French', 'Portuguese', 'Italian', 'Polish'],
    default: 'English',
    helpText: 'The language of the pages and e-mails the client sees.',
  },
  {
    key: 'type',
    label: 'Type',
    required: false,
    choices: ['Client', 'Prospect'],
    helpText:
      'Client (the default) or Prospect: a prospect is only ever asked for read-only access.',
  },
  {
    key: 'metadata',
    label: 'Metadata',
    required: false,
    dict: true,
    helpText: 'Your own key-value pairs, kept with the client (text values), e.g. your CRM id.',
  },
];

const perform = (z, bundle) =>
  createAndRetrieve(z, bundle, 'clients', requestBody(z, BODY_FIELDS, bundle.inputData));

module.exports = {
  key: 'create_client',
  noun: 'Client',
  display: {
    label: 'Create Client',
    description: 'Creates a client in AgencyAccess, ready to be sent a link.',
  },
  operation: {
    inputFields: [...BODY_FIELDS, IDEMPOTENCY_KEY_FIELD],
    perform,
    sample: CLIENT,
    outputFields: CLIENT_FIELDS,
  },
};
