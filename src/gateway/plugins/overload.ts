import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { limits } from '../../limits.ts';
import { AdmissionControl } from '../admission.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether a new action is taken now or refused with `server_busy` (see admission.ts). */
    admission: AdmissionControl;
    /** The share of time the event loop was busy, averaged over about the last second (0…1). */
    loopUtilization(): number;
  }
}

const DELAY_RESOLUTION_MS = 10;
/** Weight of the newest window in the utilization's moving average (about a second's memory). */
const UTILIZATION_SMOOTHING = 0.2;

/**
 * Overload protection for actions: samples the event loop's delay (Node's own histogram) once per
 * admission window and hands the admission control the mean of the last window. (Shedding on the
 * loop's utilization was tried: on the embedded database, whose engine runs on this thread, it cut
 * the answered rate from ~240/s to ~150/s.)
 */
export const overloadPlugin = fp(async (app: FastifyInstance) => {
  const histogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  histogram.enable();
  let meanDelayMs = 0;
  let utilization = 0;
  let lastLoop: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const mean = histogram.mean / 1e6 - DELAY_RESOLUTION_MS;
    meanDelayMs = Number.isFinite(mean) ? Math.max(0, mean) : 0;
    histogram.reset();
    const loop = performance.eventLoopUtilization();
    const window = performance.eventLoopUtilization(loop, lastLoop).utilization;
    lastLoop = loop;
    utilization += UTILIZATION_SMOOTHING * (window - utilization);
  }, limits.admissionWindowMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    histogram.disable();
  });
  app.decorate('admission', new AdmissionControl({ eventLoopDelayMs: () => meanDelayMs }));
  app.decorate('loopUtilization', () => utilization);
});
