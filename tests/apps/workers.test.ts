import { describe, expect, it } from 'vitest';
import { fillPlaceholders, workerSettings } from '../../harness/apps/workers.ts';

// The fairness rule itself: every app gets one worker per core and the same database connection cap.
describe('workerSettings', () => {
  it('gives gunicorn gthread one worker per core and the cap split into threads, one connection per thread', () => {
    expect(workerSettings({ server: 'gunicorn-gthread', concurrencyLimit: 'threads' }, 1, 10)).toEqual({
      workers: 1,
      threads: 10,
      poolSize: 10,
      connectionCap: 10,
      concurrencyLimit: 10,
    });
    expect(workerSettings({ server: 'gunicorn-gthread', concurrencyLimit: 'threads' }, 2, 10)).toEqual({
      workers: 2,
      threads: 5,
      poolSize: 5,
      connectionCap: 10,
      concurrencyLimit: 10,
    });
  });

  it('gives uvicorn one event loop per core and a pool of cap / workers', () => {
    expect(workerSettings({ server: 'uvicorn', concurrencyLimit: 'pool' }, 4, 10)).toEqual({
      workers: 4,
      threads: 1,
      poolSize: 2,
      connectionCap: 8,
      concurrencyLimit: 8,
    });
  });

  it('gives django-bolt ORM threads equal to its share of the cap', () => {
    expect(workerSettings({ server: 'django-bolt', concurrencyLimit: 'pool' }, 2, 10)).toMatchObject({
      workers: 2,
      threads: 5,
      poolSize: 5,
      connectionCap: 10,
    });
  });

  it("gives granian (WSGI) gthread's rule: one worker per core, cap / workers blocking threads, one connection per thread", () => {
    for (const cores of [1, 2, 3, 4]) {
      expect(workerSettings({ server: 'granian', concurrencyLimit: 'threads' }, cores, 10), `${cores} cores`).toEqual(
        workerSettings({ server: 'gunicorn-gthread', concurrencyLimit: 'threads' }, cores, 10),
      );
    }
    expect(workerSettings({ server: 'granian', concurrencyLimit: 'threads' }, 2, 10)).toEqual({
      workers: 2,
      threads: 5,
      poolSize: 5,
      connectionCap: 10,
      concurrencyLimit: 10,
    });
    // 3 cores: 3 workers x 3 threads = 9, under the cap, never 12.
    expect(workerSettings({ server: 'granian', concurrencyLimit: 'threads' }, 3, 10)).toMatchObject({ threads: 3, connectionCap: 9 });
  });

  it("gives granian (ASGI) uvicorn's rule: one event loop on one blocking thread per worker, the cap split between pools", () => {
    for (const cores of [1, 2, 3, 4]) {
      expect(workerSettings({ server: 'granian', model: 'async', concurrencyLimit: 'pool' }, cores, 10), `${cores} cores`).toEqual(
        workerSettings({ server: 'uvicorn', model: 'async', concurrencyLimit: 'pool' }, cores, 10),
      );
    }
    expect(workerSettings({ server: 'granian', model: 'async', concurrencyLimit: 'pool' }, 2, 10)).toEqual({
      workers: 2,
      threads: 1,
      poolSize: 5,
      connectionCap: 10,
      concurrencyLimit: 10,
    });
    // The sync model keeps the WSGI rule.
    expect(workerSettings({ server: 'granian', model: 'sync', concurrencyLimit: 'threads' }, 2, 10)).toMatchObject({ threads: 5 });
  });

  it('never goes below one worker or one connection, and never above the cap', () => {
    expect(workerSettings({ server: 'uvicorn', concurrencyLimit: 'pool' }, 0, 10)).toMatchObject({ workers: 1, poolSize: 10 });
    expect(workerSettings({ server: 'uvicorn', concurrencyLimit: 'pool' }, 16, 10)).toMatchObject({ workers: 16, poolSize: 1, connectionCap: 16 });
    for (const cores of [1, 2, 3, 4, 8]) {
      const s = workerSettings({ server: 'gunicorn-gthread', concurrencyLimit: 'threads' }, cores, 10);
      expect(s.connectionCap).toBeLessThanOrEqual(10);
      expect(s.connectionCap).toBe(s.workers * s.poolSize);
    }
  });

  it('fills the manifest placeholders it knows and leaves the others', () => {
    const settings = workerSettings({ server: 'uvicorn', concurrencyLimit: 'pool' }, 2, 10);
    expect(fillPlaceholders('--port {port} --workers {workers} --pool {poolSize} {other}', { port: 8080, ...settings })).toBe(
      '--port 8080 --workers 2 --pool 5 {other}',
    );
    expect(fillPlaceholders('{port}', settings)).toBe('{port}');
  });
});
