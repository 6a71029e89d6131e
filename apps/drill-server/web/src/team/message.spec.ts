import { describe, expect, it } from '@jest/globals';
import { messageHeaders, splitMessageHeaders } from './message.js';

const BODY = [
  '**To:** MY national CERT — incident hotline',
  '**Subject:** URGENT — ransomware at Seri Permata Healthcare Group',
  '',
  'At 06:40 local time our service desk received calls.',
  'To: this line is text, not a header',
].join('\n');

describe('an inject as a message', () => {
  it('lifts the address lines at the top of the body out of it', () => {
    expect(splitMessageHeaders(BODY)).toEqual({
      headers: [
        { name: 'To', value: 'MY national CERT — incident hotline' },
        { name: 'Subject', value: 'URGENT — ransomware at Seri Permata Healthcare Group' },
      ],
      rest: 'At 06:40 local time our service desk received calls.\nTo: this line is text, not a header',
    });
    expect(splitMessageHeaders('\n**To**: SG CERT\nCc: drill control\nBody.').headers).toEqual([
      { name: 'To', value: 'SG CERT' },
      { name: 'Cc', value: 'drill control' },
    ]);
  });

  it('leaves a body that does not start with one whole', () => {
    const body = 'Files are encrypted.\n\n**To:** nobody';
    expect(splitMessageHeaders(body)).toEqual({ headers: [], rest: body });
    expect(splitMessageHeaders('**Drill tasks:** report').headers).toEqual([]);
  });

  it('puts the sender persona first, in e-mail order', () => {
    expect(messageHeaders('Seri Permata Healthcare Group — IT Security (simulated)', BODY).map((m) => m.name)).toEqual([
      'From',
      'To',
      'Subject',
    ]);
    expect(messageHeaders(null, 'Plain body.')).toEqual([]);
    expect(messageHeaders('ACID Drill Control', 'Plain body.')).toEqual([
      { name: 'From', value: 'ACID Drill Control' },
    ]);
  });
});
