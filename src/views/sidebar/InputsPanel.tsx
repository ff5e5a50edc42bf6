import { INPUT_KINDS, type InputKind } from '../../core/report/report';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { formatBytes } from '../shared/format';
import { inputKindLabel } from '../../core/inputs/input-kinds';
import { Panel } from '../shared/Panel';
import './InputsPanel.css';
import { SafeText } from '../shared/SafeText';
import { visibleText } from '../../core/util/visible-text';

function kindOf(value: string): InputKind | undefined {
  return INPUT_KINDS.find((k) => k === value);
}

/** Every file given: what it was recognised as, with remove and re-classify. */
export function InputsPanel() {
  const inputs = useInspector((s) => s.inputs);
  const load = useInspector((s) => s.load);
  const removeInput = useInspector((s) => s.removeInput);
  const setInputKind = useInspector((s) => s.setInputKind);
  const summaries = load.kind === 'ready' ? load.summary.inputs : load.kind === 'error' ? (load.inputs ?? []) : [];
  // Inputs as the analysis settled them with the rest of the case, where the sniff said
  // otherwise (a key that verifies no quote is an IMA key): shown as the report calls them.
  const readings = useInspector(selectAnalysis)?.readWithCase ?? [];
  const compare = useInspector((s) => s.compare);
  const clearCompare = useInspector((s) => s.clearCompare);
  if (inputs.length === 0) return null;
  // The comparison's reference is an input of the view too (not of the analysis): listed
  // last, with its role, so the sidebar names every file the page shows.
  const reference = compare.kind === 'ready' ? { name: compare.document.reference.name, kind: compare.document.reference.kind } : undefined;
  return (
    <Panel id="inputs-title" title="Inputs" count={inputs.length + (reference === undefined ? 0 : 1)}>
      <ul className="inputs">
        {inputs.map((input) => {
          const summary = summaries.find((s) => s.id === input.id);
          const detected = summary?.detectedKind;
          const reading = readings.find((r) => r.id === input.id);
          const kind = reading?.kind ?? summary?.kind;
          const unrecognised = summary !== undefined && kind === undefined;
          return (
            <li
              key={input.id}
              className={`input-item${unrecognised ? ' input-item--bad' : ''}`}
              data-testid="input-item"
              data-kind={kind ?? ''}
              data-bank={summary?.digestBank ?? ''}
            >
              <div className="input-item__head">
                <span className="input-item__name" title={visibleText(input.name)}>
                  <SafeText text={input.name} />
                </span>
                <span className="input-item__size">{formatBytes(input.file.size)}</span>
                <button type="button" className="icon-button" aria-label={`Remove ${input.name}`} title="Remove" onClick={() => removeInput(input.id)}>
                  ×
                </button>
              </div>
              <label className="input-item__kind">
                <span className="visually-hidden">Treat {input.name} as</span>
                <select
                  value={input.kind ?? ''}
                  onChange={(e) => setInputKind(input.id, kindOf(e.currentTarget.value))}
                >
                  <option value="">
                    {reading?.kind !== undefined && detected !== undefined
                      ? `${inputKindLabel(reading.kind)} (detected with the case)`
                      : detected
                        ? `${inputKindLabel(detected)} (detected)`
                        : reading?.kind !== undefined
                          ? `${inputKindLabel(reading.kind)} (tpm2 -F values: digests read with the quote's selection)`
                          : summary
                          ? 'not recognised'
                          : 'detecting…'}
                  </option>
                  {INPUT_KINDS.map((k) => (
                    <option key={k} value={k}>
                      as {inputKindLabel(k)}
                    </option>
                  ))}
                </select>
              </label>
              {unrecognised && reading?.reason !== undefined ? (
                <p className="input-item__note" data-testid="input-reading">
                  Cannot be read: <SafeText text={reading.reason} />.
                </p>
              ) : unrecognised ? (
                <p className="input-item__note">Looks like {summary.looksLike ?? 'nothing known'}.</p>
              ) : null}
              {summary?.companionOf !== undefined ? (
                <p className="input-item__note" data-testid="bank-list-note">
                  The {summary.digestBank ?? 'other'} list of the same log as <SafeText text={summary.companionOf} />: the {summary.digestBank ?? 'its'} bank is
                  checked and replayed from it.
                </p>
              ) : null}
              {summary?.unusedBeside !== undefined ? (
                <p className="input-item__note" data-testid="unused-list-note">
                  Not used: another IMA list of the same bank as <SafeText text={summary.unusedBeside} />, which is the one analysed. Open it on its own to analyse it.
                </p>
              ) : null}
            </li>
          );
        })}
        {reference !== undefined ? (
          <li className="input-item" data-testid="input-reference" data-kind={reference.kind}>
            <div className="input-item__head">
              <span className="input-item__name" title={visibleText(reference.name)}>
                <SafeText text={reference.name} />
              </span>
              <button type="button" className="icon-button" aria-label={`Clear the comparison with ${reference.name}`} title="Clear the comparison" onClick={clearCompare}>
                ×
              </button>
            </div>
            <p className="input-item__note">
              The comparison&apos;s reference ({reference.kind === 'policy' ? 'a runtime policy' : 'a known-good IMA list'}): compared with, not analysed.
            </p>
          </li>
        ) : null}
      </ul>
    </Panel>
  );
}
