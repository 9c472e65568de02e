import { describe, expect, it } from 'vitest';
import { OrigamiCreate, Product, ProductCreate, ProductPatch } from './index.js';

describe('contracts', () => {
  const crane = {
    id: '1',
    name: 'Origami Crane',
    description: 'A crane.',
    image_url: '/static/images/origami/001-origami.png',
  };

  it('accepts the original catalogue product shape', () => {
    expect(Product.parse(crane)).toEqual(crane);
  });

  it('refuses unknown fields, operator keys and bad ids on writes', () => {
    expect(ProductCreate.safeParse({ ...crane, price: 3 }).success).toBe(false);
    expect(ProductCreate.safeParse({ ...crane, id: '../1' }).success).toBe(false);
    expect(ProductPatch.safeParse({ $set: { name: 'x' } }).success).toBe(false);
    expect(ProductCreate.safeParse({ ...crane, name: { $gt: '' } }).success).toBe(false);
    expect(ProductCreate.safeParse({ ...crane, image_url: 'javascript:alert(1)' }).success).toBe(false);
  });

  it('refuses control characters in text fields but tab and newlines', () => {
    for (const bad of ['Crane\u0000', 'a\u0007b', 'a\u001bb', 'a\u007fb', 'a\u0085b']) {
      expect(ProductCreate.safeParse({ ...crane, name: bad }).success, JSON.stringify(bad)).toBe(false);
      expect(ProductPatch.safeParse({ description: bad }).success, JSON.stringify(bad)).toBe(false);
      expect(OrigamiCreate.safeParse({ id: 'x', name: bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(ProductPatch.safeParse({ description: 'Fold.\r\n\tThen fold again.' }).success).toBe(true);
  });

  it('coerces no wrongly typed value', () => {
    expect(ProductCreate.safeParse({ ...crane, id: false }).success).toBe(false);
    expect(ProductCreate.safeParse({ ...crane, tags: [false] }).success).toBe(false);
    expect(ProductCreate.safeParse({ ...crane, description: 42 }).success).toBe(false);
    expect(OrigamiCreate.safeParse({ id: 'x', name: 'X', votes: null }).success).toBe(false);
  });
});
