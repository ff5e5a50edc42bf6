/**
 * The bundled sample inputs (public/samples/, made by the project's own log builder): an
 * index of scenarios, each a few files fetched from the page's own origin and then handled
 * exactly like dropped files.
 */

import type { SampleInfo } from '../views/shared/app-commands';

function samplesUrl(path: string): URL {
  return new URL(`samples/${path}`, document.baseURI);
}

function isSampleInfo(value: unknown): value is SampleInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    typeof v.title === 'string' &&
    typeof v.description === 'string' &&
    Array.isArray(v.files) &&
    v.files.every((f) => typeof f === 'string')
  );
}

export async function fetchSampleIndex(): Promise<readonly SampleInfo[]> {
  const response = await fetch(samplesUrl('index.json'));
  if (!response.ok) return [];
  const index: unknown = await response.json();
  return Array.isArray(index) ? index.filter(isSampleInfo) : [];
}

/** The sample's files as File objects, as if the user had dropped them. */
export async function fetchSampleFiles(sample: SampleInfo): Promise<File[]> {
  return Promise.all(
    sample.files.map(async (name) => {
      const response = await fetch(samplesUrl(`${encodeURIComponent(sample.name)}/${encodeURIComponent(name)}`));
      if (!response.ok) throw new Error(`Could not load sample file ${sample.name}/${name} (HTTP ${response.status})`);
      return new File([await response.blob()], name);
    }),
  );
}
