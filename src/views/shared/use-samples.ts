import { useEffect, useState } from 'react';
import { useAppCommands, type SampleInfo } from './app-commands';

/** The bundled samples, once their index has been fetched. */
export function useSamples(): readonly SampleInfo[] {
  const commands = useAppCommands();
  const [samples, setSamples] = useState<readonly SampleInfo[]>([]);
  useEffect(() => {
    let live = true;
    void commands.samples().then((s) => {
      if (live) setSamples(s);
    });
    return () => {
      live = false;
    };
  }, [commands]);
  return samples;
}
