import { describe, expect, it, vi } from 'vitest';
import { BrokenCircuitError } from '../errors.js';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { instrument } from './instrument.js';
import { instrumentFunction } from './instrumentFunction.js';

class PaymentClient {
  #secret = 41;
  region = 'eu';
  calls = 0;
  async charge(amount: number): Promise<number> {
    this.calls++;
    return amount + this.#secret;
  }
  async refund(): Promise<string> {
    return this.helper();
  }
  helper(): string {
    return `refunded in ${this.region}`;
  }
}

describe('instrument', () => {
  it('wraps async methods, keeps this (private fields work) and leaves other properties alone', async () => {
    const client = new PaymentClient();
    const payments = instrument(client, { dependency: 'payment-service' });
    await expect(payments.charge(1)).resolves.toBe(42);
    expect(client.calls).toBe(1);
    expect(payments.region).toBe('eu');
    await expect(payments.refund()).resolves.toBe('refunded in eu');
    expect(payments.charge).toBe(payments.charge); // stable identity
  });

  it('wraps only the chosen methods', async () => {
    const payments = instrument(new PaymentClient(), { dependency: 'payment-service', methods: ['charge'] });
    expect(payments.helper()).toBe('refunded in eu'); // still synchronous
  });

  it('sends every call through the policy', async () => {
    const breaker = circuitBreaker({ name: 'client', dependency: 'payment-service' });
    breaker.isolate();
    const client = new PaymentClient();
    const charge = vi.spyOn(client, 'charge');
    const payments = instrument(client, { dependency: 'payment-service', policy: breaker });
    await expect(payments.charge(1)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(charge).not.toHaveBeenCalled();
  });

  it('turns a synchronous throw into a rejection', async () => {
    const payments = instrument(
      {
        broken(): string {
          throw new Error('sync');
        },
      },
      { dependency: 'x' },
    );
    await expect(payments.broken()).rejects.toThrow('sync');
  });

  it('validates options', () => {
    expect(() => instrument({}, { dependency: '' })).toThrow('instrument: dependency must be a non-empty string');
  });
});

describe('instrumentFunction', () => {
  it('wraps a function', async () => {
    const lookup = instrumentFunction(async (id: string) => `item ${id}`, { dependency: 'inventory' });
    await expect(lookup('7')).resolves.toBe('item 7');
  });
});
