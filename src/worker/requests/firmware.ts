/** The firmware table's requests: windows of decoded events and one event with its bytes (firmware-events.ts). */
import {
  findFirmwareInput,
  firmwareEventDetail,
  firmwareEventPage,
  openFirmwareLog,
  type OpenedFirmwareLog,
} from '../firmware-events';
import { SessionError, type Handlers, type Session } from '../session';

/** The firmware log among the inputs, parsed and replayed once per open. */
function requireFirmware(session: Session): Promise<OpenedFirmwareLog> {
  const state = session.state;
  if (state.firmware === undefined) {
    const input = findFirmwareInput(state.others);
    if (input === undefined) throw new SessionError('noLog', 'No firmware event log is open');
    state.firmware = session.hashProvider().then((provider) => openFirmwareLog(input, provider));
  }
  return state.firmware;
}

export const firmwareHandlers: Handlers<'getFirmwareEvents' | 'getFirmwareEventDetail'> = {
  getFirmwareEvents: async (session, { range }) => firmwareEventPage(await requireFirmware(session), range),
  getFirmwareEventDetail: async (session, { index }) => {
    const detail = firmwareEventDetail(await requireFirmware(session), index);
    if (detail === undefined) throw new SessionError('internal', `No firmware event ${index}`);
    return detail;
  },
};
