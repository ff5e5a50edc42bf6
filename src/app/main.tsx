import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createInspectorStore } from '../store/inspector-store';
import { InspectorStoreContext } from '../store/use-inspector';
import { createLogClient } from '../worker/log-client';
import { connectClient } from './connect-client';
import { connectLocation } from './connect-location';
import { AppCommandsContext, EntrySourceContext } from '../views/shared/entry-source';
import { createAppCommands } from './app-commands';
import { createShareSource } from './connect-share';
import { ShareSourceContext } from '../views/share/share-source';
import './app.css';

const store = createInspectorStore();
const client = createLogClient((message) => store.getState().failLoad(message));
const connection = connectClient(store, client);
const location = connectLocation(store, connection.source);
const commands = createAppCommands(store, connection, location);
const shareSource = createShareSource(client);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <InspectorStoreContext.Provider value={store}>
      <EntrySourceContext.Provider value={connection.source}>
        <AppCommandsContext.Provider value={commands}>
          <ShareSourceContext.Provider value={shareSource}>
            <App />
          </ShareSourceContext.Provider>
        </AppCommandsContext.Provider>
      </EntrySourceContext.Provider>
    </InspectorStoreContext.Provider>
  </StrictMode>,
);
