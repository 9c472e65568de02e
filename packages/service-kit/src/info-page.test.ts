import { describe, expect, it } from 'vitest';
import { renderInfoPage } from './info-page.js';
import { systemInfo } from './system-info.js';

describe('renderInfoPage', () => {
  const page = {
    title: 'Products API',
    heading: 'Welcome to the Craftista Products API',
    paragraphs: ['This is a backend service to which Craftista Frontend Connects.'],
    links: [{ href: '/api/products', label: 'All Products' }],
    version: '<b>1.0</b>',
    logo: { file: '/dev/null', url: '/static/images/logo.jpg' },
  };

  it('shows welcome, links, version circle and system information, escaped and without stray braces', () => {
    const html = renderInfoPage(page, {
      hostname: 'web-1',
      ipAddress: '10.0.0.7',
      isContainer: true,
      isKubernetes: false,
    });
    expect(html).toContain('<h1>Welcome to the Craftista Products API</h1>');
    expect(html).toContain('<a href="/api/products">All Products</a>');
    expect(html).toContain('<div class="version-circle">&#60;b&#62;1.0&#60;/b&#62;</div>');
    expect(html).toContain('<p>Hostname: web-1</p>');
    expect(html).toContain('<p>IP Address: 10.0.0.7</p>');
    expect(html).toContain('Running in Container: Yes');
    expect(html).toContain('Running on Kubernetes: No');
    expect(html).toContain('School of Devops');
    expect(html).not.toMatch(/web-1\}|10\.0\.0\.7\}/);
  });
});

describe('systemInfo', () => {
  it('detects Kubernetes from the service host variable even without a mounted token', () => {
    expect(systemInfo({ KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toMatchObject({
      isKubernetes: true,
      isContainer: true,
    });
  });

  it('reports an IPv4 address that is not loopback, or says none was found', () => {
    const { ipAddress } = systemInfo({});
    expect(
      ipAddress === 'IP not found' ||
        (/^\d+\.\d+\.\d+\.\d+$/.test(ipAddress) && !ipAddress.startsWith('127.')),
    ).toBe(true);
  });
});
