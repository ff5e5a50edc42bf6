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

function partsText(n: number): string {
  return n === 1 ? 'one part' : `${n} parts`;
}

/** How the pasted text was read, part by part; what nothing recognised is said, not dropped. */
export function PasteParts({ parts }: { readonly parts: readonly PastePartSummary[] }) {
  const unknown = parts.filter((p) => p.kind === 'unknown');
  const unreadable = parts.filter((p) => p.unreadable === true);
  const problems = [
    ...(unreadable.length > 0 ? [`${partsText(unreadable.length)} unreadable`] : []),
    ...(unknown.length > 0 ? [`${partsText(unknown.length)} not understood`] : []),
  ];
  return (
    <div className="replay__card replay__card--wide" data-testid="paste-parts">
      <h3 className="replay__card-title">The pasted text{problems.length > 0 ? `: ${problems.join(', ')}` : ''}</h3>
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
      {unreadable.length > 0 ? (
        <p className="quote-field__note">Unreadable parts look like what they are labelled but do not parse: the findings say where; fix or remove them.</p>
      ) : null}
      {unknown.length > 0 ? (
        <p className="quote-field__note">
          Lines not understood are refused as unreadable inputs (the verdict fails, as for a file no kind fits): remove them or correct them. Accepted: a quote (hex, base64, Keylime string), a TPMT_SIGNATURE, an AK (PEM), PCR listings, and
          labelled lines such as “quote: …”, “sig: …”, “nonce: …”.
        </p>
      ) : null}
    </div>
  );
}
