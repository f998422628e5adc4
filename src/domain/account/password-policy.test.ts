import { describe, expect, it } from 'vitest';
import { DomainError } from '../decider.ts';
import { checkNewPassword } from './password-policy.ts';

const refusal = (password: unknown, username = 'ayla') => {
  try {
    checkNewPassword(password, username);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
};

describe('new password policy', () => {
  it('accepts an ordinary passphrase, multi-byte characters included', () => {
    expect(refusal('correct horse')).toBeUndefined();
    expect(refusal('ключ-от-замка')).toBeUndefined();
  });
  it('counts the minimum in characters and the maximum in UTF-8 bytes', () => {
    expect(refusal('😀😀😀😀😀😀😀')).toBe('invalid_password'); // 7 characters, 14 UTF-16 units
    expect(refusal('😀🙂'.repeat(64))).toBeUndefined(); // 512 bytes
    expect(refusal(`${'😀🙂'.repeat(64)}😀`)).toBe('invalid_password'); // 516 bytes, 129 characters
    expect(refusal('éè'.repeat(128))).toBeUndefined(); // 512 bytes
    expect(refusal(`${'éè'.repeat(128)}é`)).toBe('invalid_password'); // 514 bytes, 257 characters
    expect(refusal(12345678)).toBe('invalid_password');
  });
  it('refuses blank, repeated, common passwords and the username', () => {
    expect(refusal('        ')).toBe('weak_password');
    expect(refusal(' \t\u00a0 \n  \u2003 ')).toBe('weak_password');
    expect(refusal('aaaaaaaaaa')).toBe('weak_password');
    expect(refusal('Password1')).toBe('weak_password');
    expect(refusal('12345678')).toBe('weak_password');
    expect(refusal('Fenwick-Tuesday', 'fenwick-tuesday')).toBe('weak_password');
  });
});
