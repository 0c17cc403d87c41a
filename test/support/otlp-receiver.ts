import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as protobuf from 'protobufjs';

/** The part of OTLP's trace messages the tests read (opentelemetry-proto, trace v1). */
const OTLP_TRACE = {
  nested: {
    ExportTraceServiceRequest: {
      fields: {
        resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 },
      },
    },
    ResourceSpans: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
      },
    },
    Resource: {
      fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } },
    },
    ScopeSpans: {
      fields: { spans: { rule: 'repeated', type: 'Span', id: 2 } },
    },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        parentSpanId: { type: 'bytes', id: 4 },
        name: { type: 'string', id: 5 },
        kind: { type: 'int32', id: 6 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
        status: { type: 'Status', id: 15 },
      },
    },
    Status: {
      fields: {
        message: { type: 'string', id: 2 },
        code: { type: 'int32', id: 3 },
      },
    },
    KeyValue: {
      fields: {
        key: { type: 'string', id: 1 },
        value: { type: 'AnyValue', id: 2 },
      },
    },
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            'stringValue',
            'boolValue',
            'intValue',
            'doubleValue',
            'arrayValue',
          ],
        },
      },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
      },
    },
    ArrayValue: {
      fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } },
    },
  },
};

const EXPORT_REQUEST = protobuf.Root.fromJSON(OTLP_TRACE).lookupType(
  'ExportTraceServiceRequest',
);

/** OTLP's span kinds and status codes, as numbers on the wire. */
export const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;
export const STATUS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export type AttributeValue = string | number | boolean | AttributeValue[];

/** One received span, ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: { code: number; message?: string };
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
}

type Json = Record<string, any>;

function valueOf(any: Json | undefined): AttributeValue {
  if (!any) return '';
  if (any.stringValue !== undefined) return any.stringValue;
  if (any.boolValue !== undefined) return any.boolValue;
  if (any.intValue !== undefined) return Number(any.intValue);
  if (any.doubleValue !== undefined) return Number(any.doubleValue);
  if (any.arrayValue !== undefined)
    return ((any.arrayValue.values ?? []) as Json[]).map(valueOf);
  return '';
}

function attributesOf(
  list: Json[] | undefined,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

/** A byte field: hex from protobuf (base64 after `toObject`), hex as is from JSON. */
const hex = (id: unknown, fromProtobuf: boolean): string =>
  typeof id !== 'string' || id === ''
    ? ''
    : fromProtobuf
      ? Buffer.from(id, 'base64').toString('hex')
      : id;

/**
 * An OTLP/HTTP traces receiver (`POST /v1/traces`) in the test's process: it
 * decodes `application/x-protobuf` and `application/json` exports into
 * {@link ReceivedSpan}s and keeps each body as it came (searched for secrets).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every export body, raw. */
  readonly bodies: Buffer[] = [];
  /** Content types of the exports received. */
  readonly contentTypes = new Set<string>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const type = String(req.headers['content-type'] ?? '');
        this.bodies.push(body);
        this.contentTypes.add(type);
        try {
          this.receive(body, type.includes('protobuf'));
        } catch {
          res.writeHead(400).end();
          return;
        }
        res
          .writeHead(200, { 'content-type': type })
          .end(type.includes('json') ? '{}' : undefined);
      });
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  /** Every body as text (protobuf strings are readable in their bytes). */
  text(): string {
    return this.bodies.map((b) => b.toString('latin1')).join('\n');
  }

  private receive(body: Buffer, fromProtobuf: boolean): void {
    const doc: Json = fromProtobuf
      ? EXPORT_REQUEST.toObject(EXPORT_REQUEST.decode(body), {
          bytes: String,
          longs: Number,
        })
      : JSON.parse(body.toString('utf8'));
    for (const rs of (doc.resourceSpans ?? []) as Json[]) {
      const resource = attributesOf(rs.resource?.attributes);
      for (const ss of (rs.scopeSpans ?? []) as Json[]) {
        for (const span of (ss.spans ?? []) as Json[]) {
          this.spans.push({
            traceId: hex(span.traceId, fromProtobuf),
            spanId: hex(span.spanId, fromProtobuf),
            parentSpanId: hex(span.parentSpanId, fromProtobuf),
            name: span.name,
            kind: span.kind ?? 0,
            status: {
              code: span.status?.code ?? 0,
              message: span.status?.message,
            },
            attributes: attributesOf(span.attributes),
            resource,
          });
        }
      }
    }
  }
}
