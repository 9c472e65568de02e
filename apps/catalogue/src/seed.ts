import { readFileSync } from 'node:fs';
import { ProductList, type Product } from '@craftista/contracts';

const read = (file: string): Product[] =>
  ProductList.parse(JSON.parse(readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8')));

/** The original Craftista catalogue, verbatim (ids "1".."5"). */
const originalProducts = (): Product[] => read('products.json');

/** What an empty store is seeded with: the original five, then the rest of the origami showcase. */
export const seedProducts = (): Product[] => [...originalProducts(), ...read('showcase.json')];
