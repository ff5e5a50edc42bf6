import { useAppCommands } from '../shared/app-commands';
import { useSamples } from '../shared/use-samples';
import { OpenFilesButton } from '../shared/OpenFilesButton';
import './Welcome.css';

/** The first screen: what to drop, and samples that show imascope working in one click. */
export function Welcome() {
  const commands = useAppCommands();
  const samples = useSamples();
  return (
    <section className="welcome">
      <div className="welcome__drop">
        <h1 className="welcome__title">Why does this machine fail attestation?</h1>
        <p className="welcome__lead">
          Drop its IMA measurement list anywhere on this page — <code>binary_runtime_measurements</code> or{' '}
          <code>ascii_runtime_measurements</code> — together with what the verifier saw: PCR values, a TPM quote, its
          signature and the attestation key, the firmware event log.
        </p>
        <p className="welcome__actions">
          <OpenFilesButton label="Choose files…" large />
          <span className="welcome__or">or drop them here</span>
        </p>
        <p className="welcome__privacy">Everything runs in this tab. Nothing is uploaded.</p>
      </div>
      {samples.length > 0 ? (
        <div className="welcome__samples">
          <h2 className="welcome__subtitle">Or try a sample</h2>
          <ul className="sample-list">
            {samples.map((s) => (
              <li key={s.name}>
                <button type="button" className="sample-card" data-testid="sample-card" onClick={() => commands.loadSample(s.name)}>
                  <span className="sample-card__title">{s.title}</span>
                  <span className="sample-card__description">{s.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
