import { describe, expect, it } from 'vitest';
import { Product, ProductCreate, ProductPatch } from './index.js';

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
});
