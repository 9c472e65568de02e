import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from '@craftista/contracts';
import type { FastifyInstance } from 'fastify';
import { HTML_SECURITY_HEADERS } from './security-headers.js';
import { systemInfo, type SystemInfo } from './system-info.js';

export interface InfoPage {
  /** `<title>` */
  title: string;
  /** The welcome heading, e.g. "Welcome to the Craftista Products API". */
  heading: string;
  paragraphs: string[];
  links: { href: string; label: string }[];
  version: string;
  /** The service's logo file and the URL it is served at. */
  logo: { file: string; url: string };
}

export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

/** The backends' landing page: welcome, API links, version circle and system information. */
export function renderInfoPage(page: InfoPage, info: SystemInfo = systemInfo()): string {
  const links = page.links
    .map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
body{margin:0;font-family:system-ui,Arial,sans-serif;background:#f4f7f4;color:#222}
header,footer{background:#2e7d32;color:#fff;padding:12px 24px}
header{display:flex;align-items:center;gap:16px}header img{height:64px;border-radius:6px}
main{display:flex;flex-wrap:wrap;gap:24px;padding:24px}section{flex:2 1 320px}aside{flex:1 1 240px;background:#fff;padding:16px;border-radius:8px}
.version-circle{width:100px;height:100px;border-radius:50%;background:#2e7d32;color:#fff;display:flex;align-items:center;justify-content:center;font-size:1.4em;font-weight:bold}
a{color:#1b5e20}footer p{margin:4px 0}
</style>
</head>
<body>
<header><img src="${escapeHtml(page.logo.url)}" alt="Craftista logo"><h1>${escapeHtml(page.heading)}</h1></header>
<main>
<section>
${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p>You can access the following API endpoints:</p>
<ul>${links}</ul>
</section>
<aside>
<h2>App Version</h2>
<div class="version-circle">${escapeHtml(page.version)}</div>
<h2>System Information</h2>
<p>Hostname: ${escapeHtml(info.hostname)}</p>
<p>IP Address: ${escapeHtml(info.ipAddress)}</p>
<p>Running in Container: ${yesNo(info.isContainer)}</p>
<p>Running on Kubernetes: ${yesNo(info.isKubernetes)}</p>
</aside>
</main>
<footer>
<p>Sample App created by School of Devops for DevOps Workshops.</p>
<p>&copy; ${new Date().getUTCFullYear()} Initcron Systems Private Limited. Apache-2.0.</p>
</footer>
</body>
</html>`;
}

/** A page file: the words and links as the original service had them, and its logo beside the file. */
const PageFile = z.strictObject({
  title: z.string(),
  heading: z.string(),
  paragraphs: z.array(z.string()),
  links: z.array(z.strictObject({ href: z.string(), label: z.string() })),
  logo: z.strictObject({ file: z.string().describe('relative to the page file'), url: z.string() }),
});

/** Reads a page file (JSON, see PageFile); the version comes from the running service. */
export function readInfoPage(file: URL, version: string): InfoPage {
  const page = PageFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { ...page, version, logo: { ...page.logo, file: fileURLToPath(new URL(page.logo.file, file)) } };
}

/** Serves the page at `/` (rendered once: its contents do not change while the process runs) and the logo. */
export function registerInfoPage(app: FastifyInstance, page: InfoPage): void {
  const html = renderInfoPage(page);
  const logo = readFileSync(page.logo.file);
  const type = path.extname(page.logo.file) === '.png' ? 'image/png' : 'image/jpeg';
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').headers(HTML_SECURITY_HEADERS).send(html),
  );
  app.get(page.logo.url, { schema: { hide: true } }, async (_request, reply) =>
    reply.type(type).header('cache-control', 'public, max-age=86400').send(logo),
  );
}
