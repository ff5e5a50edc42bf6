/**
 * Fail closed on the quote's companions (CONTRACT §5.1): a signature or key the user gave is a
 * check they asked for, so one that cannot be made is an error finding, never a silent pass.
 * A signature is a check whatever file carried it: one inside the quote's own input (a Keylime
 * string, tpm2_quote's stdout) that no key can check is as incomplete as a separate `.sig`, so
 * that the same quote never passes in one packaging and fails in another.
 */
import { isCcEventLog } from '../eventlog/cc-eventlog';
import type { Finding, QuoteSources } from '../report/report';
import type { AkPublic } from '../tpm/keys/ak-public';
import type { LoadedInputs } from './load-inputs';
import type { PairedQuote } from './pair-quotes';

function incomplete(message: string): Finding {
  return { code: 'check-incomplete', severity: 'error', message };
}

export function inputFindings(loaded: LoadedInputs): Finding[] {
  const out: Finding[] = [];
  const unreadableQuotes = loaded.unreadable.filter((u) => u.kind === 'tpm-quote').map((u) => u.name);
  for (const s of loaded.spareSignatures) {
    out.push(
      incomplete(
        loaded.quotes.length === 0
          ? unreadableQuotes.length > 0
            ? `${s.input}: a quote signature, but the quote given (${unreadableQuotes.join(', ')}) could not be read, so it was not checked.`
            : `${s.input}: a quote signature, but no quote was given to check it against.`
          : `${s.input}: a quote signature left over: every quote already has one (${loaded.quotes.map((q) => q.input).join(', ')}).`,
      ),
    );
  }
  for (const q of loaded.quotes) {
    if (q.signatureUnreadable !== undefined) {
      out.push(incomplete(`${q.input}: the signature it carries could not be read (${q.signatureUnreadable}), so nothing shows that a TPM made this quote.`));
      continue;
    }
    if (q.signature !== undefined && q.ak === undefined) {
      const carried = q.signature.input === q.input ? 'the signature it carries' : `its signature ${q.signature.input}`;
      out.push(incomplete(`${q.input}: ${carried} cannot be checked: no readable attestation key was given (give the AK: a TPM public area, a PEM key or its certificate).`));
    }
    if (q.signature === undefined && loaded.aks.length > 0) {
      out.push(incomplete(`${q.input}: no signature was given for this quote, so ${loaded.aks[0].input} cannot verify it.`));
    }
    // Neither half of the signature check was asked for, so nothing failed; but the digest alone
    // proves only that the quote's bytes agree with the log, which anyone can write (a warning,
    // not a pass that looks like a verified attestation).
    if (q.signature === undefined && loaded.aks.length === 0) {
      out.push({
        code: 'quote-unsigned',
        severity: 'warning',
        message: `${q.input}: the quote's PCR digest was compared, but no signature and no attestation key were given, so nothing shows that a TPM made this quote. Give its signature (tpm2_quote -s) and the AK (a TPM public area, a PEM key or its certificate) to verify it.`,
      });
    }
  }
  if (loaded.quotes.length === 0) {
    for (const k of loaded.aks) out.push(incomplete(`${k.input}: an attestation key, but no quote was given for it to verify.`));
  }
  // PCR values are checked against a list's replay, a firmware log's or a quote's digest:
  // given with none of them, as a key without a quote, nothing they were given for was checked.
  // A TDX event log replays measurement registers, no TPM PCR (cc-eventlog.ts): it compares none.
  const tdx = loaded.firmware !== undefined && isCcEventLog(loaded.firmware.log);
  const compared = loaded.log !== undefined || loaded.streamedLog !== undefined || (loaded.firmware !== undefined && !tdx) || loaded.quotes.length > 0;
  if (loaded.pcrValues.size > 0 && !compared) {
    const names = loaded.inputs.filter((i) => i.kind === 'pcr-values').map((i) => i.name);
    const who = names.length === 0 ? '' : `${names.join(', ')}: `;
    const given = tdx ? ' (a TDX event log replays measurement registers, not TPM PCRs)' : '';
    out.push(incomplete(`${who}PCR values, but no IMA measurement list, firmware log or quote was given to compare them with${given}.`));
  }
  for (const k of loaded.imaKeys) {
    out.push({
      code: 'input-ima-key',
      severity: 'info',
      message: `${k.input}: ${describeKey(k.value)} ${loaded.quotes.length === 0 ? 'with no quote to verify' : 'that verifies none of the supplied quotes'}; kept as an IMA verification key (ima-key).`,
    });
  }
  return out;
}

/**
 * `RSA-2048 key`, `P-256 certificate "CN=…"`; a certificate with an empty subject (as TPM
 * EK certificates have: the TPM is named in subjectAltName) by its issuer instead.
 */
export function describeKey(key: AkPublic): string {
  const algorithm = key.kind === 'rsa' ? `RSA-${key.bits ?? '?'}` : (key.curve ?? `ECC${key.curveId !== undefined ? ` curve 0x${key.curveId.toString(16)}` : ''}`);
  const article = /^(RSA|ECC)/.test(algorithm) ? 'an' : 'a';
  const cert = key.certificate;
  if (cert === undefined) return `${article} ${algorithm} public key`;
  return cert.subject === '' ? `${article} ${algorithm} certificate with an empty subject issued by "${cert.issuer}"` : `${article} ${algorithm} certificate "${cert.subject}"`;
}

export function quoteSources(q: PairedQuote): QuoteSources {
  const cert = q.ak?.value.certificate;
  return {
    ...(q.signature !== undefined ? { signatureInput: q.signature.input } : {}),
    ...(q.signatureUnreadable !== undefined ? { signatureUnreadable: q.signatureUnreadable } : {}),
    ...(q.ak !== undefined ? { akInput: q.ak.input } : {}),
    ...(cert !== undefined && q.ak !== undefined
      ? {
          akCertificate: {
            subject: cert.subject,
            issuer: cert.issuer,
            notBefore: cert.notBefore,
            notAfter: cert.notAfter,
            key: describeKey(q.ak.value).replace(/^an? /, '').replace(/ certificate .*$/, ''),
          },
        }
      : {}),
  };
}
