export type * from './schema.js';
export { type Engine, migrate, openStorage, type Storage, type StorageOptions } from './storage.js';
