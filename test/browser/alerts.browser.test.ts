import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../support/dashboard';
import { startRecoveringOrderService } from '../support/recoveringService';
import { getJson, waitFor } from '../support/waitFor';
import { launchChromium } from './helpers/chromium';
import { screenshot } from './helpers/screenshot';

/**
 * Issue 6 in a real browser: create a breaker_open rule on /alerts (after
 * the form has shown the server's validation message next to the field),
 * preview it, drive a real instrumented breaker open, and watch the alert go
 * pending then firing on the page and as a toast, without a reload.
 * Screenshots land in test-results/.
 */
const RULE = 'payment breaker open (browser)';

describe('alerts page in Chromium', () => {
  let dashboard: RunningDashboard;
  let browser: Browser;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-alerts-ui-'));
    dashboard = await startDashboard({
      ui: true,
      env: { FAULTLINE_ALERTS_FILE: path.join(dir, 'faultline.alerts.yaml') },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it('creates a rule with field-level validation, previews it, and shows it firing live with a toast', async () => {
    const svc = await startRecoveringOrderService(dashboard.url, { openDurationMs: 60_000 });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      expect(await svc.calls(10)).toBe(10);
      await waitFor(
        async () => {
          const t = await getJson<{ edges: { source: string; breaker: { state: string } | null }[] }>(
            `${dashboard.url}/api/topology`,
          );
          return t.edges.some((e) => e.source === 'order-service' && e.breaker?.state === 'closed');
        },
        { what: 'the edge with its breaker' },
      );

      await page.goto(`${dashboard.url}/alerts`);
      await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
      // Subscribed to the live alerts feed before anything happens.
      await page.locator('[data-testid="alerts-page"][data-connected="true"]').waitFor();

      // New rule: a webhook URL the server refuses shows its message next to that input.
      await page.getByRole('button', { name: 'New rule' }).click();
      const editor = page.getByTestId('rule-editor');
      await editor.getByLabel('Name', { exact: true }).fill(RULE);
      await editor.getByLabel('Condition').selectOption('breaker_open');
      await editor.getByLabel('Service (caller)').fill('order-service');
      await editor.getByLabel('Dependency').fill('payment-*');
      await editor.getByLabel('Pending for (seconds)').fill('1');
      await editor.getByLabel('Severity').selectOption('critical');
      await editor.getByRole('button', { name: 'Add webhook' }).click();
      const webhookUrl = editor.getByLabel('Webhook 1 URL');
      await webhookUrl.fill('ftp://127.0.0.1/hook');
      await editor.getByRole('button', { name: 'Create rule' }).click();
      const urlError = editor.getByTestId('error-webhooks.0.url');
      await urlError.waitFor();
      expect(await urlError.textContent()).toMatch(/http or https/);
      expect(await webhookUrl.getAttribute('aria-invalid')).toBe('true');
      expect(await webhookUrl.getAttribute('aria-describedby')).toContain(await urlError.getAttribute('id'));
      await shot(page, 'alerts-1-validation');

      // Fix it by removing the webhook; preview: one breaker matches, nothing would alert yet.
      await editor.getByRole('button', { name: 'Remove webhook 1' }).click();
      await editor.getByRole('button', { name: 'Preview matches' }).click();
      const preview = editor.getByTestId('rule-preview');
      await preview.waitFor();
      expect(await preview.textContent()).toMatch(/matches 1 breaker; none would alert/);
      await editor.getByRole('button', { name: 'Create rule' }).click();
      const row = page.getByTestId('rule-row').filter({ hasText: RULE });
      await row.waitFor();
      expect(await row.getByTestId('rule-status').textContent()).toMatch(/active/);
      await page.getByTestId('rule-editor').waitFor({ state: 'detached' });

      // Drive the breaker open: the page shows the alert pending, then firing, and a toast appears.
      await svc.open();
      await svc.calls(3);
      const alertRow = page.getByTestId('alert-row').filter({ hasText: RULE });
      await alertRow.waitFor({ timeout: 15_000 });
      await page.locator(`[data-testid="alert-row"][data-state="firing"]`).filter({ hasText: RULE }).waitFor({
        timeout: 20_000,
      });
      const firingRow = page.locator(`[data-testid="alert-row"][data-state="firing"]`).filter({ hasText: RULE });
      const text = (await firingRow.textContent()) ?? '';
      expect(text).toMatch(/Firing/);
      expect(text).toMatch(/critical/);
      expect(text).toMatch(/dependency=payment-service/);
      expect(text).toMatch(/open/);
      expect(text).toMatch(/root cause\s*payment-service/);
      expect(await page.getByTestId('alert-history').getByText(RULE).count()).toBeGreaterThanOrEqual(1);

      // The global part (header count + toast) lives in components/alerts/FiringIndicator, mounted by the layout.
      const indicator = page.getByTestId('firing-indicator');
      const mounted = (await indicator.count()) > 0;
      const toast = page.getByTestId('alert-toast').filter({ hasText: RULE });
      if (mounted) await toast.waitFor({ timeout: 10_000 });
      const toastText = mounted ? await toast.textContent() : null;
      // The count refreshes from the API right after the notification.
      if (mounted)
        await page
          .getByTestId('firing-indicator')
          .getByText('(1 firing)')
          .waitFor({ timeout: 5_000 })
          .catch(() => {});
      const indicatorText = mounted ? await indicator.textContent() : null;
      await shot(page, 'alerts-2-firing');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(page, 'alerts-3-firing-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // Pause from the list, then edit: the list reflects both without a reload.
      await row.getByRole('button', { name: /^Pause/ }).click();
      await waitFor(async () => /paused/.test((await row.getByTestId('rule-status').textContent()) ?? ''), {
        what: 'the rule to show paused',
      });
      await row.getByRole('button', { name: /^Edit/ }).click();
      const edit = page.getByTestId('rule-editor');
      expect(await edit.getByLabel('Name', { exact: true }).inputValue()).toBe(RULE);
      await edit.getByLabel('Severity').selectOption('warning');
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await edit.waitFor({ state: 'detached' });
      await waitFor(async () => /warning/.test((await row.textContent()) ?? ''), { what: 'the edited severity' });

      expect(mounted, 'FiringIndicator is not mounted in the header (app/layout.tsx / AppHeader)').toBe(true);
      expect(toastText).toMatch(/Firing/);
      expect(toastText).toMatch(/payment-service is the root cause/);
      expect(indicatorText).toMatch(/1 firing/);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await svc.shutdown();
    }
  }, 120_000);
});

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}.png`, { fullPage: true });
}
