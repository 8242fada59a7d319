// Prometheus metrics: one registry per process (web or worker), made here so tests can make their own.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export function createMetrics(component: 'web' | 'worker') {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'pishkhan_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    requestsSubmitted: new Counter({
      name: 'pishkhan_requests_submitted_total',
      help: 'Requests submitted by citizens, by service',
      labelNames: ['service'] as const,
      registers,
    }),
    statusTransitions: new Counter({
      name: 'pishkhan_status_transitions_total',
      help: 'Requests entering a status',
      labelNames: ['status'] as const,
      registers,
    }),
    slaBreaches: new Counter({
      name: 'pishkhan_sla_breaches_total',
      help: 'Requests that passed their due date',
      registers,
    }),
    sms: new Counter({
      name: 'pishkhan_sms_total',
      help: 'SMS handed to a provider, by provider and outcome (sent, retrying, failed)',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    inquiryDuration: new Histogram({
      name: 'pishkhan_inquiry_duration_seconds',
      help: 'Time an agency took to answer an inquiry, by agency',
      labelNames: ['agency'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'pishkhan_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome (delivered, failed, refused)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    inquiryFailures: new Counter({
      name: 'pishkhan_inquiry_failures_total',
      help: 'Inquiries an agency did not answer, by agency',
      labelNames: ['agency'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
