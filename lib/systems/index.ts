// The door to lib/systems: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/systems" (eslint enforces it).
export {
  canReadSystems,
  configureConnector,
  discoverSystem,
  listSystems,
  retireSystem,
  setSystemEnvironment,
  type SystemView,
} from "./systems";
