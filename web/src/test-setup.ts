// Component tests run in jsdom; IndexedDB comes from fake-indexeddb per test.
export {};
