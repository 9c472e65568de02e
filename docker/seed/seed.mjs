// Loads the extra demo origami in /seed/products/<id>.json into the catalogue, idempotently: each is created with
// POST, or replaced with PUT when it already exists. Needs CATALOGUE_URL and CATALOGUE_ADMIN_TOKEN. Runs on the
// Node image the apps use, so it needs nothing fetched at run time.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

const dir = '/seed/products';
const base = process.env.CATALOGUE_URL;
const headers = {
  authorization: `Bearer ${process.env.CATALOGUE_ADMIN_TOKEN}`,
  'content-type': 'application/json',
};
let loaded = 0;
for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
  const id = path.basename(file, '.json');
  const product = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
  let res = await fetch(`${base}/api/products`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id, ...product }),
  });
  if (res.status === 409) {
    res = await fetch(`${base}/api/products/${id}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(product),
    });
  }
  if (!res.ok) {
    console.error(`seed: product ${id} answered HTTP ${res.status}: ${await res.text()}`);
    process.exit(1);
  }
  loaded++;
}
console.log(`seed: ${loaded} demo products loaded into ${base}`);
