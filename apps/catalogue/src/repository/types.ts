import type { Product } from '@craftista/contracts';

export interface ListQuery {
  limit: number;
  offset: number;
  tag?: string;
  /** Case-insensitive substring of the name, matched literally. */
  q?: string;
}

export interface Page {
  items: Product[];
  total: number;
}

export type ProductFields = Omit<Product, 'id'>;

/** Thrown by `create` when the id is taken. */
export class DuplicateIdError extends Error {
  constructor(readonly id: string) {
    super(`A product with id "${id}" already exists`);
    this.name = 'DuplicateIdError';
  }
}

/**
 * Where products live. Two implementations (MongoDB and in-memory) pass the same contract tests
 * (test/repository.contract.ts). Every read is sorted by a numeric-aware id order ("2" before "10"),
 * ties broken by the raw id, so paging is stable. An unreachable store throws StoreUnavailableError.
 */
export interface ProductRepository {
  readonly kind: 'mongodb' | 'memory';
  /** Creates indexes, then inserts `seed` if the store holds no product. Safe to run on several replicas at once. */
  init(seed: Product[]): Promise<{ inserted: number }>;
  all(): Promise<Product[]>;
  list(query: ListQuery): Promise<Page>;
  get(id: string): Promise<Product | undefined>;
  create(product: Product): Promise<Product>;
  /** Replaces every field but the id; undefined when there is no such product. */
  replace(id: string, fields: ProductFields): Promise<Product | undefined>;
  /** Sets the given fields; undefined when there is no such product. */
  patch(id: string, fields: Partial<ProductFields>): Promise<Product | undefined>;
  delete(id: string): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A string whose plain (code-unit / BSON binary) order is the numeric-aware order of ids: each run of digits
 * becomes its length (two digits) followed by the digits without leading zeros, so "9" < "10" < "100".
 * MongoDB collations would do this, but DocumentDB and FerretDB do not support them.
 */
export function sortKey(id: string): string {
  return id.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+(?=\d)/, '');
    return String(digits.length).padStart(2, '0') + digits;
  });
}

export const compareIds = (a: string, b: string): number => {
  const ka = sortKey(a);
  const kb = sortKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/** User text as a literal regular expression (never a pattern of the user's). */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
