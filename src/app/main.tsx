import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createInspectorStore } from '../store/inspector-store';
import { InspectorStoreContext } from '../store/use-inspector';
import { createLogClient } from '../worker/log-client';
import { connectClient } from './connect-client';
import { connectLocation } from './connect-location';
import { AppCommandsContext } from '../views/shared/app-commands';
import { WorkerCallContext } from '../views/shared/worker-call';
import { createAppCommands } from './app-commands';
import './app.css';

const store = createInspectorStore();
const client = createLogClient((message) => store.getState().failLoad(message));
const connection = connectClient(store, client);
const location = connectLocation(store, connection.call);
const commands = createAppCommands(store, connection, location);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <InspectorStoreContext.Provider value={store}>
      <WorkerCallContext.Provider value={connection.call}>
        <AppCommandsContext.Provider value={commands}>
          <App />
        </AppCommandsContext.Provider>
      </WorkerCallContext.Provider>
    </InspectorStoreContext.Provider>
  </StrictMode>,
);
