'use strict';

const { hookTrigger } = require('./hook');
const { prefixed, LINK_CLIENT, LINK_CLIENT_FIELDS } = require('../lib/shapes');

module.exports = hookTrigger({
  key: 'intake_completed',
  noun: 'Intake Form',
  label: 'Intake Form Completed',
  description:
    "Triggers when a client submits a link's intake form. Each answer is a field of its own, named by the question's key.",
  sample: {
    link_id: 'ccXFZzXwyB35IXNFMW6N',
    client: LINK_CLIENT,
    answers: LINK_CLIENT.intakeForm,
    event_id: 'Ev8Hj2Kl5Zx9Cv3Bn6Mq',
    event_type: 'intake.completed',
  },
  outputFields: [{ key: 'link_id', label: 'Link ID' }, ...prefixed('client__', LINK_CLIENT_FIELDS)],
});
