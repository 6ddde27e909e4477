import { describe, expect, it } from 'vitest';
import { checkHeaders, checkJsonBody, checkRow, checkRowsBody, type ObservedResponse } from '../../harness/verify/checks.ts';

const good: ObservedResponse = {
  status: 200,
  headers: { server: 'uvicorn', date: 'Sat, 21 Nov 2026 10:00:00 GMT', 'content-type': 'application/json', 'content-length': '27' },
  body: '{"message":"Hello, World!"}',
  elapsedMs: 1,
};

describe('checkHeaders', () => {
  it('accepts a TechEmpower-conformant response', () => {
    expect(checkHeaders(good)).toEqual([]);
    expect(checkHeaders({ ...good, headers: { ...good.headers, 'content-length': undefined, 'transfer-encoding': 'chunked' } })).toEqual([]);
  });

  it('names each missing or wrong header', () => {
    const bad = { ...good, status: 500, headers: { 'content-type': 'text/html; charset=utf-8', connection: 'close' } };
    expect(checkHeaders(bad)).toEqual([
      'status 500, expected 200',
      'no Server header',
      'no Date header',
      "Content-Type is 'text/html; charset=utf-8', expected application/json",
      'neither Content-Length nor chunked Transfer-Encoding',
      'answers with Connection: close; serve it with a keep-alive worker (autocannon mis-measures servers that close every connection)',
    ]);
  });
});

describe('bodies', () => {
  it('requires exactly the hello-world message', () => {
    expect(checkJsonBody('{"message":"Hello, World!"}')).toEqual([]);
    expect(checkJsonBody('{"message":"hello"}')).toHaveLength(1);
    expect(checkJsonBody('{"message":"Hello, World!","x":1}')).toHaveLength(1);
    expect(checkJsonBody('Hello, World!')[0]).toMatch(/not JSON/);
  });

  it('checks World rows: integer id and randomNumber in 1..10000, nothing else', () => {
    expect(checkRow({ id: 1, randomNumber: 10000 })).toEqual([]);
    expect(checkRow({ id: 0, randomNumber: 5 })).toEqual(['row.id is 0, expected 1..10000']);
    expect(checkRow({ id: 3, randomnumber: 5 })).toEqual(['row.randomNumber is undefined, expected an integer', 'row has unexpected keys randomnumber']);
    expect(checkRow({ id: '3', randomNumber: 1.5 })).toHaveLength(2);
  });

  it('counts the rows of /queries', () => {
    expect(checkRowsBody('[{"id":1,"randomNumber":2}]', 1)).toEqual([]);
    expect(checkRowsBody('[{"id":1,"randomNumber":2}]', 20)).toEqual(['got 1 rows, expected 20']);
    expect(checkRowsBody('{"id":1,"randomNumber":2}', 1)[0]).toMatch(/not a JSON array/);
  });
});
