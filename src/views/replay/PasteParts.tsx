import { inputKindLabel } from '../../core/inputs/input-kinds';
import type { PastePartSummary } from '../../worker/protocol';

function kindText(p: PastePartSummary): string {
  const kind = p.kind;
  const label = kind === 'nonce' ? 'nonce' : kind === 'unknown' ? 'not understood' : inputKindLabel(kind);
  return p.unreadable === true ? `unreadable ${label}` : label;
}

function lines(p: PastePartSummary): string {
  return p.lineCount === 1 ? `line ${p.lineStart + 1}` : `lines ${p.lineStart + 1}–${p.lineStart + p.lineCount}`;
}

/** How the pasted text was read, part by part; what nothing recognised is said, not dropped. */
export function PasteParts({ parts }: { readonly parts: readonly PastePartSummary[] }) {
  const unknown = parts.filter((p) => p.kind === 'unknown');
  return (
    <div className="replay__card replay__card--wide" data-testid="paste-parts">
      <h3 className="replay__card-title">
        The pasted text{unknown.length > 0 ? `: ${unknown.length === 1 ? 'one part' : `${unknown.length} parts`} not understood` : ''}
      </h3>
      <ul className="paste-parts">
        {parts.map((p) => (
          <li
            key={p.lineStart}
            className={`paste-part paste-part--${p.unreadable === true ? 'unreadable' : p.kind}`}
            data-testid="paste-part"
            data-kind={p.kind}
            data-unreadable={p.unreadable === true ? 'true' : undefined}
          >
            <span className="paste-part__kind">{kindText(p)}</span>
            <span className="paste-part__lines">{lines(p)}</span>
            <code className="paste-part__preview">{p.preview}</code>
          </li>
        ))}
      </ul>
      {unknown.length > 0 ? (
        <p className="quote-field__note">
          Lines not understood are ignored. Accepted: a quote (hex, base64, Keylime string), a TPMT_SIGNATURE, an AK (PEM), PCR listings, and
          labelled lines such as “quote: …”, “sig: …”, “nonce: …”.
        </p>
      ) : null}
    </div>
  );
}
