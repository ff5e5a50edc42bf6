import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { inputKindLabel } from '../../core/inputs/input-kinds';
import { nonceProblem } from '../../core/tpm/quote/nonce';
import { Panel } from '../shared/Panel';
import './QuotePanel.css';

/** Paste a quote, PCR listing or key; the analysis re-runs with it as one more input. */
export function QuotePanel() {
  const paste = useInspector((s) => s.paste);
  const nonce = useInspector((s) => s.nonce);
  const setPaste = useInspector((s) => s.setPaste);
  const setNonce = useInspector((s) => s.setNonce);
  const keylimeCompat = useInspector((s) => s.keylimeCompat);
  const setKeylimeCompat = useInspector((s) => s.setKeylimeCompat);
  const pasted = useInspector(selectAnalysis)?.pastes[0];
  const nonceRefused = nonce.trim() === '' ? undefined : nonceProblem(nonce);
  return (
    <Panel id="quote-title" title="Quote or PCR values">
      <textarea
        className="quote-input"
        data-testid="quote-input"
        spellCheck={false}
        rows={4}
        placeholder={'Paste a TPM quote (hex, base64, Keylime string), PCR values (PCR-10: …, tpm2_pcrread YAML, JSON) or an AK'}
        value={paste}
        onChange={(e) => setPaste(e.currentTarget.value)}
      />
      {paste.trim() !== '' && pasted !== undefined ? (
        // Recognised is not read: a listing the analysis refused (a PCR given two values) is said here too.
        <p
          className={`quote-input__status${pasted.refused !== undefined ? ' quote-input__status--error' : pasted.kind ? '' : ' quote-input__status--bad'}`}
          data-testid="paste-status"
          data-refused={pasted.refused !== undefined ? 'true' : undefined}
        >
          {pasted.kind === undefined
            ? `Not recognised: looks like ${pasted.looksLike ?? 'nothing known'}`
            : pasted.refused !== undefined
              ? `Refused as ${inputKindLabel(pasted.kind)}: ${pasted.refused.join('; ')}`
              : `Read as ${inputKindLabel(pasted.kind)}`}
        </p>
      ) : null}
      <label className="nonce-input">
        <span>Nonce</span>
        <input
          type="text"
          data-testid="nonce-input"
          spellCheck={false}
          placeholder="hex the verifier sent (optional)"
          value={nonce}
          aria-invalid={nonceRefused !== undefined}
          aria-describedby={nonceRefused !== undefined ? 'nonce-status' : undefined}
          onChange={(e) => setNonce(e.currentTarget.value)}
        />
      </label>
      {nonceRefused !== undefined ? (
        // The CLI's --nonce refusal, word for word; the analysis fails the check (check-incomplete).
        <p id="nonce-status" className="quote-input__status quote-input__status--error" data-testid="nonce-status" role="alert">
          Not compared: {nonceRefused}.
        </p>
      ) : null}
      <label className="keylime-compat-input" title="Judge a runtime policy exactly as Keylime's verifier does, without the checks Keylime skips">
        <input type="checkbox" data-testid="keylime-compat" checked={keylimeCompat} onChange={(e) => setKeylimeCompat(e.currentTarget.checked)} />
        <span>Keylime-compatible policy check</span>
      </label>
    </Panel>
  );
}
