import type { FastifyInstance } from 'fastify';
import { escapeHtml } from './info-page.js';
import { HTML_SECURITY_HEADERS } from './security-headers.js';

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
}

interface Spec {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

/**
 * GET /docs: a plain HTML index of the operations in /openapi.json (no UI bundle to ship), rendered on the
 * first request, once every route is known.
 */
export function registerDocsPage(
  app: FastifyInstance,
  openapi: () => Promise<unknown>,
  adminTokenVariable: string | undefined,
): void {
  let html: string | undefined;
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    html ??= render((await openapi()) as Spec, adminTokenVariable);
    return reply.type('text/html; charset=utf-8').headers(HTML_SECURITY_HEADERS).send(html);
  });
}

function render(spec: Spec, adminTokenVariable: string | undefined): string {
  const rows = Object.entries(spec.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) =>
          `<tr><td><code>${escapeHtml(method.toUpperCase())}</code></td><td><code>${escapeHtml(path)}</code></td>` +
          `<td>${escapeHtml(op.summary ?? '')}${op.security ? ' 🔒' : ''}` +
          `${op.description ? `<br><small>${escapeHtml(op.description)}</small>` : ''}</td></tr>`,
      ),
    )
    .join('\n');
  const admin = adminTokenVariable
    ? ` Operations marked 🔒 need <code>Authorization: Bearer $${escapeHtml(adminTokenVariable)}</code>.`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(spec.info.title)} API docs</title>
<style>body{font-family:system-ui,Arial,sans-serif;margin:24px}td{padding:6px 12px;vertical-align:top;border-bottom:1px solid #ddd}</style></head>
<body><h1>${escapeHtml(spec.info.title)} API ${escapeHtml(spec.info.version)}</h1>
<p>The machine-readable description is <a href="/openapi.json">/openapi.json</a>.${admin}</p>
<table><tr><th>Method</th><th>Path</th><th>What it does</th></tr>
${rows}
</table></body></html>`;
}
