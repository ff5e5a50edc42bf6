/** Two digests one above the other, in full, the hex digits of `value` that differ from `reference` marked. */
export function DiffHex({
  reference,
  value,
  referenceLabel,
  valueLabel,
}: {
  readonly reference: string;
  readonly value: string;
  readonly referenceLabel: string;
  readonly valueLabel: string;
}) {
  return (
    <dl className="diff-hex">
      <dt>{referenceLabel}</dt>
      <dd className="mono">{reference}</dd>
      <dt>{valueLabel}</dt>
      <dd className="mono">
        {[...value].map((ch, i) => (ch === reference[i] ? ch : <mark key={i}>{ch}</mark>))}
      </dd>
    </dl>
  );
}
