import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { inputKindLabel } from '../../core/inputs/input-kinds';
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
        <p className={`quote-input__status${pasted.kind ? '' : ' quote-input__status--bad'}`} data-testid="paste-status">
          {pasted.kind ? `Read as ${inputKindLabel(pasted.kind)}` : `Not recognised: looks like ${pasted.looksLike ?? 'nothing known'}`}
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
          onChange={(e) => setNonce(e.currentTarget.value)}
        />
      </label>
      <label className="keylime-compat-input" title="Judge a runtime policy exactly as Keylime's verifier does, without the checks Keylime skips">
        <input type="checkbox" data-testid="keylime-compat" checked={keylimeCompat} onChange={(e) => setKeylimeCompat(e.currentTarget.checked)} />
        <span>Keylime-compatible policy check</span>
      </label>
    </Panel>
  );
}
