/**
 * One decoded field, shown as what it means: digests with their algorithm, names as text,
 * signature headers, ima-buf payloads (kexec counters, certificates, device-mapper and SELinux
 * records). Every string from the log is a React text node, never markup.
 */
import type { ReactNode } from 'react';
import type { DecodedField } from '../../core/ima/decode/decode-entry';
import type { SignatureHeader } from '../../core/ima/decode/signature-header';
import type { BufferPayload } from '../../core/ima/decode/buffer-payload';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import './FieldValue.css';
import { SafeText } from '../shared/SafeText';

/** Hex longer than this is cut in the pane (the copy button copies all of it). */
const HEX_PREVIEW = 96;

function Pairs({ pairs }: { readonly pairs: ReadonlyArray<readonly [string, ReactNode]> }) {
  return (
    <dl className="pairs">
      {pairs.map(([k, v]) => (
        <div key={k} className="pairs__item">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function HexValue({ hex }: { readonly hex: string }) {
  if (hex === '') return <span className="muted">empty</span>;
  return (
    <span className="value-line">
      <span className="mono hex-value" title={`${hex.length / 2} bytes`}>
        {hex.length > HEX_PREVIEW ? `${hex.slice(0, HEX_PREVIEW)}…` : hex}
      </span>
      <span className="muted"> ({hex.length / 2} bytes)</span>
      <CopyButton value={hex} label="Copy hex" />
    </span>
  );
}

function SignatureHeaderView({ header }: { readonly header: SignatureHeader }) {
  const pairs: Array<readonly [string, ReactNode]> = [['type', `${header.type} ${header.typeName}`]];
  if (header.version !== undefined) pairs.push(['version', header.version]);
  if (header.hashAlgorithm !== undefined) pairs.push(['hash', header.hashAlgorithm]);
  if (header.keyId !== undefined) {
    pairs.push([
      'key id',
      <span className="value-line" key="k">
        <span className="mono">{header.keyId}</span>
        <CopyButton value={header.keyId} label="Copy key id" />
      </span>,
    ]);
  }
  if (header.signatureLength !== undefined) pairs.push(['signature size', `${header.signatureLength} bytes`]);
  if (header.digest !== undefined) pairs.push(['digest', <Digest key="d" hex={header.digest} />]);
  return <Pairs pairs={pairs} />;
}

function PayloadView({ payload }: { readonly payload: BufferPayload }) {
  switch (payload.kind) {
    case 'kexec':
      return (
        <Pairs
          pairs={[
            ['event', payload.event],
            ...(payload.segmentSize !== undefined ? [['segment size', `${payload.segmentSize} bytes`] as const] : []),
            ...(payload.binarySize !== undefined ? [['list size', `${payload.binarySize} bytes`] as const] : []),
            ...(payload.count !== undefined ? [['entries carried', payload.count] as const] : []),
            ['text', <span key="t" className="mono">{payload.text}</span>],
          ]}
        />
      );
    case 'certificate':
      return (
        <Pairs
          pairs={[
            ['keyring', payload.keyring],
            ['subject', payload.subject],
            ['issuer', payload.issuer],
            ['serial', <span key="s" className="mono">{payload.serial}</span>],
            ['valid', `${payload.notBefore} → ${payload.notAfter}`],
            ['signature', payload.signatureAlgorithm],
            [
              'public key',
              `${payload.publicKeyAlgorithm}${payload.publicKeyBits ? ` ${payload.publicKeyBits} bits` : ''}${payload.publicKeyCurve ? ` ${payload.publicKeyCurve}` : ''}`,
            ],
            ...(payload.subjectKeyId ? [['subject key id', <span key="k" className="mono">{payload.subjectKeyId}</span>] as const] : []),
          ]}
        />
      );
    case 'device-mapper':
      return (
        <div className="records">
          <p className="muted">{payload.event}</p>
          {payload.records.map((r, k) => (
            <Pairs key={k} pairs={[...(r.label ? [['record', r.label] as const] : []), ...Object.entries(r.fields)]} />
          ))}
        </div>
      );
    case 'selinux-state':
      return <Pairs pairs={Object.entries(payload.settings)} />;
    case 'text':
      return <pre className="payload-text">{payload.text}</pre>;
    case 'digest':
      return <Digest hex={payload.hex} />;
    case 'malformed':
      return (
        <p className="problem">
          Expected {payload.expected} data for {payload.event}: {payload.problem}
        </p>
      );
  }
}

export function FieldValue({ field }: { readonly field: DecodedField }) {
  switch (field.kind) {
    case 'digest':
      return field.digest === '' ? (
        <span className="muted">empty</span>
      ) : (
        <span className="value-line">
          <Digest hex={field.digest} algorithm={[field.digestType, field.algorithm].filter(Boolean).join(':')} />
          <CopyButton value={field.digest} label="Copy digest" />
        </span>
      );
    case 'name':
      return (
        <span className="value-line">
          <span className="name-value">
            <SafeText text={field.text} />
          </span>
          <CopyButton value={field.text} label="Copy name" />
        </span>
      );
    case 'signature':
      return (
        <>
          {field.signature ? <SignatureHeaderView header={field.signature} /> : null}
          <HexValue hex={field.hex} />
        </>
      );
    case 'buffer':
      return (
        <>
          {field.payload ? <PayloadView payload={field.payload} /> : null}
          <HexValue hex={field.hex} />
        </>
      );
    case 'integer':
      return (
        <span className="mono">
          {field.value}
          {field.text ? ` (${field.text})` : ''}
        </span>
      );
    case 'xattrnames':
      return <span className="mono">{field.names.join(' | ') || '—'}</span>;
    case 'xattrlengths':
      return <span className="mono">{field.lengths.join(', ') || '—'}</span>;
    case 'xattrvalues':
      return field.values ? (
        <div className="records">
          {field.values.map((v) => (
            <div key={v.name} className="xattr">
              <span className="xattr__name">{v.name}</span>
              {v.header ? <SignatureHeaderView header={v.header} /> : v.text !== undefined ? <span>{v.text}</span> : <HexValue hex={v.hex} />}
            </div>
          ))}
        </div>
      ) : (
        <HexValue hex={field.hex} />
      );
    case 'raw':
      return <HexValue hex={field.hex} />;
  }
}
