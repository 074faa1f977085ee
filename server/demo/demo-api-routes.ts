import { Router, json } from 'express';

// A small fake billing and shipping API, served by Patchbay itself so that the
// demo's sample connectors have something real to call. Not used otherwise.
const balances: Record<string, { balance_cents: number; last_invoice: { id: string; status: string; due_date: number } }> = {
  acct_1001: { balance_cents: 4200, last_invoice: { id: 'in_1001', status: 'open', due_date: 1767225600 } },
  acct_1002: { balance_cents: 0, last_invoice: { id: 'in_1002', status: 'paid', due_date: 1764547200 } },
  acct_1003: { balance_cents: 12900, last_invoice: { id: 'in_1003', status: 'past_due', due_date: 1761955200 } },
};

const orders: Record<string, { status: string; carrier: string; estimated_delivery: string }> = {
  'ORD-5521': { status: 'in_transit', carrier: 'UPS', estimated_delivery: '2026-11-25' },
  'ORD-7788': { status: 'delivered', carrier: 'DHL', estimated_delivery: '2026-11-02' },
};

export function demoApiRoutes(): Router {
  const router = Router();
  router.get('/accounts/:accountId/balance', (req, res) => {
    const account = balances[req.params.accountId];
    if (!account) return void res.status(404).json({ error: 'account_not_found' });
    // The amount in currency units too, so the demo's object mapping writes 42 (dollars), not 4200.
    res.json({ account_id: req.params.accountId, currency: 'usd', card_last4: '4242', balance: account.balance_cents / 100, ...account });
  });
  router.get('/orders/:orderId', (req, res) => {
    const order = orders[req.params.orderId.toUpperCase()];
    if (!order) return void res.status(404).json({ error: 'order_not_found' });
    res.json({ order_id: req.params.orderId.toUpperCase(), ...order });
  });
  router.post('/refunds', json(), (req, res) => {
    const orderId = typeof req.body?.order_id === 'string' ? req.body.order_id : null;
    if (!orderId) return void res.status(422).json({ error: 'order_id is required' });
    res.status(201).json({ refund_id: `re_${orderId.replace(/\W/g, '')}`, status: 'pending', order_id: orderId });
  });
  return router;
}
