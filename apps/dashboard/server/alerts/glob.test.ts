import { describe, expect, it } from 'vitest';
import { compileGlob, isGlob } from './glob';

describe('compileGlob', () => {
  it('matches exactly without wildcards', () => {
    const m = compileGlob('payment-service');
    expect(m('payment-service')).toBe(true);
    expect(m('payment-service-2')).toBe(false);
    expect(m('Payment-service')).toBe(false);
  });

  it('supports * and ?', () => {
    expect(compileGlob('payment-*')('payment-service')).toBe(true);
    expect(compileGlob('payment-*')('payment-')).toBe(true);
    expect(compileGlob('payment-*')('order-service')).toBe(false);
    expect(compileGlob('svc-?')('svc-1')).toBe(true);
    expect(compileGlob('svc-?')('svc-12')).toBe(false);
    expect(compileGlob('*')('anything')).toBe(true);
  });

  it('treats regex metacharacters literally', () => {
    expect(compileGlob('a.b*')('a.bc')).toBe(true);
    expect(compileGlob('a.b*')('axbc')).toBe(false);
    expect(compileGlob('(x)|y*')('(x)|yz')).toBe(true);
  });

  it('reports whether a pattern is a glob', () => {
    expect(isGlob('a*')).toBe(true);
    expect(isGlob('a')).toBe(false);
  });
});
