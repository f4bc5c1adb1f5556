/**
 * The slice of the Prisma client a lease needs (`Lease` model); both the
 * SQLite and the PostgreSQL clients provide it.
 */
export interface LeaseTable {
  lease: {
    updateMany(args: {
      where: { name: string; holder?: string; expiresAtMs?: { lt: bigint } };
      data: { holder?: string; expiresAtMs: bigint; acquiredAtMs?: bigint };
    }): Promise<{ count: number }>;
    create(args: {
      data: { name: string; holder: string; expiresAtMs: bigint; acquiredAtMs: bigint };
    }): Promise<unknown>;
    deleteMany(args: { where: { name: string; holder: string } }): Promise<{ count: number }>;
    findUnique(args: { where: { name: string } }): Promise<{ holder: string; expiresAtMs: bigint } | null>;
  };
}

/**
 * A named, time-limited claim in the shared database: at most one holder at a
 * time, renewed by its holder, taken over by anyone once it has expired. Each
 * step is one conditional UPDATE (or an INSERT on a unique key), atomic in
 * SQLite and PostgreSQL alike, so no advisory-lock dialect is needed.
 * Expiry compares wall clocks: instances must share a synchronised clock
 * (NTP), as with Kubernetes leases.
 */
export class Lease {
  constructor(
    private readonly db: LeaseTable,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
  ) {}

  /** Renew if held, take over if expired or absent. True when this holder has it until now + ttl. */
  async tryAcquire(nowMs: number): Promise<boolean> {
    const expiresAtMs = BigInt(nowMs + this.ttlMs);
    const renewed = await this.db.lease.updateMany({
      where: { name: this.name, holder: this.holder },
      data: { expiresAtMs },
    });
    if (renewed.count > 0) return true;
    const taken = await this.db.lease.updateMany({
      where: { name: this.name, expiresAtMs: { lt: BigInt(nowMs) } },
      data: { holder: this.holder, expiresAtMs, acquiredAtMs: BigInt(nowMs) },
    });
    if (taken.count > 0) return true;
    if (await this.db.lease.findUnique({ where: { name: this.name } })) return false;
    try {
      await this.db.lease.create({
        data: { name: this.name, holder: this.holder, expiresAtMs, acquiredAtMs: BigInt(nowMs) },
      });
      return true;
    } catch (err) {
      // Another instance created it between our read and our insert.
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Give it up at once (clean shutdown), so a peer need not wait for expiry. */
  async release(): Promise<void> {
    await this.db.lease.deleteMany({ where: { name: this.name, holder: this.holder } });
  }

  async currentHolder(nowMs: number): Promise<string | null> {
    const row = await this.db.lease.findUnique({ where: { name: this.name } });
    return row && Number(row.expiresAtMs) >= nowMs ? row.holder : null;
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
