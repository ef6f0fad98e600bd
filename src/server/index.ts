export { API_VERSION, type BuildServerOptions, buildServer, type MezameServer } from './app.js';
export { ServerConfig } from './config.js';
export {
  ensureFirstAdmin,
  FIRST_ADMIN_LOGIN,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './start.js';
