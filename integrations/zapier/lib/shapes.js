'use strict';

// The objects several steps share, each as a sample (obviously made-up values: Zapier shows them
// when no real item is at hand) and as output field labels. A nested field's key is its path,
// `client__name`, and a field of the objects in a list `services[]platform` (Zapier's notation).

const prefixed = (prefix, fields) => fields.map((field) => ({ ...field, key: prefix + field.key }));

// A client as /api/clients/retrieve and /api/clients/find return it.
const CLIENT = {
  id: 'Cl4Jd8Ks2Pq7Xm5Nb3Vt',
  name: 'Jane Doe',
  email: 'jane@example.com',
  company: "Jane's Bakery",
  website: 'https://janesbakery.example',
  language: 'English',
  type: 'Client',
  created: 1718195774391,
  metadata: { crm_id: '4711' },
};

// The fields both shapes of a client have.
const CLIENT_COMMON_FIELDS = [
  { key: 'id', label: 'Client ID' },
  { key: 'name', label: 'Client Name' },
  { key: 'email', label: 'Client Email' },
  { key: 'company', label: 'Client Company' },
  { key: 'website', label: 'Client Website' },
  { key: 'type', label: 'Client Type (Client or Prospect)' },
  { key: 'created', label: 'Client Created (epoch milliseconds)', type: 'integer' },
];

const CLIENT_FIELDS = [...CLIENT_COMMON_FIELDS, { key: 'language', label: 'Client Language' }];

// A client as the events about a link carry it: AgencyAccess's Zapier shape, with the intake
// form's answers under `intakeForm`, one field per question key.
const LINK_CLIENT = {
  owner: 'Ag7Tq2LmN8pXc4Rb9Vw1',
  website: 'janesbakery.example',
  created: 1718195774391,
  name: 'Jane Doe',
  company: "Jane's Bakery",
  type: 'Client',
  email: 'jane@example.com',
  usingFavicon: true,
  pfp: 'https://janesbakery.example/favicon.ico',
  intakeForm: { monthly_budget: '5000', main_goal: 'More online orders' },
  id: 'Cl4Jd8Ks2Pq7Xm5Nb3Vt',
};

const LINK_CLIENT_FIELDS = [
  ...CLIENT_COMMON_FIELDS,
  { key: 'owner', label: 'Agency ID' },
  { key: 'pfp', label: 'Client Picture URL' },
  { key: 'usingFavicon', label: 'Client Picture Is the Website Favicon', type: 'boolean' },
];

// One account the client shared, in the state AgencyAccess last saw.
const ASSET = {
  id: 'As9Hf3Lk7Qw2Zx6Cv1Bn',
  native_id: '123-456-7890',
  name: "Jane's Bakery Ads",
  platform: 'Google',
  service: 'Google Ads',
  type_label: 'Google Ads Account',
  state: 'active',
  role: 'STANDARD',
  access_level: 'STANDARD',
  connected_account: { id: 'Ca2Mn5Bv8Cx1Zl4Kj7Hg', name: 'ads@youragency.example' },
  notes: '',
  link_to_asset: 'https://ads.google.com/aw/overview?ocid=1234567890',
  granted_at: 1718196001234,
  last_verified_at: 1718196001234,
};

const ASSET_FIELDS = [
  { key: 'id', label: 'Asset ID' },
  { key: 'native_id', label: 'Asset ID on the Platform' },
  { key: 'name', label: 'Asset Name' },
  { key: 'platform', label: 'Asset Platform' },
  { key: 'service', label: 'Asset Service' },
  { key: 'type_label', label: 'Asset Type' },
  { key: 'state', label: 'Asset State' },
  { key: 'access_level', label: 'Asset Access Level' },
  { key: 'link_to_asset', label: 'Asset URL' },
];

module.exports = {
  prefixed,
  CLIENT,
  CLIENT_FIELDS,
  LINK_CLIENT,
  LINK_CLIENT_FIELDS,
  ASSET,
  ASSET_FIELDS,
};
