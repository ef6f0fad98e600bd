import { describe, expect, it } from 'vitest';
import { channelsFromEnv, parseMailFrom } from './channelSetup.js';

describe('channelsFromEnv', () => {
  it('configures nothing without variables: every message is held (embedded mode)', () => {
    const setup = channelsFromEnv({});
    expect(setup.senders).toEqual({});
    expect(setup.baseUrl).toBe('http://localhost:8080');
    expect(setup.description.join('\n')).toContain('email: not configured');
  });

  it('builds the SMTP and SMS senders and never prints a password or token', () => {
    const setup = channelsFromEnv({
      MEZAME_SMTP_URL: 'smtp://news%40example.jp:s3cret@mail.example.jp:2525',
      MEZAME_MAIL_FROM: '株式会社めざめ商事 <news@example.jp>',
      MEZAME_SMS_URL: 'https://sms.example.com/v1/messages',
      MEZAME_SMS_ACCOUNT: 'AC123',
      MEZAME_SMS_TOKEN: 'tok-456',
      MEZAME_SMS_FROM: 'MEZAME',
      MEZAME_SENDER_ADDRESS: '東京都千代田区1-1-1',
      MEZAME_BASE_URL: 'https://mezame.example.jp/',
    });
    expect(Object.keys(setup.senders).sort()).toEqual(['email', 'sms']);
    expect(setup.sender).toEqual({
      name: '株式会社めざめ商事',
      address: '東京都千代田区1-1-1',
      contactEmail: 'news@example.jp',
    });
    expect(setup.baseUrl).toBe('https://mezame.example.jp');
    const printed = setup.description.join('\n');
    expect(printed).toContain('mail.example.jp:2525');
    expect(printed).not.toContain('s3cret');
    expect(printed).not.toContain('tok-456');
  });

  it('names the variable that is wrong', () => {
    expect(() => channelsFromEnv({ MEZAME_SMTP_URL: 'http://mail.example.jp' })).toThrow(/MEZAME_SMTP_URL/);
    expect(() => channelsFromEnv({ MEZAME_SMTP_URL: 'smtp://mail.example.jp:25' })).toThrow(
      /MEZAME_MAIL_FROM/,
    );
    expect(() => channelsFromEnv({ MEZAME_MAIL_FROM: 'not an address' })).toThrow(/MEZAME_MAIL_FROM/);
    expect(() => channelsFromEnv({ MEZAME_SMS_URL: 'https://sms.example.com' })).toThrow(
      /MEZAME_SMS_ACCOUNT, MEZAME_SMS_TOKEN, MEZAME_SMS_FROM/,
    );
    expect(() => channelsFromEnv({ MEZAME_BASE_URL: 'mezame.example.jp' })).toThrow(/MEZAME_BASE_URL/);
  });

  it('reads a From with or without a display name', () => {
    expect(parseMailFrom('"Mezame News" <news@example.jp>')).toEqual({
      name: 'Mezame News',
      address: 'news@example.jp',
    });
    expect(parseMailFrom('news@example.jp')).toEqual({ name: '', address: 'news@example.jp' });
    expect(parseMailFrom('news at example')).toBeNull();
  });
});
